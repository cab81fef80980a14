import { DomainError } from '../common/domain-error.js';

/**
 * Too many requests (429): the envelope and `Retry-After` say how many seconds to wait,
 * the envelope as `retryAfterSeconds` too (a browser on another origin cannot read the header).
 */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(message, { details: { retryAfterSeconds: seconds } });
    this.retryAfterSeconds = seconds;
  }
}
