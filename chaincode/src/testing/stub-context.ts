import type { Context } from 'fabric-contract-api';

/** A committed version of a key, as the stub's history keeps it. */
interface StoredVersion {
  txId: string;
  seconds: number;
  value: Uint8Array | null;
}

export interface StubCaller {
  mspId: string;
  attributes?: Record<string, string>;
}

/**
 * An in-memory stand-in for the peer's chaincode stub, for unit tests of contract rules
 * only: world state and key history in maps, a settable transaction time and caller.
 */
export class StubContext {
  private readonly versions = new Map<string, StoredVersion[]>();
  readonly events: Array<{ name: string; payload: unknown }> = [];
  private txCounter = 0;
  private txId = '';
  private seconds = Date.UTC(2026, 0, 1) / 1000;
  private caller: StubCaller = { mspId: 'HospitalAMSP' };

  /** Starts the next transaction as `caller` at `isoTime` (defaults: same caller, one second later). */
  nextTransaction(options: { caller?: StubCaller; at?: string } = {}): Context {
    this.txCounter += 1;
    this.txId = this.txCounter.toString(16).padStart(64, '0');
    this.seconds = options.at ? Date.parse(options.at) / 1000 : this.seconds + 1;
    if (options.caller) this.caller = options.caller;
    return this.context();
  }

  private context(): Context {
    // Arrow functions below read the stub's current state when the contract calls them.
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const stub = {
      getTxID: () => self.txId,
      getTxTimestamp: () => ({ seconds: Math.floor(self.seconds), nanos: Math.round((self.seconds % 1) * 1e9) }),
      createCompositeKey: (type: string, attributes: string[]) => `\u0000${[type, ...attributes].join('\u0000')}\u0000`,
      getState: async (key: string) => self.latest(key) ?? new Uint8Array(),
      putState: async (key: string, value: Uint8Array) => self.write(key, value),
      deleteState: async (key: string) => self.write(key, null),
      setEvent: (name: string, payload: Uint8Array) =>
        self.events.push({ name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) }),
      getHistoryForKey: async (key: string) => self.historyIterator(key),
    };
    const clientIdentity = {
      getMSPID: () => self.caller.mspId,
      getAttributeValue: (name: string) => self.caller.attributes?.[name] ?? null,
    };
    return { stub, clientIdentity } as unknown as Context;
  }

  private latest(key: string): Uint8Array | null {
    const versions = this.versions.get(key);
    return versions?.[versions.length - 1]?.value ?? null;
  }

  private write(key: string, value: Uint8Array | null): void {
    const versions = this.versions.get(key) ?? [];
    versions.push({ txId: this.txId, seconds: this.seconds, value });
    this.versions.set(key, versions);
  }

  private historyIterator(key: string) {
    // Like LevelDB's history index: newest first.
    const entries = [...(this.versions.get(key) ?? [])].reverse();
    let index = 0;
    return {
      next: async () =>
        index < entries.length
          ? {
              done: false,
              value: {
                txId: entries[index].txId,
                timestamp: { seconds: Math.floor(entries[index].seconds), nanos: 0 },
                isDelete: entries[index].value === null,
                value: entries[index++].value ?? new Uint8Array(),
              },
            }
          : { done: true, value: undefined },
      close: async () => undefined,
    };
  }
}
