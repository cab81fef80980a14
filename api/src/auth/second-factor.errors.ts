import { ConflictError, DomainError } from '../common/domain-error.js';
import { UnauthenticatedError } from './auth.errors.js';

/** A staff member's session before their second factor is confirmed: only enrolment and sign-out. */
export class SecondFactorEnrolmentRequiredError extends DomainError {
  readonly code = 'SECOND_FACTOR_ENROLMENT_REQUIRED';
  readonly status = 403;
}

/** The sign-in's challenge is unknown, expired or already spent: sign in with the password again. */
export class InvalidSecondFactorChallengeError extends UnauthenticatedError {
  override readonly code = 'INVALID_SECOND_FACTOR_CHALLENGE';
}

/** A wrong, expired or already used code at sign-in (one answer for every case). */
export class InvalidSecondFactorCodeError extends UnauthenticatedError {
  override readonly code = 'INVALID_SECOND_FACTOR_CODE';
}

/**
 * A wrong code while confirming an enrolment: 403, as a wrong current password is (not 401,
 * since the caller's session is fine: a client must not take it for an expired token; not
 * 400, since a well-formed code is valid input, and the document cannot tell the right one).
 */
export class WrongEnrolmentCodeError extends DomainError {
  readonly code = 'INVALID_SECOND_FACTOR_CODE';
  readonly status = 403;
}

export class SecondFactorAlreadyEnrolledError extends ConflictError {
  override readonly code = 'SECOND_FACTOR_ALREADY_ENROLLED';
}

/** A confirmation without an enrolment started (POST /auth/second-factor first). */
export class NoSecondFactorEnrolmentError extends ConflictError {
  override readonly code = 'NO_SECOND_FACTOR_ENROLMENT';
}
