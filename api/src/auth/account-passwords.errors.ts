import { ConflictError, DomainError } from '../common/domain-error.js';

/**
 * An account link that is unknown, used, replaced by a newer one, expired, or of an account
 * that can no longer use it (one answer for every case): 404, no such live link. Not a 400:
 * a well-formed token is valid input, and the OpenAPI document cannot tell live ones.
 */
export class InvalidAccountLinkError extends DomainError {
  readonly code = 'INVALID_LINK';
  readonly status = 404;
}

/** The current password given to change it is wrong. */
export class WrongCurrentPasswordError extends DomainError {
  readonly code = 'WRONG_PASSWORD';
  readonly status = 403;
}

/** An activation e-mail for an account that is not pending (its owner chose a password already, or it is suspended). */
export class AccountNotPendingError extends ConflictError {
  override readonly code = 'ACCOUNT_NOT_PENDING';
}

/** An admin asked to make a pending account active: only its owner does that, from the activation e-mail. */
export class AccountPendingError extends ConflictError {
  override readonly code = 'ACCOUNT_PENDING';
}
