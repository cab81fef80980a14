import { requireCid } from '../cid';
import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument, notFound } from '../errors';
import { ReportVoid } from './report-void';
import {
  requireCommitmentHex,
  requireInteger,
  requireIsoTime,
  requireMspId,
  requireOneOf,
  requireSha256Hex,
  requireTxId,
  requireUuid,
} from '../validation';

export const REPORT_OBJECT_TYPE = 'report';
/** report~patient(patientId, recordedAt, reportId) */
export const REPORT_BY_PATIENT = 'report~patient';
/** report~author(authorId, recordedAt, reportId) */
export const REPORT_BY_AUTHOR = 'report~author';

export const REPORT_TYPES = ['report', 'prescription', 'bill', 'lab', 'imaging', 'note'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/**
 * Encryption schemes the ledger accepts, by ID: AES-256-GCM in authenticated chunks under a
 * per-record data key (architecture, invariant 5). A new scheme is a new ID here.
 */
export const ENCRYPTION_SCHEMES = ['aes-256-gcm-chunked-v1'] as const;
export type EncryptionScheme = (typeof ENCRYPTION_SCHEMES)[number];

/** Ciphertext sizes the ledger accepts, in bytes: at least one, at most 1 TiB. */
export const REPORT_SIZE = { min: 1, max: 2 ** 40 } as const;

/** Who wrote a record, by the role of the author's certificate: a clinician, or the patient. */
export const AUTHOR_ROLES = ['doctor', 'patient'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

/**
 * Why the author was allowed to write: for a doctor, a care assignment or a grant of the
 * patient (`writeBasisId` its ID); for a patient, their own record (`self`, `writeBasisId`
 * the patient's uid).
 */
export const WRITE_BASES = ['care', 'grant', 'self'] as const;
export type WriteBasis = (typeof WRITE_BASES)[number];

/**
 * A medical record as the ledger knows it: who wrote it for whom, and the digests that
 * pin its content. `cid`, `ciphertextSha256` and `size` describe the encrypted object in
 * IPFS; `plaintextCommitment` is an HMAC-SHA-256 of the plaintext under a per-record key
 * kept off-chain, never a bare hash. `hospitalMspId` is the patient's hospital.
 * `authorRole` tells a clinician's record (`doctor`) from one the patient brought
 * (`patient`, for themself only, on the basis `self`), so that neither is ever shown as
 * the other.
 */
export class Report {
  readonly reportId: string;
  readonly patientId: string;
  readonly hospitalMspId: string;
  readonly authorId: string;
  readonly authorMspId: string;
  readonly authorRole: AuthorRole;
  readonly type: ReportType;
  readonly cid: string;
  readonly ciphertextSha256: string;
  readonly plaintextCommitment: string;
  readonly size: number;
  readonly encryptionScheme: EncryptionScheme;
  readonly recordedAt: string;
  readonly writeBasis: WriteBasis;
  readonly writeBasisId: string;
  readonly txId: string;

  private constructor(fields: Report) {
    this.reportId = fields.reportId;
    this.patientId = fields.patientId;
    this.hospitalMspId = fields.hospitalMspId;
    this.authorId = fields.authorId;
    this.authorMspId = fields.authorMspId;
    this.authorRole = fields.authorRole;
    this.type = fields.type;
    this.cid = fields.cid;
    this.ciphertextSha256 = fields.ciphertextSha256;
    this.plaintextCommitment = fields.plaintextCommitment;
    this.size = fields.size;
    this.encryptionScheme = fields.encryptionScheme;
    this.recordedAt = fields.recordedAt;
    this.writeBasis = fields.writeBasis;
    this.writeBasisId = fields.writeBasisId;
    this.txId = fields.txId;
  }

  static create(fields: Report): Report {
    const report = new Report({
      reportId: requireUuid(fields.reportId, 'reportId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      hospitalMspId: requireMspId(fields.hospitalMspId, 'hospitalMspId'),
      authorId: requireUuid(fields.authorId, 'authorId'),
      authorMspId: requireMspId(fields.authorMspId, 'authorMspId'),
      authorRole: requireOneOf(fields.authorRole, 'authorRole', AUTHOR_ROLES),
      type: requireOneOf(fields.type, 'type', REPORT_TYPES),
      cid: requireCid(fields.cid, 'cid'),
      ciphertextSha256: requireSha256Hex(fields.ciphertextSha256, 'ciphertextSha256'),
      plaintextCommitment: requireCommitmentHex(fields.plaintextCommitment, 'plaintextCommitment'),
      size: requireInteger(fields.size, 'size', REPORT_SIZE.min, REPORT_SIZE.max),
      encryptionScheme: requireOneOf(fields.encryptionScheme, 'encryptionScheme', ENCRYPTION_SCHEMES),
      recordedAt: requireIsoTime(fields.recordedAt, 'recordedAt'),
      writeBasis: requireOneOf(fields.writeBasis, 'writeBasis', WRITE_BASES),
      writeBasisId: requireUuid(fields.writeBasisId, 'writeBasisId'),
      txId: requireTxId(fields.txId, 'txId'),
    });
    checkAuthorship(report);
    return report;
  }

  /**
   * The report under its key, including one written by an earlier version (see
   * withLegacyDefaults); NOT_FOUND when the key holds a void mark (the ID was never recorded).
   */
  static fromState(bytes: Uint8Array): Report {
    const raw = parseJsonObject(bytes, 'report');
    if (ReportVoid.isVoid(raw)) throw notFound(`report ${String(raw.reportId)} was voided: it was never recorded`);
    try {
      return Report.create(withLegacyDefaults(raw) as unknown as Report);
    } catch (error) {
      throw corruptState(`stored report is invalid (${(error as Error).message})`);
    }
  }
}

/**
 * A report as an earlier chaincode version wrote it, before patients recorded their own:
 * only doctors wrote then, so a report without `authorRole` is a doctor's. A stored role
 * is kept. Reports are never rewritten.
 */
function withLegacyDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  return 'authorRole' in raw ? raw : { ...raw, authorRole: 'doctor' };
}

/**
 * A patient's own record is written by the patient, for themself, at their hospital, on
 * the basis `self` naming them; a doctor's is written for someone else, on a care
 * assignment or a grant.
 */
function checkAuthorship(report: Report): void {
  if (report.authorRole === 'patient') {
    if (
      report.writeBasis !== 'self' ||
      report.authorId !== report.patientId ||
      report.writeBasisId !== report.patientId ||
      report.authorMspId !== report.hospitalMspId
    ) {
      throw invalidArgument('a patient records only for themself, on the basis self naming them, at their hospital');
    }
  } else if (report.writeBasis === 'self' || report.authorId === report.patientId) {
    throw invalidArgument("a doctor's report is written for a patient on a care assignment or a grant");
  }
}
