import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import { nullable, requireIsoTime, requireMspId, requireOneOf, requireTxId, requireUuid } from '../validation';

export const RECEIPT_OBJECT_TYPE = 'receipt';
/** receipt~report(reportId, at, txId) */
export const RECEIPT_BY_REPORT = 'receipt~report';
/** receipt~patient(patientId, at, txId) */
export const RECEIPT_BY_PATIENT = 'receipt~patient';
/** receipt~reader(readerId, at, txId) */
export const RECEIPT_BY_READER = 'receipt~reader';

/** On what ground content was opened: the patient's own, the author's, or a grant of either kind. */
export const ACCESS_BASES = ['patient', 'author', 'grant', 'emergency'] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];
export const READER_ROLES = ['patient', 'doctor'] as const;

/**
 * Proof that a reader was allowed to open a report's content at a given moment: written
 * by the AccessReport transaction whose ID it carries, before the API releases anything.
 */
export class AccessReceipt {
  readonly txId: string;
  readonly reportId: string;
  readonly patientId: string;
  readonly readerId: string;
  readonly readerMspId: string;
  readonly readerRole: (typeof READER_ROLES)[number];
  readonly basis: AccessBasis;
  readonly grantId: string | null;
  readonly at: string;

  private constructor(fields: AccessReceipt) {
    this.txId = fields.txId;
    this.reportId = fields.reportId;
    this.patientId = fields.patientId;
    this.readerId = fields.readerId;
    this.readerMspId = fields.readerMspId;
    this.readerRole = fields.readerRole;
    this.basis = fields.basis;
    this.grantId = fields.grantId;
    this.at = fields.at;
  }

  static create(fields: AccessReceipt): AccessReceipt {
    const receipt = new AccessReceipt({
      txId: requireTxId(fields.txId, 'txId'),
      reportId: requireUuid(fields.reportId, 'reportId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      readerId: requireUuid(fields.readerId, 'readerId'),
      readerMspId: requireMspId(fields.readerMspId, 'readerMspId'),
      readerRole: requireOneOf(fields.readerRole, 'readerRole', READER_ROLES),
      basis: requireOneOf(fields.basis, 'basis', ACCESS_BASES),
      grantId: nullable(fields.grantId, (value) => requireUuid(value, 'grantId')),
      at: requireIsoTime(fields.at, 'at'),
    });
    const throughGrant = receipt.basis === 'grant' || receipt.basis === 'emergency';
    if (throughGrant !== (receipt.grantId !== null)) {
      throw invalidArgument('grantId is set exactly when the basis is a grant');
    }
    return receipt;
  }

  static fromState(bytes: Uint8Array): AccessReceipt {
    const raw = parseJsonObject(bytes, 'access receipt');
    try {
      return AccessReceipt.create(raw as unknown as AccessReceipt);
    } catch (error) {
      throw corruptState(`stored access receipt is invalid (${(error as Error).message})`);
    }
  }
}
