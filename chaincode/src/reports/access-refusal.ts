import { parseJsonObject } from '../canonical-json';
import { PurposeOfUse, requirePurposeOfUse } from '../consent/purpose-of-use';
import { corruptState, invalidArgument } from '../errors';
import { ROLES, Role } from '../participants/participant';
import { nullable, requireIsoTime, requireMspId, requireOneOf, requireTxId, requireUuid } from '../validation';

export const REFUSAL_OBJECT_TYPE = 'refusal';
/** refusal~report(reportId, at, txId) */
export const REFUSAL_BY_REPORT = 'refusal~report';
/** refusal~patient(patientId, at, txId) */
export const REFUSAL_BY_PATIENT = 'refusal~patient';
/** refusal~reader(readerId, at, txId) */
export const REFUSAL_BY_READER = 'refusal~reader';

/** Why AccessReport refuses a reader: the ChaincodeError code its decision throws. */
export const REFUSAL_CODES = ['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/**
 * Proof that a reader was refused a report's content at a given moment: written by the
 * RecordRefusedAccess transaction whose ID it carries, signed by the refused reader's own
 * certificate, and only when AccessReport would refuse them then. `code` is the refusal
 * AccessReport throws; for GRANT_EXPIRED and GRANT_REVOKED, `grantId` and `purposeOfUse`
 * name the grant that ended (the one AccessReport's message names), null for FORBIDDEN.
 * Only a doctor is ever refused for an ended grant: a patient (another patient's report),
 * an auditor or an admin is refused FORBIDDEN.
 */
export class AccessRefusal {
  readonly txId: string;
  readonly reportId: string;
  readonly patientId: string;
  readonly readerId: string;
  readonly readerMspId: string;
  readonly readerRole: Role;
  readonly code: RefusalCode;
  readonly grantId: string | null;
  readonly purposeOfUse: PurposeOfUse | null;
  readonly at: string;

  private constructor(fields: AccessRefusal) {
    this.txId = fields.txId;
    this.reportId = fields.reportId;
    this.patientId = fields.patientId;
    this.readerId = fields.readerId;
    this.readerMspId = fields.readerMspId;
    this.readerRole = fields.readerRole;
    this.code = fields.code;
    this.grantId = fields.grantId;
    this.purposeOfUse = fields.purposeOfUse;
    this.at = fields.at;
  }

  static create(fields: AccessRefusal): AccessRefusal {
    const refusal = new AccessRefusal({
      txId: requireTxId(fields.txId, 'txId'),
      reportId: requireUuid(fields.reportId, 'reportId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      readerId: requireUuid(fields.readerId, 'readerId'),
      readerMspId: requireMspId(fields.readerMspId, 'readerMspId'),
      readerRole: requireOneOf(fields.readerRole, 'readerRole', ROLES),
      code: requireOneOf(fields.code, 'code', REFUSAL_CODES),
      grantId: nullable(fields.grantId, (value) => requireUuid(value, 'grantId')),
      purposeOfUse: nullable(fields.purposeOfUse, (value) => requirePurposeOfUse(value, 'purposeOfUse')),
      at: requireIsoTime(fields.at, 'at'),
    });
    const grantEnded = refusal.code !== 'FORBIDDEN';
    if (grantEnded !== (refusal.grantId !== null) || grantEnded !== (refusal.purposeOfUse !== null)) {
      throw invalidArgument('grantId and purposeOfUse are set exactly when an ended grant refused the reader');
    }
    if (grantEnded && refusal.readerRole !== 'doctor') {
      throw invalidArgument('only a doctor is refused for a grant that ended');
    }
    return refusal;
  }

  static fromState(bytes: Uint8Array): AccessRefusal {
    const raw = parseJsonObject(bytes, 'access refusal');
    try {
      return AccessRefusal.create(raw as unknown as AccessRefusal);
    } catch (error) {
      throw corruptState(`stored access refusal is invalid (${(error as Error).message})`);
    }
  }
}
