import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { requireIsoTime, requireMspId, requireTxId, requireUuid } from '../validation';

/**
 * The mark that a report ID will never be recorded, kept under the report's own key: an
 * upload that the API rolled back after its `RecordReport` may or may not have been
 * ordered. Once the void commits, a `RecordReport` of that ID is refused (CONFLICT, by the
 * read it makes anyway), so the API may unpin the content; if the report committed first,
 * the void is refused and the API completes the upload instead. The ledger orders the two,
 * so exactly one wins.
 */
export class ReportVoid {
  readonly reportId: string;
  readonly voided: true;
  readonly voidedBy: string;
  readonly voidedByMspId: string;
  readonly voidedAt: string;
  readonly txId: string;

  private constructor(fields: Omit<ReportVoid, 'voided'>) {
    this.reportId = fields.reportId;
    this.voided = true;
    this.voidedBy = fields.voidedBy;
    this.voidedByMspId = fields.voidedByMspId;
    this.voidedAt = fields.voidedAt;
    this.txId = fields.txId;
  }

  static create(fields: Omit<ReportVoid, 'voided'>): ReportVoid {
    return new ReportVoid({
      reportId: requireUuid(fields.reportId, 'reportId'),
      voidedBy: requireUuid(fields.voidedBy, 'voidedBy'),
      voidedByMspId: requireMspId(fields.voidedByMspId, 'voidedByMspId'),
      voidedAt: requireIsoTime(fields.voidedAt, 'voidedAt'),
      txId: requireTxId(fields.txId, 'txId'),
    });
  }

  /** Whether the state under a report key is a void mark rather than a report. */
  static isVoid(raw: Record<string, unknown>): boolean {
    return raw.voided === true;
  }

  static fromState(bytes: Uint8Array): ReportVoid {
    const raw = parseJsonObject(bytes, 'report void');
    try {
      return ReportVoid.create(raw as unknown as ReportVoid);
    } catch (error) {
      throw corruptState(`stored report void is invalid (${(error as Error).message})`);
    }
  }
}
