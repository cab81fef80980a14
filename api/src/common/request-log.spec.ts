import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { errorSummary } from './loggable-error.js';
import {
  REDACTED_PATHS,
  requestLogSettings,
  serializeError,
  serializeRequest,
  serializeResponse,
} from './request-log.js';

/** Strings that stand for PHI and secrets in these tests: none may reach a log line. */
const PROBES = ['Okonkwo', 'Adaeze', 'Pw-secret-1', 'eyJhbGciOiJIUzI1NiJ9.token', 'diabetes-probe'];

/** A query error as TypeORM throws it: the SQL, its parameters, and the driver's error that quotes a value. */
function queryFailure(): Error {
  const driverError = Object.assign(new Error('invalid input syntax for type uuid: "Okonkwo"'), {
    code: '22P02',
    routine: 'string_to_uuid',
    detail: 'Key (email)=(adaeze@example.org) already exists.',
  });
  return Object.assign(new Error('invalid input syntax for type uuid: "Okonkwo"'), {
    name: 'QueryFailedError',
    query: 'SELECT id FROM users WHERE id = $1 AND full_name = $2',
    parameters: ['Okonkwo', 'Adaeze'],
    driverError,
    code: '22P02',
  });
}

/** The lines a pino logger with the API's settings writes. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const settings = requestLogSettings({ LOG_LEVEL: 'trace' } as AppConfig).pinoHttp as {
    redact: { paths: string[]; censor: string };
    serializers: Record<string, (value: unknown) => unknown>;
  };
  const logger = pino({ level: 'trace', redact: settings.redact, serializers: settings.serializers }, destination);
  return { logger, text: () => lines.join('') };
}

describe('the request log', () => {
  it('names a request by id, method, path with parameter names, and address; never headers, body or query values', () => {
    const request = {
      id: 'req-1',
      method: 'POST',
      url: '/api/v1/patients?query=Okonkwo&limit=10',
      remoteAddress: '203.0.113.7',
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.token', cookie: 'medledger_refresh=x' },
      body: { password: 'Pw-secret-1', fullName: 'Adaeze Okonkwo' },
      query: { query: 'Okonkwo' },
    };
    expect(serializeRequest(request)).toEqual({
      id: 'req-1',
      method: 'POST',
      url: '/api/v1/patients',
      query: ['query', 'limit'],
      remoteAddress: '203.0.113.7',
    });
    expect(serializeResponse({ statusCode: 201, body: { title: 'diabetes-probe' } } as { statusCode: number })).toEqual(
      {
        statusCode: 201,
      },
    );
  });

  it('writes no probe from a request, a response, a secret-bearing object or a failed query', () => {
    const { logger, text } = capturingLogger();
    logger.info(
      {
        req: { id: 'r', method: 'GET', url: '/api/v1/patients?query=Okonkwo', remoteAddress: '::1', body: 'Adaeze' },
        res: { statusCode: 200, body: 'diabetes-probe' },
      },
      'request completed',
    );
    logger.warn({ login: { password: 'Pw-secret-1', accessToken: 'eyJhbGciOiJIUzI1NiJ9.token' } }, 'a secret');
    logger.error({ err: queryFailure(), requestId: 'r' }, 'unhandled error');
    logger.error({ err: new Error('wrapped', { cause: queryFailure() }) }, 'wrapped');
    const written = text();
    for (const probe of PROBES) expect(written).not.toContain(probe);
    expect(written).toContain('22P02');
    expect(written).toContain('QueryFailedError');
    expect(written).toContain('[redacted]');
    expect(REDACTED_PATHS).toEqual(expect.arrayContaining(['req.headers.authorization', '*.password']));
  });

  it('keeps the message and stack of an error that involves no query', () => {
    expect(serializeError(new Error('the ledger did not answer'))).toMatchObject({
      type: 'Error',
      message: 'the ledger did not answer',
      stack: expect.stringContaining('request-log.spec'),
    });
  });
});

describe('errorSummary', () => {
  it("gives an error's message, or of a query error its names and SQLSTATE only", () => {
    expect(errorSummary(new Error('peer0 did not answer'))).toBe('peer0 did not answer');
    expect(errorSummary(queryFailure())).toBe('QueryFailedError [22P02]');
    expect(errorSummary(new Error('erasure failed', { cause: queryFailure() }))).toBe(
      'Error <- QueryFailedError [22P02]',
    );
  });
});
