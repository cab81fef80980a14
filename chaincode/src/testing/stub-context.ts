import type { Context } from 'fabric-contract-api';

/** A committed version of a key, as the stub's history keeps it. */
interface StoredVersion {
  txId: string;
  millis: number;
  value: Uint8Array | null;
}

export interface StubCaller {
  mspId: string;
  attributes?: Record<string, string>;
}

export interface TransactionOptions {
  /** Who signs; defaults to the previous transaction's caller. */
  caller?: StubCaller;
  /** Transaction time (ISO 8601); defaults to one second after the previous transaction. */
  at?: string;
}

/** A chaincode event of a committed transaction. */
export interface CommittedEvent {
  txId: string;
  name: string;
  payload: unknown;
}

const MIN_RUNE = '\u0000';
const MAX_RUNE = '\u{10ffff}';

/** LevelDB orders keys by their UTF-8 bytes, not by JavaScript's UTF-16 code units. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * An in-memory stand-in for the peer's chaincode stub, for unit tests of contract rules
 * only. It keeps the semantics the contracts rely on:
 * - a transaction reads committed state only, never its own writes;
 * - a submitted transaction's writes and its event commit only when it succeeds; an
 *   evaluated one never commits anything;
 * - writing an empty value deletes the key (as the peer's write set does);
 * - range and partial composite key scans run in key (UTF-8 byte) order; paginated scans
 *   are refused outside read-only transactions and return the next key as the bookmark;
 * - key history comes newest first, with the writing transaction's ID and time;
 * - a transaction setting more than one event fails (the contracts promise exactly one).
 */
export class StubContext {
  private readonly versions = new Map<string, StoredVersion[]>();
  readonly events: CommittedEvent[] = [];
  private txCounter = 0;
  private millis = Date.UTC(2026, 0, 1);
  private caller: StubCaller = { mspId: 'HospitalAMSP' };
  private lastTx = '';

  /** ID of the transaction started last. */
  get lastTxId(): string {
    return this.lastTx;
  }

  /** Time of the transaction started last, ISO 8601. */
  get now(): string {
    return new Date(this.millis).toISOString();
  }

  /** Runs a submitted transaction: its writes and event commit if `run` succeeds, and are discarded if it throws. */
  async submit<T>(options: TransactionOptions, run: (ctx: Context) => Promise<T>): Promise<T> {
    const tx = this.begin(options, false);
    const result = await run(tx.context);
    if (tx.eventCount > 1) throw new Error(`stub: transaction ${tx.txId} set ${tx.eventCount} events`);
    for (const [key, value] of tx.writes) this.commitVersion(key, tx.txId, tx.millis, value);
    if (tx.event) this.events.push({ txId: tx.txId, ...tx.event });
    return result;
  }

  /** Runs an evaluated (read-only) transaction: nothing it writes is kept. */
  async evaluate<T>(options: TransactionOptions, run: (ctx: Context) => Promise<T>): Promise<T> {
    return run(this.begin(options, true).context);
  }

  /** Writes raw bytes under a key as a committed transaction of its own (to plant corrupt state). */
  seed(key: string, value: Uint8Array): void {
    const tx = this.begin({}, false);
    this.commitVersion(key, tx.txId, tx.millis, value);
  }

  /** The composite key the peer's stub would build. */
  compositeKey(objectType: string, attributes: string[]): string {
    return `${MIN_RUNE}${[objectType, ...attributes].join(MIN_RUNE)}${MIN_RUNE}`;
  }

  /** Committed keys in key order, optionally only those of one composite key type. */
  keys(objectType?: string): string[] {
    const prefix = objectType === undefined ? '' : `${MIN_RUNE}${objectType}${MIN_RUNE}`;
    return [...this.versions.keys()].filter((key) => this.latest(key) !== null && key.startsWith(prefix)).sort(byUtf8);
  }

  /** The committed value of a key as text, or null. */
  read(key: string): string | null {
    const value = this.latest(key);
    return value === null ? null : Buffer.from(value).toString('utf8');
  }

  private begin(options: TransactionOptions, readOnly: boolean) {
    this.txCounter += 1;
    const txId = this.txCounter.toString(16).padStart(64, '0');
    this.millis = options.at ? Date.parse(options.at) : this.millis + 1000;
    if (options.caller) this.caller = options.caller;
    this.lastTx = txId;
    const tx = {
      txId,
      millis: this.millis,
      caller: this.caller,
      readOnly,
      writes: new Map<string, Uint8Array | null>(),
      event: undefined as { name: string; payload: unknown } | undefined,
      eventCount: 0,
      context: undefined as unknown as Context,
    };
    tx.context = this.contextOf(tx);
    return tx;
  }

