import { requireCid } from '../cid';
import { parseJsonObject } from '../canonical-json';
import { corruptState, notFound } from '../errors';
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

/** Why the author was allowed to write: a care assignment or a grant of the patient. */
export const WRITE_BASES = ['care', 'grant'] as const;
export type WriteBasis = (typeof WRITE_BASES)[number];

/**
 * A medical record as the ledger knows it: who wrote it for whom, and the digests that
 * pin its content. `cid`, `ciphertextSha256` and `size` describe the encrypted object in
 * IPFS; `plaintextCommitment` is an HMAC-SHA-256 of the plaintext under a per-record key
 * kept off-chain, never a bare hash. `hospitalMspId` is the patient's hospital.
 */
export class Report {
  readonly reportId: string;
  readonly patientId: string;
  readonly hospitalMspId: string;
  readonly authorId: string;
  readonly authorMspId: string;
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
    return new Report({
      reportId: requireUuid(fields.reportId, 'reportId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      hospitalMspId: requireMspId(fields.hospitalMspId, 'hospitalMspId'),
      authorId: requireUuid(fields.authorId, 'authorId'),
      authorMspId: requireMspId(fields.authorMspId, 'authorMspId'),
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
  }

  /** The report under its key; NOT_FOUND when the key holds a void mark (the ID was never recorded). */
  static fromState(bytes: Uint8Array): Report {
    const raw = parseJsonObject(bytes, 'report');
    if (ReportVoid.isVoid(raw)) throw notFound(`report ${String(raw.reportId)} was voided: it was never recorded`);
    try {
      return Report.create(raw as unknown as Report);
    } catch (error) {
      throw corruptState(`stored report is invalid (${(error as Error).message})`);
    }
  }
}
