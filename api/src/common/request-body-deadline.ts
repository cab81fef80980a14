import type { NextFunction, Request, Response } from 'express';
import type { ErrorEnvelope } from './error-envelope.filter.js';

const exempt = new WeakSet<object>();

/** This request's body is read under a timeout of its own (an upload's idle timeout): no fixed deadline. */
export function exemptFromBodyDeadline(request: object): void {
  exempt.add(request);
}

/**
 * The time a request body has to arrive in full. Node's own `requestTimeout` (a fixed time
 * for every whole request) is off, so that a slow but progressing upload is not cut after
 * it (uploads are cut when they stall instead, see readMultipartUpload); every other body
 * is small (JSON_BODY_LIMIT_BYTES) and keeps a deadline: past it, the client gets 408
 * REQUEST_TIMEOUT and the connection is closed, or, once the request was answered, the
 * connection is closed.
 */
export function requestBodyDeadline(
  deadlineMs: number,
): (request: Request & { id?: string }, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    if (!hasBody(request) || request.complete) return next();
    const timer = setTimeout(() => {
      if (request.complete || request.destroyed || exempt.has(request)) return;
      if (response.headersSent) {
        request.destroy();
        return;
      }
      const envelope: ErrorEnvelope = {
        statusCode: 408,
        code: 'REQUEST_TIMEOUT',
        message: `the request body did not arrive within ${Math.round(deadlineMs / 1000)} s`,
        requestId: request.id ?? '',
      };
      // Node closes the connection once this answer is out.
      response.setHeader('Connection', 'close');
      response.status(408).json(envelope);
    }, deadlineMs);
    request.once('close', () => clearTimeout(timer));
    next();
  };
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
