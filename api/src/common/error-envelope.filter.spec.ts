import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { pino } from 'pino';
import { ErrorEnvelopeFilter } from './error-envelope.filter.js';

const REQUEST_ID = 'req-7f3a';

/** Values of a request that must never reach a log line: what PHI in a failed query looks like. */
const EMAIL = 'ada.lovelace@example.org';
const NAME = 'Ada Lovelace';
const REASON = 'second opinion on the biopsy';
const KEY = 'wrapped-key-c2VjcmV0';
const NOT_A_UUID = 'ada-not-a-uuid';
const QUERY = 'SELECT "user"."id" FROM "users" "user" WHERE "user"."email" = $1 AND "user"."id" = $2::uuid';
const PARAMETERS = [EMAIL, NOT_A_UUID, NAME, REASON, KEY];
const SECRETS = [EMAIL, NAME, REASON, KEY, NOT_A_UUID, 'SELECT', '$2::uuid'];

/** pg's DatabaseError: the server's message, which quotes values, and the fields of its error report. */
class DatabaseError extends Error {
  constructor(message: string, fields: Record<string, unknown>) {
    super(message);
    this.name = 'error';
    Object.assign(this, { severity: 'ERROR', file: 'uuid.c', line: '133', ...fields });
  }
}

/**
 * TypeORM's QueryFailedError, built the way TypeORM builds it (common/ does not import
 * TypeORM): the driver's message as its own, the query, its parameters and the driver's error
 * as enumerable properties, and the driver's fields copied onto it.
 */
class QueryFailedError extends Error {
  readonly query: string;
  readonly parameters: unknown[];
  readonly driverError: DatabaseError;

