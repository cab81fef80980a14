import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from './canonical-json';
import { corruptState, invalidArgument, notFound } from './errors';
import { callerOf, isoTime, transactionTime } from './transaction-context';
import { requireIntegerText } from './validation';

/**
 * Index entries carry their meaning in the key; the peer treats an empty value as a
 * delete, so they hold one zero byte.
 */
const INDEX_VALUE = Uint8Array.of(0);

/** The largest page a list query returns. */
export const MAX_PAGE_SIZE = 100;

/** Reads and validates the record under `key`, or null when the key holds nothing. */
export async function readRecord<T>(ctx: Context, key: string, fromState: (bytes: Uint8Array) => T): Promise<T | null> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? null : fromState(bytes);
}

/** Reads and validates the record under `key`; NOT_FOUND (naming `what`) when there is none. */
export async function requireRecord<T>(
  ctx: Context,
  key: string,
  fromState: (bytes: Uint8Array) => T,
  what: string,
): Promise<T> {
  const record = await readRecord(ctx, key, fromState);
  if (record === null) throw notFound(`${what} does not exist`);
  return record;
}

/** The record an index entry points to; a dangling entry is corrupt state. */
export async function readIndexed<T>(ctx: Context, key: string, fromState: (bytes: Uint8Array) => T): Promise<T> {
  const record = await readRecord(ctx, key, fromState);
  if (record === null) throw corruptState('an index entry points to a record that does not exist');
  return record;
}

/** True when something is stored under `key` (to refuse a second record with the same ID). */
export async function exists(ctx: Context, key: string): Promise<boolean> {
  return (await ctx.stub.getState(key)).length > 0;
}

export async function putRecord(ctx: Context, key: string, record: object): Promise<void> {
  await ctx.stub.putState(key, canonicalBytes(record));
}

/** Writes an index entry `objectType(attributes…)`; its last attribute names the indexed record. */
export async function putIndex(ctx: Context, objectType: string, attributes: string[]): Promise<void> {
  await ctx.stub.putState(ctx.stub.createCompositeKey(objectType, attributes), INDEX_VALUE);
}

/**
 * The kinds of record an event carries under `records`, by the name readers of the event
 * stream know them (`void` is ReportVoided's void mark of a report ID).
 */
export const EVENT_RECORD_TYPES = [
  'participant',
  'report',
  'void',
  'receipt',
  'refusal',
  'request',
  'grant',
  'care',
  'erasure',
  'probe',
] as const;
export type EventRecordType = (typeof EVENT_RECORD_TYPES)[number];

/** The IDs, codes and times an event names at its top level; `at`, `actor` and `records` are the envelope's. */
export type EventIds = Record<string, string | number | null> & { at?: never; actor?: never; records?: never };

/** Who signed the transaction, from its certificate: `id` is `ehr.uid`, null when the certificate has none. */
export interface EventActor {
  id: string | null;
  role: string | null;
  mspId: string;
}

/**
 * The chaincode event of a state-changing transaction (exactly one each), as canonical
 * JSON: the IDs it has always carried (`ids`, whose names the API's listeners read), the
 * transaction time (`at`), who signed it (`actor`, from the certificate) and the records
 * the transaction wrote, exactly as written, by record type (`records`), so that a reader
 * of the event stream can follow the ledger's state without reading it back. IDs, codes,
 * digests and times only, as every record is.
 */
export function emitEvent(
  ctx: Context,
  name: string,
  ids: EventIds,
  records: Partial<Record<EventRecordType, object>>,
): void {
  const { uid, role, mspId } = callerOf(ctx);
  const actor: EventActor = { id: uid, role, mspId };
  ctx.stub.setEvent(name, canonicalBytes({ ...ids, at: transactionTime(ctx), actor, records }));
}

/**
 * The attributes of every entry under a partial composite key, in key order. For checks
 * inside a submitted transaction (the peer re-runs the range at validation, so a
 * concurrent insert into it invalidates the transaction instead of being missed).
 */
export async function scanIndex(ctx: Context, objectType: string, attributes: string[]): Promise<string[][]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  return readToEnd(iterator, (entry) => ctx.stub.splitCompositeKey(entry.key).attributes);
}