  private contextOf(tx: {
    txId: string;
    millis: number;
    caller: StubCaller;
    readOnly: boolean;
    writes: Map<string, Uint8Array | null>;
    event: { name: string; payload: unknown } | undefined;
    eventCount: number;
  }): Context {
    const stub = {
      getTxID: () => tx.txId,
      getTxTimestamp: () => ({ seconds: Math.floor(tx.millis / 1000), nanos: (tx.millis % 1000) * 1_000_000 }),
      createCompositeKey: (type: string, attributes: string[]) => this.compositeKey(type, attributes),
      splitCompositeKey: (key: string) => {
        const parts = key.slice(1, -1).split(MIN_RUNE);
        return { objectType: parts[0], attributes: parts.slice(1) };
      },
      getState: async (key: string) => this.latest(key) ?? new Uint8Array(),
      putState: async (key: string, value: Uint8Array) => {
        tx.writes.set(key, value.length === 0 ? null : Uint8Array.from(value));
      },
      deleteState: async (key: string) => {
        tx.writes.set(key, null);
      },
      setEvent: (name: string, payload: Uint8Array) => {
        tx.eventCount += 1;
        tx.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) };
      },
      getHistoryForKey: async (key: string) => this.historyIterator(key),
      getStateByRange: async (startKey: string, endKey: string) => this.rangeIterator(startKey, endKey).iterator,
      getStateByPartialCompositeKey: async (type: string, attributes: string[]) => {
        const start = this.compositeKey(type, attributes);
        return this.rangeIterator(start, start + MAX_RUNE).iterator;
      },
      getStateByPartialCompositeKeyWithPagination: async (
        type: string,
        attributes: string[],
        pageSize: number,
        bookmark = '',
      ) => {
        if (!tx.readOnly) throw new Error('stub: paginated queries are only allowed in read-only transactions');
        const start = this.compositeKey(type, attributes);
        return this.rangeIterator(bookmark === '' ? start : bookmark, start + MAX_RUNE, pageSize);
      },
    };
    const clientIdentity = {
      getMSPID: () => tx.caller.mspId,
      getAttributeValue: (name: string) => tx.caller.attributes?.[name] ?? null,
    };
    return { stub, clientIdentity } as unknown as Context;
  }

  private latest(key: string): Uint8Array | null {
    const versions = this.versions.get(key);
    return versions?.[versions.length - 1]?.value ?? null;
  }

  private commitVersion(key: string, txId: string, millis: number, value: Uint8Array | null): void {
    const versions = this.versions.get(key) ?? [];
    versions.push({ txId, millis, value });
    this.versions.set(key, versions);
  }

  /** Keys in [startKey, endKey) in byte order; with a page size, at most that many and the next key as bookmark. */
  private rangeIterator(startKey: string, endKey: string, pageSize?: number) {
    const inRange = [...this.versions.keys()]
      .filter((key) => this.latest(key) !== null && byUtf8(key, startKey) >= 0 && byUtf8(key, endKey) < 0)
      .sort(byUtf8);
    const page = pageSize === undefined ? inRange : inRange.slice(0, pageSize);
    const entries = page.map((key) => ({ key, value: this.latest(key) as Uint8Array, namespace: 'medledger' }));
    const bookmark = inRange[page.length] ?? '';
    // Like fabric-shim: the peer's metadata of an empty page (no records, no bookmark) encodes
    // to no bytes at all, and the shim then returns no metadata object.
    const metadata =
      entries.length === 0 && bookmark === '' ? undefined : { fetchedRecordsCount: entries.length, bookmark };
    return { iterator: iteratorOver(entries), metadata };
  }

  private historyIterator(key: string) {
    // Like the peer's history index: newest first.
    const entries = [...(this.versions.get(key) ?? [])].reverse().map((version) => ({
      txId: version.txId,
      timestamp: { seconds: Math.floor(version.millis / 1000), nanos: (version.millis % 1000) * 1_000_000 },
      isDelete: version.value === null,
      value: version.value ?? new Uint8Array(),
    }));
    return iteratorOver(entries);
  }
}

function iteratorOver<T>(entries: T[]) {
  let index = 0;
  return {
    next: async (): Promise<{ done: boolean; value: T }> =>
      index < entries.length ? { done: false, value: entries[index++] } : { done: true, value: undefined as T },
    close: async () => undefined,
  };
}
