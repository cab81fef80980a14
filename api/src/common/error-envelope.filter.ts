import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DatabaseUnavailableError, isDatabaseUnreachable } from '../database/database-health.js';
import { ComponentUnavailableError, DomainError } from './domain-error.js';

/** An error that tells the client when to try again (`Retry-After`, in seconds). */
interface RetryableError {
  retryAfterSeconds: number;
}

const isRetryable = (error: unknown): error is RetryableError =>
  error instanceof DomainError && typeof (error as Partial<RetryableError>).retryAfterSeconds === 'number';

/** The contract's error body: `{ statusCode, code, message, requestId, ...details }`. */
export interface ErrorEnvelope {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  [detail: string]: unknown;
}

/** Codes of the errors Nest or Express raise themselves, by HTTP status. */
const HTTP_CODES: Record<number, string> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * The one place where errors become HTTP responses. Domain errors carry their code and
 * status; Nest's HTTP exceptions and body-parser errors map by status; anything else is a
 * bug: logged with the request id, answered as a 500 without internals.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(thrown: unknown, host: ArgumentsHost): void {
    // Errors that already say what they are keep their meaning; a raw driver error saying
    // the database cannot be reached becomes a 503 of its own.
    const exception =
      !(thrown instanceof DomainError) && isDatabaseUnreachable(thrown)
        ? new DatabaseUnavailableError('the database is unreachable', { cause: thrown })
        : thrown;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const requestId = String(request.id ?? '');
    const envelope = this.toEnvelope(exception, requestId);

    if (isRetryable(exception)) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    if (exception instanceof ComponentUnavailableError) {
      this.logger.warn({ requestId, code: exception.code, cause: describeCause(exception) }, exception.message);
    } else if (envelope.statusCode >= 500) {
      // pino would write a query error's SQL, parameters and driver error, and PostgreSQL's
      // message can quote a value: such errors are logged by their codes and frames only.
      const err = involvesQuery(exception) ? withoutValues(exception) : exception;
      this.logger.error({ err, requestId }, 'unhandled error');
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(envelope.statusCode).json(envelope);
  }

  private toEnvelope(exception: unknown, requestId: string): ErrorEnvelope {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        requestId,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      const envelope: ErrorEnvelope = {
        statusCode: status,
        code: HTTP_CODES[status] ?? `HTTP_${status}`,
        message: Array.isArray(message) ? 'invalid input' : String(message),
        requestId,
      };
      if (Array.isArray(message)) envelope.errors = message;
      if (typeof body === 'object' && body !== null && 'errors' in body)
        envelope.errors = (body as { errors: unknown }).errors;
      return envelope;
    }
    const bodyParserStatus = bodyParserErrorStatus(exception);
    if (bodyParserStatus !== undefined) {
      return {
        statusCode: bodyParserStatus,
        code: HTTP_CODES[bodyParserStatus] ?? `HTTP_${bodyParserStatus}`,
        message: bodyParserStatus === 413 ? 'request body too large' : 'malformed request body',
        requestId,
      };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error', requestId };
  }
}

/** Express's body parsers throw http-errors with `status` and `type` (entity.parse.failed, entity.too.large…). */
function bodyParserErrorStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') return status;
  return undefined;
}

/** The first line of each cause of an error, for the log of a 503; of a query error, its name and SQLSTATE. */
function describeCause(error: Error): string {
  const lines: string[] = [];
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth += 1) {
    if (carriesQuery(cause)) {
      const { code } = databaseFacts(cause);
      lines.push(code === undefined ? cause.name : `${cause.name} [${code}]`);
      continue;
    }
    const details = (cause as { details?: unknown }).details;
    const detailText = Array.isArray(details)
      ? details.map((detail: { message?: string }) => detail.message).join('; ')
      : '';
    lines.push(`${cause.name}: ${cause.message}${detailText ? ` (${detailText})` : ''}`);
  }
  return lines.join(' <- ');
}

/** How deep the causes (and aggregated errors) of an error are followed. */
const MAX_CAUSE_DEPTH = 5;

/**
 * An error that carries a database query, such as TypeORM's QueryFailedError: it holds the
 * SQL, its parameters (e-mail addresses, names, keys…) and the driver's error, whose message
 * can quote a value. Known by its shape, so that common/ does not import TypeORM.
 */
function carriesQuery(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && ('driverError' in error || 'parameters' in error || 'query' in error)
  );
}

/** Whether an error, one of its causes or one of the errors it aggregates carries a query. */
function involvesQuery(error: unknown, depth = 0): boolean {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
  if (carriesQuery(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  return (
    involvesQuery(cause, depth + 1) ||
    (Array.isArray(errors) && errors.some((inner: unknown) => involvesQuery(inner, depth + 1)))
  );
}

/** What the log keeps of an error that involves a query: nothing a value can be written into. */
interface ErrorWithoutValues {
  type: string;
  /** The driver's SQLSTATE (or socket error code). */
  code?: string;
  routine?: string;
  table?: string;
  constraint?: string;
  /** The stack frames, without the message. */
  stack?: string;
  cause?: ErrorWithoutValues;
  aggregateErrors?: ErrorWithoutValues[];
}

/**
 * An error and its causes as the log may show them when a query is among them: names, the
 * driver's codes and the names of what failed, and stack frames. No message at all, since an
 * error wrapping a query error may repeat its message in its own.
 */
function withoutValues(error: unknown, depth = 0): ErrorWithoutValues {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const shown: ErrorWithoutValues = { type: nameOf(error) };
  if (carriesQuery(error)) Object.assign(shown, databaseFacts(error));
  if (error instanceof Error) {
    const frames = stackFrames(error);
    if (frames) shown.stack = frames;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) shown.cause = withoutValues(cause, depth + 1);
    if (Array.isArray(errors)) shown.aggregateErrors = errors.map((inner: unknown) => withoutValues(inner, depth + 1));
  }
  return shown;
}

/** The error's name (QueryFailedError…), or its constructor's. */
function nameOf(error: object): string {
  const { name, constructor } = error as { name?: unknown; constructor?: { name?: unknown } };
  if (typeof name === 'string' && name !== '') return name;
  return typeof constructor?.name === 'string' && constructor.name !== '' ? constructor.name : 'Object';
}

type DatabaseFacts = Pick<ErrorWithoutValues, 'code' | 'routine' | 'table' | 'constraint'>;

/**
 * The driver's SQLSTATE, routine and the names of the table and constraint, where it gives
 * them; never `detail`, `where` or `internalQuery`, which quote values.
 */
function databaseFacts(error: object): DatabaseFacts {
  const { driverError } = error as { driverError?: unknown };
  const driver = (typeof driverError === 'object' && driverError !== null ? driverError : {}) as Record<
    string,
    unknown
  >;
  const own = error as Record<string, unknown>;
  const facts: DatabaseFacts = {};
  for (const key of ['code', 'routine', 'table', 'constraint'] as const) {
    const value = driver[key] ?? own[key];
    if (typeof value === 'string') facts[key] = value;
  }
  return facts;
}

/**
 * The frames of an error's stack. The message heads the stack and can span lines, so what
 * follows the message is kept, and of that only the `at …` lines.
 */
function stackFrames(error: Error): string | undefined {
  const { stack, message } = error;
  if (typeof stack !== 'string') return undefined;
  const messageAt = message ? stack.indexOf(message) : -1;
  const afterMessage = messageAt >= 0 ? stack.slice(messageAt + message.length) : stack;
  const frames = afterMessage.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}
