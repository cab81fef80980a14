import { IsUUID } from 'class-validator';
import {
  isLedgerTime,
  LEDGER_RECORD_SHAPES,
  type LedgerRecords,
  Nullable,
  Text,
  validatedRecord,
} from '../ledger/ledger-records.js';

/**
 * The v2 envelope of a chaincode event (design section A): besides the IDs each event has
 * always carried, the transaction time `at`, the signer `actor` from its certificate, and
 * `records`, every record the transaction wrote, exactly as written, by record type. The
 * records are checked as the ledger's listings are (LEDGER_RECORD_SHAPES), each field of the
 * type of its column, so that no event can make a batch's INSERT fail.
 */

/** Who signed the transaction: `id` is the certificate's `ehr.uid` (null for the API's service identity). */
export class EventActor {
  @Nullable() @IsUUID() id!: string | null;
  @Nullable() @Text() role!: string | null;
  @Text() mspId!: string;
}

/** The records a transaction wrote, by record type (those the projection does not write, such as `probe`, left out). */
export type EventRecords = Partial<LedgerRecords>;

/** A chaincode event's v2 envelope, checked. */
export interface EventEnvelope {
  /** The transaction time (ISO 8601, UTC). */
  at: string;
  actor: EventActor;
  records: EventRecords;
}

/** An event that carries the v2 envelope, but one the projection cannot write: the fields at fault, never their values. */
export class InvalidEventEnvelopeError extends Error {
  constructor(readonly fields: string[]) {
    super(`invalid event envelope: ${fields.join(', ')}`);
    this.name = 'InvalidEventEnvelopeError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The v2 envelope of an event's payload, checked; null when the payload has none (no
 * `records` or no `at`: an event written before the chaincode carried it).
 * @throws InvalidEventEnvelopeError when it has one whose fields are not what the projection writes.
 */
export function readEnvelope(payload: unknown): EventEnvelope | null {
  if (!isObject(payload) || payload.records === undefined || payload.at === undefined) return null;
  const problems: string[] = [];
  if (!isLedgerTime(payload.at)) problems.push('at');
  const actor = checked(EventActor, payload.actor, 'actor', problems);
  const records: Record<string, unknown> = {};
  if (!isObject(payload.records)) {
    problems.push('records');
  } else {
    for (const [type, shape] of Object.entries<new () => object>(LEDGER_RECORD_SHAPES)) {
      const record: unknown = payload.records[type];
      if (record !== undefined) records[type] = checked(shape, record, `records.${type}`, problems);
    }
  }
  if (problems.length > 0) throw new InvalidEventEnvelopeError(problems);
  return { at: payload.at as string, actor: actor!, records: records as EventRecords };
}

/** `json` as an instance of `shape` when valid; otherwise null, with the invalid fields added to `problems`. */
function checked<T extends object>(shape: new () => T, json: unknown, path: string, problems: string[]): T | null {
  const { record, invalid } = validatedRecord(shape, json);
  if (invalid) problems.push(...(invalid.length > 0 ? invalid.map((field) => `${path}.${field}`) : [path]));
  return record ?? null;
}