/**
 * The records stored under a partial composite key, in key order, each read back through
 * `fromState`: for index entries that carry a copy of their record (see GRANT_BY_PAIR), so
 * a check inside a submitted transaction costs one range read.
 */
export async function scanRecords<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  fromState: (bytes: Uint8Array) => T,
): Promise<T[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  return readToEnd(iterator, (entry) => fromState(entry.value));
}

/** One page of a list query. `nextBookmark` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextBookmark: string | null;
}

/**
 * One page of entries under a partial composite key (read-only transactions only), with
 * the page size and bookmark arguments validated. The bookmark handed out is the peer's
 * next key in base64url; one handed in must lie under the same partial key, so a crafted
 * bookmark cannot move the scan into another patient's entries.
 */
export async function readIndexPage(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSizeText: string,
  bookmarkText: string,
): Promise<Page<string[]>> {
  return readPage(
    ctx,
    objectType,
    attributes,
    pageSizeText,
    bookmarkText,
    (entry) => ctx.stub.splitCompositeKey(entry.key).attributes,
  );
}

/**
 * One page of the records stored under a partial composite key (read-only transactions
 * only), each read back through `fromState`, as readIndexPage pages index entries: for
 * lists of every record of a type, in key order, in one range read.
 */
export async function readRecordPage<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSizeText: string,
  bookmarkText: string,
  fromState: (bytes: Uint8Array) => T,
): Promise<Page<T>> {
  return readPage(ctx, objectType, attributes, pageSizeText, bookmarkText, (entry) => fromState(entry.value));
}

async function readPage<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSizeText: string,
  bookmarkText: string,
  map: (entry: { key: string; value: Uint8Array }) => T,
): Promise<Page<T>> {
  const pageSize = requireIntegerText(pageSizeText, 'pageSize', 1, MAX_PAGE_SIZE);
  const prefix = ctx.stub.createCompositeKey(objectType, attributes);
  const bookmark = decodeBookmark(bookmarkText, prefix);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    attributes,
    pageSize,
    bookmark,
  );
  const items = await readToEnd(iterator, map);
  // An empty page comes without metadata from the peer.
  const nextKey = metadata?.bookmark;
  return { items, nextBookmark: nextKey ? Buffer.from(nextKey, 'utf8').toString('base64url') : null };
}

function decodeBookmark(text: unknown, prefix: string): string {
  if (text === '') return '';
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]{1,1024}$/.test(text)) {
    throw invalidArgument('bookmark must be empty or a bookmark this list returned');
  }
  const key = Buffer.from(text, 'base64url').toString('utf8');
  if (!key.startsWith(prefix) || Buffer.from(key, 'utf8').toString('base64url') !== text) {
    throw invalidArgument('bookmark does not belong to this list');
  }
  return key;
}

/** One committed version of a key. */
export interface KeyModification<T> {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: T | null;
}

/** Every committed version of a key, oldest first, each read back through `fromState`. */
export async function readHistory<T>(
  ctx: Context,
  key: string,
  fromState: (bytes: Uint8Array, where: string) => T,
): Promise<KeyModification<T>[]> {
  const iterator = await ctx.stub.getHistoryForKey(key);
  const history = await readToEnd(iterator, ({ txId, timestamp, isDelete, value }) => ({
    txId,
    timestamp: isoTime(timestamp),
    isDelete,
    value: isDelete ? null : fromState(value, txId),
  }));
  // The peer's history index answers newest first; a history reads oldest first.
  return history.reverse();
}

/**
 * Every item of a state or history iterator, in order, through `map`. The peer drops an
 * iterator as soon as it has sent its last batch, so an iterator read to its end needs no
 * QUERY_STATE_CLOSE round trip; one left early (`map` or the peer failed) is closed.
 */
export async function readToEnd<I, T>(iterator: LedgerIterator<I>, map: (item: I) => T): Promise<T[]> {
  const items: T[] = [];
  let finished = false;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) items.push(map(next.value));
    finished = true;
  } finally {
    if (!finished) await iterator.close();
  }
  return items;
}

/** A state or history iterator of the chaincode stub. */
export interface LedgerIterator<I> {
  next(): Promise<{ value: I; done: boolean }>;
  close(): Promise<void>;
}
