import { DomainError } from '../common/domain-error.js';

/** Not authenticated: no token, a bad or expired token, or a session that ended. */
export class UnauthenticatedError extends DomainError {
  readonly code: string = 'UNAUTHENTICATED';
  readonly status = 401;
}

/** The e-mail and password do not match an active account (one message for every case). */
export class InvalidCredentialsError extends UnauthenticatedError {
  override readonly code = 'INVALID_CREDENTIALS';
}

export class InvalidRefreshTokenError extends UnauthenticatedError {
  override readonly code = 'INVALID_REFRESH_TOKEN';
}

export { RateLimitedError } from '../rate-limits/rate-limited.error.js';

/** The caller is authenticated but their role may not use this route. */
export class RoleForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}
