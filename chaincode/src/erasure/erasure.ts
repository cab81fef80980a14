import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { requireIsoTime, requireMspId, requireTxId, requireUuid } from '../validation';

/** erasure(patientId): at most one per patient, never overwritten. */
export const ERASURE_OBJECT_TYPE = 'erasure';

/**
 * The fact that a patient's content was erased: the API destroyed the patient's
 * key-encryption key, so every record of theirs is unreadable from then on, while the
 * ledger keeps its IDs and digests. Who erased (an admin of the patient's hospital) and
 * when (the transaction time); no reason text, which could hold PHI.
 */
export class Erasure {
  readonly patientId: string;
  readonly erasedBy: string;
  readonly erasedByMspId: string;
  readonly erasedAt: string;
  readonly txId: string;

  private constructor(fields: Erasure) {
    this.patientId = fields.patientId;
    this.erasedBy = fields.erasedBy;
    this.erasedByMspId = fields.erasedByMspId;
    this.erasedAt = fields.erasedAt;
    this.txId = fields.txId;
  }

  static create(fields: Erasure): Erasure {
    return new Erasure({
      patientId: requireUuid(fields.patientId, 'patientId'),
      erasedBy: requireUuid(fields.erasedBy, 'erasedBy'),
      erasedByMspId: requireMspId(fields.erasedByMspId, 'erasedByMspId'),
      erasedAt: requireIsoTime(fields.erasedAt, 'erasedAt'),
      txId: requireTxId(fields.txId, 'txId'),
    });
  }

  static fromState(bytes: Uint8Array): Erasure {
    const raw = parseJsonObject(bytes, 'erasure');
    try {
      return Erasure.create(raw as unknown as Erasure);
    } catch (error) {
      throw corruptState(`stored erasure is invalid (${(error as Error).message})`);
    }
  }
}
