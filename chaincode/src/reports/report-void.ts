import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import { requireIsoTime, requireMspId, requireTxId, requireUuid } from '../validation';

/**
 * The mark that a report ID will never be recorded by whoever voided it, kept under the
 * report's own key: an upload that the API rolled back after its `RecordReport` may or
 * may not have been ordered. Once the void commits, a `RecordReport` of that ID by a
 * caller who voided it is refused (CONFLICT, by the read it makes anyway), so the API may
 * unpin the content; if the report committed first, the void is refused and the API
 * completes the upload instead. The ledger orders the two, so exactly one wins. The
 * API's recovery voids as the uploader, so a void by anyone else blocks nothing: a
 * `RecordReport` by someone who did not void the ID replaces the mark with the report.
 *
 * `voidedBy`, `voidedByMspId`, `voidedAt` and `txId` are the first void's; `alsoVoidedBy`
 * lists the callers who voided the ID after it, in the order of their voids (so that no
 * later void can take the mark away from an uploader who voided). Marks written before
 * `alsoVoidedBy` have none.
 */
export class ReportVoid {
  readonly reportId: string;
  readonly voided: true;
  readonly voidedBy: string;
  readonly voidedByMspId: string;
  readonly voidedAt: string;
  readonly alsoVoidedBy: string[];
  readonly txId: string;

  private constructor(fields: Omit<ReportVoid, 'voided'>) {
    this.reportId = fields.reportId;
    this.voided = true;
    this.voidedBy = fields.voidedBy;
    this.voidedByMspId = fields.voidedByMspId;
    this.voidedAt = fields.voidedAt;
    this.alsoVoidedBy = fields.alsoVoidedBy;
    this.txId = fields.txId;
  }

  static create(fields: Omit<ReportVoid, 'voided'>): ReportVoid {
    const voidedBy = requireUuid(fields.voidedBy, 'voidedBy');
    return new ReportVoid({
      reportId: requireUuid(fields.reportId, 'reportId'),
      voidedBy,
      voidedByMspId: requireMspId(fields.voidedByMspId, 'voidedByMspId'),
      voidedAt: requireIsoTime(fields.voidedAt, 'voidedAt'),
      alsoVoidedBy: requireLaterVoiders(fields.alsoVoidedBy, voidedBy),
      txId: requireTxId(fields.txId, 'txId'),
    });
  }

  /** Whether the state under a report key is a void mark rather than a report. */
  static isVoid(raw: Record<string, unknown>): boolean {
    return raw.voided === true;
  }

  /** Whether `uid` voided the ID (first or later): then the mark refuses their `RecordReport`. */
  static isVoidedBy(mark: ReportVoid, uid: string): boolean {
    return mark.voidedBy === uid || mark.alsoVoidedBy.includes(uid);
  }

  /** The mark read back; one written before `alsoVoidedBy` has none. */
  static fromState(bytes: Uint8Array): ReportVoid {
    const raw = parseJsonObject(bytes, 'report void');
    try {
      return ReportVoid.create({ alsoVoidedBy: [], ...raw } as unknown as ReportVoid);
    } catch (error) {
      throw corruptState(`stored report void is invalid (${(error as Error).message})`);
    }
  }
}

/** Distinct UUIDs, none of them the first voider. */
function requireLaterVoiders(value: unknown, voidedBy: string): string[] {
  if (!Array.isArray(value)) throw invalidArgument('alsoVoidedBy must be a list of uids');
  const uids = value.map((uid, index) => requireUuid(uid, `alsoVoidedBy[${index}]`));
  if (new Set([voidedBy, ...uids]).size !== uids.length + 1) {
    throw invalidArgument('alsoVoidedBy names a voider twice');
  }
  return uids;
}
