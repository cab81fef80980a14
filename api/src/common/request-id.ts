import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * The request id of a request: the caller's `X-Request-Id` when it is a sane token (so a
 * request can be followed across services), else a fresh UUID. Echoed in the response.
 */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}
