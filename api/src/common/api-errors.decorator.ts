import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from './error-envelope.dto.js';

/** The error statuses the API answers (the contract's list, and 410 for erased content). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

/** What each status means on any route; a route may say more of its own. */
const MEANINGS: Record<ErrorStatus, string> = {
  400: 'INVALID_INPUT: invalid input; `errors` lists every refused field',
  401: 'UNAUTHENTICATED: no valid access token, or its session has ended',
  403: 'Not allowed (FORBIDDEN, or a more precise code)',
  404: 'Unknown, or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'CONTENT_ERASED: the patient’s content was erased',
  413: 'PAYLOAD_TOO_LARGE: the body is larger than the API accepts',
  415: 'UNSUPPORTED_MEDIA_TYPE: a content type this route does not take',
  422: 'INTEGRITY_FAILED: the stored content does not match the ledger; nothing unverified was released',
  429: 'RATE_LIMITED: too many requests; try again after Retry-After',
  503: 'A backing component (database, ledger, IPFS, certificate authority) cannot serve now; try again after Retry-After',
};

/** Seconds to wait, on the answers that tell the client to come back later. */
const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds after which trying again is worth it',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
};

/** An error status, alone (its usual meaning) or with what it means on this route. */
export type ErrorAnswer = ErrorStatus | [ErrorStatus, string];

/**
 * The one way a route declares its error answers in the OpenAPI document: each status it
 * can answer, with the error envelope (ErrorEnvelopeDto) as its body, and `Retry-After` on
 * 429 and 503. `[status, description]` says what a status means on this route.
 *
 * Every route with @Roles declares 401, 403 and 503 through it (the access guard answers
 * them, and reads the session from the database); a route adds the rest: 400 when it takes
 * input, 404, 409… as its service answers them.
 */
export function ApiErrors(...answers: ErrorAnswer[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...answers.map((answer) => {
      const [status, description] = Array.isArray(answer) ? answer : [answer, MEANINGS[answer]];
      return ApiResponse({
        status,
        description,
        type: ErrorEnvelopeDto,
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      });
    }),
  );
}
