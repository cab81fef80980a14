import { ComponentUnavailableError, DomainError } from '../common/domain-error.js';

/** The ledger cannot serve now: a peer or the orderer is unreachable, or a deadline passed. */
export class LedgerUnavailableError extends ComponentUnavailableError {
  readonly code = 'LEDGER_UNAVAILABLE';
}

/**
 * The chaincode refused a transaction. `code` is the contract's stable code (the first
 * token of its message); the status follows from it.
 */
export class ChaincodeRefusedError extends DomainError {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = CHAINCODE_STATUS[code] ?? 422;
  }
}

/** HTTP status of each chaincode error code (chaincode/src/errors.ts). */
const CHAINCODE_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  GRANT_EXPIRED: 403,
  GRANT_REVOKED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EMERGENCY_ACTIVE: 409,
  REPORT_NOT_OF_PATIENT: 404,
  CORRUPT_STATE: 500,
};

/**
 * Reads the chaincode's stable code from a peer's error message, which wraps the
 * chaincode's own message: `chaincode response 500, NOT_FOUND: probe … does not exist`.
 * Returns undefined when the message does not come from the chaincode.
 */
export function parseChaincodeError(message: string): { code: string; detail: string } | undefined {
  const match = /(?:^|chaincode response \d+, |: )([A-Z][A-Z_]+): (.*)$/s.exec(message);
  return match ? { code: match[1], detail: match[2] } : undefined;
}
