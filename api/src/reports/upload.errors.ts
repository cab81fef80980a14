import { ConflictError, DomainError } from '../common/domain-error.js';

/** An Idempotency-Key sent again with a different upload (another patient, type or title). */
export class IdempotencyKeyReusedError extends ConflictError {
  override readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

/** The upload under this Idempotency-Key is still running or being recovered; ask again later. */
export class UploadInProgressError extends ConflictError {
  override readonly code = 'UPLOAD_IN_PROGRESS';
  readonly retryAfterSeconds = 2;
}

/** A patient adds records to their own file only. */
export class UploadForAnotherPatientError extends DomainError {
  readonly code = 'UPLOAD_FOR_ANOTHER_PATIENT';
  readonly status = 403;
}