  constructor(query: string, parameters: unknown[], driverError: DatabaseError) {
    super(driverError.message);
    this.query = query;
    this.parameters = parameters;
    this.driverError = driverError;
    // The driver's own fields, as TypeORM spreads them, all but its name.
    const fields: Record<string, unknown> = { ...driverError };
    delete fields.name;
    Object.assign(this, fields);
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** PostgreSQL refusing a crafted id at `$2::uuid`. */
const invalidUuid = (): QueryFailedError =>
  new QueryFailedError(
    QUERY,
    PARAMETERS,
    new DatabaseError(`invalid input syntax for type uuid: "${NOT_A_UUID}"`, {
      code: '22P02',
      routine: 'string_to_uuid',
      where: `unnamed portal parameter $2 = '${NOT_A_UUID}'`,
    }),
  );

/** PostgreSQL refusing a second account with the same e-mail address. */
const duplicateEmail = (): QueryFailedError =>
  new QueryFailedError(
    'INSERT INTO "users"("email", "name") VALUES ($1, $2)',
    PARAMETERS,
    new DatabaseError('duplicate key value violates unique constraint "users_email_key"', {
      code: '23505',
      routine: '_bt_check_unique',
      schema: 'public',
      table: 'users',
      constraint: 'users_email_key',
      detail: `Key (email)=(${EMAIL}) already exists.`,
    }),
  );

interface FakeResponse {
  headersSent: boolean;
  statusCode?: number;
  body?: unknown;
  headers: Record<string, string>;
  status(code: number): FakeResponse;
  json(body: unknown): FakeResponse;
  setHeader(name: string, value: string): void;
  destroy(): void;
}

function fakeResponse(): FakeResponse {
  const response: FakeResponse = {
    headersSent: false,
    headers: {},
    status(code) {
      response.statusCode = code;
      return response;
    },
    json(body) {
      response.body = body;
      return response;
    },
    setHeader(name, value) {
      response.headers[name] = value;
    },
    destroy() {},
  };
  return response;
}

/** Runs the filter over an error thrown while serving a request; answers the response. */
function answerTo(thrown: unknown): FakeResponse {
  const response = fakeResponse();
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: REQUEST_ID }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ErrorEnvelopeFilter().catch(thrown, host);
  return response;
}

/** The line that pino, the API's logger, writes for the arguments the filter gave a log call. */
function lineWrittenFor(args: unknown[]): string {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
  (logger.error as (...args: unknown[]) => void)(...args);
  return lines.join('');
}

describe('ErrorEnvelopeFilter', () => {
  let logged: { error: jest.Spied<Logger['error']>; warn: jest.Spied<Logger['warn']> };

  beforeEach(() => {
    logged = {
      error: jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
      warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
    };
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Everything the filter handed the logger, as the log would hold it. */
  const everythingLogged = (): string =>
    [...logged.error.mock.calls, ...logged.warn.mock.calls].map((args) => lineWrittenFor(args)).join('\n');

  describe('an unexpected query error', () => {
    it('answers a 500 envelope without internals', () => {
      const response = answerTo(invalidUuid());

      expect(response.statusCode).toBe(500);
      expect(response.body).toEqual({
        statusCode: 500,
        code: 'INTERNAL',
        message: 'internal error',
        requestId: REQUEST_ID,
      });
    });

    it('logs neither the query, its parameters nor the value PostgreSQL quotes', () => {
      answerTo(invalidUuid());

      expect(logged.error).toHaveBeenCalledTimes(1);
      const line = everythingLogged();
      for (const secret of SECRETS) expect(line).not.toContain(secret);
      expect(line).not.toContain('invalid input syntax');
    });

    it('logs its name, the SQLSTATE, the routine and the stack frames, with the request id', () => {
      answerTo(invalidUuid());

      const [fields, message] = logged.error.mock.calls[0]!;
      expect(message).toBe('unhandled error');
      expect(fields).toEqual({
        requestId: REQUEST_ID,
        err: { type: 'QueryFailedError', code: '22P02', routine: 'string_to_uuid', stack: expect.any(String) },
      });
      const { stack } = (fields as { err: { stack: string } }).err;
      expect(stack.split('\n').every((line) => /^\s+at /.test(line))).toBe(true);
      expect(stack).toContain('error-envelope.filter.spec.ts');
    });

    it('logs the table and constraint a violation names, never the row it quotes', () => {
      answerTo(duplicateEmail());

      const [fields] = logged.error.mock.calls[0]!;
      expect(fields).toMatchObject({
        err: { type: 'QueryFailedError', code: '23505', table: 'users', constraint: 'users_email_key' },
      });
      const line = everythingLogged();
      for (const secret of SECRETS) expect(line).not.toContain(secret);
      expect(line).not.toContain('already exists');
    });

    it('drops a message that spans lines whole, keeping only frames', () => {
      const error = new QueryFailedError(
        QUERY,
        PARAMETERS,
        new DatabaseError(`invalid input syntax for type uuid: "x\n    at ${EMAIL}"`, { code: '22P02' }),
      );

      answerTo(error);

      expect(everythingLogged()).not.toContain(EMAIL);
    });

    it('logs an error that wraps one by codes and frames too, since it may repeat its message', () => {
      const queryError = invalidUuid();
      const wrapper = new Error(`could not load the user: ${queryError.message}`, { cause: queryError });

      const response = answerTo(wrapper);

      expect(response.statusCode).toBe(500);
      const [fields] = logged.error.mock.calls[0]!;
      expect(fields).toMatchObject({
        err: { type: 'Error', cause: { type: 'QueryFailedError', code: '22P02' } },
      });
      const line = everythingLogged();
      for (const secret of SECRETS) expect(line).not.toContain(secret);
      expect(line).not.toContain('could not load the user');
    });
  });

  it('logs any other unexpected error as it is, with the request id', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");

    const response = answerTo(bug);

    expect(response.statusCode).toBe(500);
    expect(logged.error).toHaveBeenCalledWith({ err: bug, requestId: REQUEST_ID }, 'unhandled error');
  });

  it('answers a query error that says the database went away as a 503, logging its SQLSTATE only', () => {
    const shutdown = new QueryFailedError(
      QUERY,
      PARAMETERS,
      new DatabaseError('terminating connection due to administrator command', { code: '57P01' }),
    );

    const response = answerTo(shutdown);

    expect(response.statusCode).toBe(503);
    expect(response.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE', requestId: REQUEST_ID });
    expect(response.headers['Retry-After']).toEqual(expect.any(String));
    expect(logged.error).not.toHaveBeenCalled();
    expect(logged.warn).toHaveBeenCalledWith(
      { requestId: REQUEST_ID, code: 'DATABASE_UNAVAILABLE', cause: 'QueryFailedError [57P01]' },
      'the database is unreachable',
    );
    for (const secret of SECRETS) expect(everythingLogged()).not.toContain(secret);
  });
});
