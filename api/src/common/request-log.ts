import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { loggableUrl } from './loggable-url.js';
import { involvesQuery, withoutValues } from './loggable-error.js';
import { requestIdOf } from './request-id.js';

/** Secrets never reach the logs, whatever a request or an error carries. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.privateKeyPem',
  '*.privateKey',
];

/** What a request's log line says of the request: never its headers, body or query values. */
export interface LoggedRequest {
  id: string;
  method: string;
  /** The path alone: no query string. */
  url: string;
  /** The names of the query parameters, never their values. */
  query: string[];
  remoteAddress: string;
}

/** pino-http's view of a request, as its serializer receives it. */
interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  remoteAddress: string;
}

/**
 * A request as its log line names it: id, method, the URL without query values (they may
 * be PHI: a searched name, a patient filter) and the client's address; not the headers
 * (a kilobyte on every line, and secrets) nor the body (PHI: names, reasons, files).
 */
export const serializeRequest = (request: SerializedRequest): LoggedRequest => ({
  id: request.id,
  method: request.method,
  ...urlFields(loggableUrl(request.url)),
  remoteAddress: request.remoteAddress,
});

const urlFields = ({ path, query }: { path: string; query: string[] }) => ({ url: path, query });

/** A response as its log line names it: the status only, never headers or body. */
export const serializeResponse = (response: { statusCode: number }): { statusCode: number } => ({
  statusCode: response.statusCode,
});

/**
 * An error under `err` in any log line: pino's usual fields, except for an error that
 * involves a database query, whose SQL parameters and driver message may hold values:
 * of it only names, codes and stack frames (loggable-error.ts).
 */
export const serializeError = (error: unknown): unknown => {
  if (involvesQuery(error)) return withoutValues(error);
  return error instanceof Error ? stdSerializers.err(error) : error;
};

/** The settings of the API's log (nestjs-pino): JSON lines with the request id, nothing secret, no PHI. */
export function requestLogSettings(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      // The id was given to the request by the first middleware (configure-app.ts).
      genReqId: (request, response) => (request as { id?: string }).id ?? requestIdOf(request, response),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/metrics' },
    },
  };
}
