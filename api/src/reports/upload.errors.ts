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

/**
 * The patient's content was erased: nothing can be added to it. A conflict with the
 * patient's state (409), with the code that reading their records answers (410 there).
 */
export class UploadForErasedPatientError extends ConflictError {
  override readonly code = 'CONTENT_ERASED';
}

/** A patient adds records to their own file only. */
export class UploadForAnotherPatientError extends DomainError {
  readonly code = 'UPLOAD_FOR_ANOTHER_PATIENT';
  readonly status = 403;
}
