import { parseJsonObject } from '../canonical-json';
import {
  EMERGENCY_PURPOSE,
  LEGACY_CONSENT_PURPOSE,
  PurposeOfUse,
  requirePurposeOfUse,
} from '../consent/purpose-of-use';
import { GRANTEE_KINDS, GranteeKind } from '../consent/grant';
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
 * The purpose of use of an opening without a grant: the patient opening their own report
 * does so at their own request (PATRQT); the author opens what they wrote to treat (TREAT).
 */
export const PURPOSE_WITHOUT_GRANT: Readonly<Record<'patient' | 'author', PurposeOfUse>> = {
  patient: 'PATRQT',
  author: 'TREAT',
};

/**
 * Proof that a reader was allowed to open a report's content at a given moment: written
 * by the AccessReport transaction whose ID it carries, before the API releases anything.
 * `purposeOfUse` follows from the basis: for `grant` and `emergency`, the purpose of the
 * grant used (ETREAT exactly for `emergency`); for `patient`, PATRQT; for `author`, TREAT.
 * For an opening under a grant, `grantId` names it and `granteeKind` says whom it let in
 * (the reader by name, `doctor`; the reader's hospital, `hospital`; or the reader as one
 * of its care team, `care-team`); both are null for the patient and the author.
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
  readonly granteeKind: GranteeKind | null;
  readonly purposeOfUse: PurposeOfUse;
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
    this.granteeKind = fields.granteeKind;
    this.purposeOfUse = fields.purposeOfUse;
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
      granteeKind: nullable(fields.granteeKind, (value) => requireOneOf(value, 'granteeKind', GRANTEE_KINDS)),
      purposeOfUse: requirePurposeOfUse(fields.purposeOfUse, 'purposeOfUse'),
      at: requireIsoTime(fields.at, 'at'),
    });
    const throughGrant = receipt.basis === 'grant' || receipt.basis === 'emergency';
    if (throughGrant !== (receipt.grantId !== null) || throughGrant !== (receipt.granteeKind !== null)) {
      throw invalidArgument('grantId and granteeKind are set exactly when the basis is a grant');
    }
    if (receipt.basis === 'emergency' && receipt.granteeKind !== 'doctor') {
      throw invalidArgument('an emergency grant lets in only the doctor who declared it');
    }
    checkPurpose(receipt);
    return receipt;
  }

  /** Reads a stored receipt, including one written by the previous version (see withLegacyDefaults). */
  static fromState(bytes: Uint8Array): AccessReceipt {
    const raw = parseJsonObject(bytes, 'access receipt');
    try {
      return AccessReceipt.create(withLegacyDefaults(raw) as unknown as AccessReceipt);
    } catch (error) {
      throw corruptState(`stored access receipt is invalid (${(error as Error).message})`);
    }
  }
}

/** The purpose of use that the basis implies (see AccessReceipt). */
function checkPurpose(receipt: AccessReceipt): void {
  const { basis, purposeOfUse } = receipt;
  if (basis === 'patient' || basis === 'author') {
    if (purposeOfUse !== PURPOSE_WITHOUT_GRANT[basis]) {
      throw invalidArgument(`an opening on basis ${basis} has the purpose of use ${PURPOSE_WITHOUT_GRANT[basis]}`);
    }
  } else if ((basis === 'emergency') !== (purposeOfUse === EMERGENCY_PURPOSE)) {
    throw invalidArgument(
      `an opening under a grant has the purpose ${EMERGENCY_PURPOSE} exactly when the grant is an emergency one`,
    );
  }
}

const LEGACY_PURPOSE_BY_BASIS: Record<AccessBasis, PurposeOfUse> = {
  ...PURPOSE_WITHOUT_GRANT,
  grant: LEGACY_CONSENT_PURPOSE,
  emergency: EMERGENCY_PURPOSE,
};

/**
 * A receipt as an earlier chaincode version wrote it (the chaincode is upgraded in place,
 * so such records stay on the ledger). Before grants to hospitals and care teams, every
 * grant went to one doctor: an opening under a grant without `granteeKind` was the
 * doctor's by name (`doctor`), and one without a grant has none. Before purposes were
 * recorded, the purpose follows from the basis, a grant's being TREAT as every consent
 * grant's then was, an emergency grant's ETREAT. Stored fields are kept. Receipts are
 * never rewritten.
 */
function withLegacyDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const basis = requireOneOf(raw.basis, 'basis', ACCESS_BASES);
  const throughGrant = basis === 'grant' || basis === 'emergency';
  return {
    ...raw,
    granteeKind: 'granteeKind' in raw ? raw.granteeKind : throughGrant ? 'doctor' : null,
    purposeOfUse: 'purposeOfUse' in raw ? raw.purposeOfUse : LEGACY_PURPOSE_BY_BASIS[basis],
  };
}
