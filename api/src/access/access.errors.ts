import { ConflictError, DomainError, NotFoundError } from '../common/domain-error.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';

/** No access request with this id that the caller may see or decide. */
export class AccessRequestNotFoundError extends NotFoundError {
  override readonly code = 'ACCESS_REQUEST_NOT_FOUND';
}

/** No grant with this id that the caller may see or revoke. */
export class GrantNotFoundError extends NotFoundError {
  override readonly code = 'GRANT_NOT_FOUND';
}

/** No patient with this id (or a report named is not that patient's). */
export class PatientNotFoundError extends NotFoundError {
  override readonly code = 'PATIENT_NOT_FOUND';
}

export class HospitalNotFoundError extends NotFoundError {
  override readonly code = 'HOSPITAL_NOT_FOUND';
}

export class DoctorNotFoundError extends NotFoundError {
  override readonly code = 'DOCTOR_NOT_FOUND';
}

/** A report named in a scope does not exist or is not the patient's. */
export class ReportNotOfPatientError extends NotFoundError {
  override readonly code = 'REPORT_NOT_OF_PATIENT';
}

/** The request was already approved, denied or cancelled. */
export class RequestNotPendingError extends ConflictError {
  override readonly code = 'REQUEST_NOT_PENDING';
}

/** The grant already ended: revoked or expired. */
export class GrantEndedError extends ConflictError {
  override readonly code = 'GRANT_ALREADY_ENDED';
}

/** The doctor already holds an active emergency grant for this patient. */
export class EmergencyActiveError extends ConflictError {
  override readonly code = 'EMERGENCY_ACTIVE';
}

export class EmergencyReviewedError extends ConflictError {
  override readonly code = 'EMERGENCY_ALREADY_REVIEWED';
}

/**
 * Runs a ledger call and turns the chaincode's refusals into the errors `refusals` names
 * for them, by the chaincode's stable code (never by message text); other refusals and
 * every other error pass.
 */
export async function translatingRefusals<T>(
  call: () => Promise<T>,
  refusals: Partial<Record<string, () => DomainError>>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const translate = error instanceof ChaincodeRefusedError ? refusals[error.code] : undefined;
    if (!translate) throw error;
    // The chaincode's refusal stays its cause: callers tell a definite refusal from an outage by it.
    throw Object.defineProperty(translate(), 'cause', { value: error, enumerable: false, writable: true });
  }
}

/** Whether the chaincode refused the change (as it said, or translated into the contract's error). */
export function isChaincodeRefusal(error: unknown): boolean {
  return (
    error instanceof ChaincodeRefusedError || (error instanceof Error && error.cause instanceof ChaincodeRefusedError)
  );
}
