import type { PurposeOfUse } from './consent/purpose-of-use';

/**
 * Errors raised by the contract. The stable code is the first token of the message
 * (`NOT_FOUND: probe 42 does not exist`), which is what reaches the client through the
 * peer and what the API maps to its own named errors (api/src/ledger/ledger.errors.ts).
 * This list is the single source of the codes.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'GRANT_EXPIRED',
  'GRANT_REVOKED',
  'EMERGENCY_ACTIVE',
  'REPORT_NOT_OF_PATIENT',
  'CORRUPT_STATE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class ChaincodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
  }
}

export const invalidArgument = (detail: string) => new ChaincodeError('INVALID_ARGUMENT', detail);
export const notFound = (detail: string) => new ChaincodeError('NOT_FOUND', detail);
export const conflict = (detail: string) => new ChaincodeError('CONFLICT', detail);
export const forbidden = (detail: string) => new ChaincodeError('FORBIDDEN', detail);

/**
 * A refusal because the grant that applied has ended (GRANT_EXPIRED, GRANT_REVOKED). It
 * names that grant and its purpose, so that a refusal recorded on the ledger
 * (reports:RecordRefusedAccess) can say which grant it was; the message stays as before.
 */
export class GrantEndedError extends ChaincodeError {
  constructor(
    code: 'GRANT_EXPIRED' | 'GRANT_REVOKED',
    detail: string,
    readonly grant: EndedGrant,
  ) {
    super(code, detail);
  }
}

/** What a GrantEndedError tells of the grant that ended: its ID and purpose of use. */
export interface EndedGrant {
  grantId: string;
  purposeOfUse: PurposeOfUse;
}

export const grantExpired = (detail: string, grant: EndedGrant) => new GrantEndedError('GRANT_EXPIRED', detail, grant);
export const grantRevoked = (detail: string, grant: EndedGrant) => new GrantEndedError('GRANT_REVOKED', detail, grant);
/** A doctor declares an emergency for a patient while an emergency grant of theirs for that patient is in force. */
export const emergencyActive = (detail: string) => new ChaincodeError('EMERGENCY_ACTIVE', detail);
/** A grant's or request's scope names a report that does not exist or is another patient's. */
export const reportNotOfPatient = (detail: string) => new ChaincodeError('REPORT_NOT_OF_PATIENT', detail);
export const corruptState = (detail: string) => new ChaincodeError('CORRUPT_STATE', detail);
