import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DatabaseUnavailableError, isDatabaseUnreachable } from '../database/database-health.js';
import { ComponentUnavailableError, DomainError } from './domain-error.js';
import { carriesQuery, databaseFacts, involvesQuery, withoutValues } from './loggable-error.js';

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
    this.send(response, envelope);
  }

  /** Writes the error answer: the envelope as JSON; another face of the API (FHIR) answers in its own form. */
  protected send(response: Response, envelope: ErrorEnvelope): void {
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
