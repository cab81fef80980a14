/**
 * Errors that lower layers raise and one exception filter maps to the contract's error
 * envelope. `code` is stable (integrators branch on it); `status` is the HTTP status.
 * Nothing matches on message text.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Extra fields for the envelope, such as the failing fields of a 400. */
  readonly details?: Record<string, unknown>;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

/** A backing component (database, ledger, IPFS) cannot serve now; the client may retry. */
export abstract class ComponentUnavailableError extends DomainError {
  readonly status = 503;
  /** Seconds after which a retry is worth it, sent as `Retry-After`. */
  readonly retryAfterSeconds: number = 5;
}

export class NotFoundError extends DomainError {
  readonly code: string = 'NOT_FOUND';
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly code: string = 'CONFLICT';
  readonly status = 409;
}

export class InvalidInputError extends DomainError {
  readonly code: string = 'INVALID_INPUT';
  readonly status = 400;
}
