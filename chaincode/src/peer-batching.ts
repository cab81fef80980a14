import type { Context } from 'fabric-contract-api';
import { createRequire } from 'node:module';

/**
 * One message to the peer for a transaction's writes, and one for the reads it knows it
 * will make, where fabric-shim 2.5 (the newest Node shim) sends one message per key and
 * waits for each answer.
 *
 * Fabric 3.1 peers take a batch of writes (WRITE_BATCH_STATE) and a read of several keys
 * (GET_STATE_MULTIPLE), and say so, with the largest batch they take, in the READY message
 * that opens each chaincode stream (ChaincodeAdditionalParams; `chaincode.runtimeParams`
 * in core.yaml). The peer applies a batch exactly as the single writes, and a multiple read
 * records every key in the read set as single reads do, so the endorsed read-write set is
 * the same; only the round trips between chaincode and peer go. Where the peer has not
 * said it takes them (an older peer, a unit test's stub), everything goes one key at a
 * time as before.
 *
 * The messages are encoded here, with the protobuf runtime fabric-shim uses, from their
 * definitions in fabric-protos (peer/chaincode.proto, peer/chaincode_shim.proto): the
 * shim's protobuf classes predate them, and loading newer generated classes beside the
 * shim's replaces enum tables in the protobuf runtime's one global namespace.
 *
 * `listenForPeerCapabilities()` (once per process) notes what each peer stream announces;
 * `StateBatch.begin(ctx)` (once per transaction, see LedgerContract) then collects
 * `putState` and `deleteState` until `finish()` sends them, and serves reads from
 * `prefetch(keys)`.
 */

/** What a peer stream announced in its READY message: the largest batches, 0 for none. */
export interface PeerCapabilities {
  maxWriteBatch: number;
  maxMultipleRead: number;
}

const CAPABILITIES = Symbol.for('medledger.peer-capabilities');
const LISTENING = Symbol.for('medledger.peer-capabilities.listening');
const BATCHES = new WeakMap<object, StateBatch>();

/** The parts of fabric-shim's ChaincodeMessageHandler (one per peer stream) this relies on. */
interface ShimHandler {
  _stream: { on(event: 'data', listener: (message: ShimChaincodeMessage) => void): unknown };
  _askPeerAndListen(message: ShimChaincodeMessage, method: string): Promise<Buffer>;
  chat(starter: unknown): unknown;
  [CAPABILITIES]?: PeerCapabilities;
}

/** A ChaincodeMessage of the protobuf classes fabric-shim's gRPC stream serialises. */
interface ShimChaincodeMessage {
  getType(): number;
  getPayload_asU8(): Uint8Array;
  setType(type: number): void;
  setPayload(payload: Uint8Array): void;
  setTxid(txId: string): void;
  setChannelId(channelId: string): void;
}

/** The parts of fabric-shim's ChaincodeStub this relies on. */
interface ShimStub {
  handler?: ShimHandler;
  channel_id: string;
  txId: string;
  getState(key: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array | string): Promise<void>;
  deleteState(key: string): Promise<void>;
}

const shimRequire = createRequire(require.resolve('fabric-shim'));
const shimProtos = shimRequire('@hyperledger/fabric-protos') as {
  peer: { ChaincodeMessage: new () => ShimChaincodeMessage };
};
const { ChaincodeMessageHandler } = shimRequire('./lib/handler.js') as {
  ChaincodeMessageHandler: { prototype: ShimHandler & Record<symbol, unknown> };
};
const protobuf = shimRequire('google-protobuf') as ProtobufRuntime;

/** ChaincodeMessage.Type and WriteRecord.Type values of fabric-protos. */
const MESSAGE = { READY: 4, WRITE_BATCH_STATE: 24, GET_STATE_MULTIPLE: 25 } as const;
const WRITE = { PUT_STATE: 9, DEL_STATE: 10 } as const;

/** Makes every peer stream of this process remember what its READY message announced. */
export function listenForPeerCapabilities(): void {
  const prototype = ChaincodeMessageHandler.prototype;
  if (prototype[LISTENING]) return;
  const chat = prototype.chat;
  prototype.chat = function (this: ShimHandler, starter: unknown) {
    this._stream.on('data', (message) => {
      if (message.getType() === MESSAGE.READY) this[CAPABILITIES] = capabilitiesAnnounced(message.getPayload_asU8());
    });
    return chat.call(this, starter);
  };
  prototype[LISTENING] = true;
}

/** Reads a READY payload (ChaincodeAdditionalParams); an empty or unreadable one announces nothing. */
export function capabilitiesAnnounced(payload: Uint8Array): PeerCapabilities {
  const announced = { useWriteBatch: false, maxWriteBatch: 0, useMultipleRead: false, maxMultipleRead: 0 };
  try {
    const reader = new protobuf.BinaryReader(payload);
    while (reader.nextField() && !reader.isEndGroup()) {
      switch (reader.getFieldNumber()) {
        case 1:
          announced.useWriteBatch = reader.readBool();
          break;
        case 2:
          announced.maxWriteBatch = reader.readUint32();
          break;
        case 3:
          announced.useMultipleRead = reader.readBool();
          break;
        case 4:
          announced.maxMultipleRead = reader.readUint32();
          break;
        default:
          reader.skipField();
      }
    }
  } catch {
    return { maxWriteBatch: 0, maxMultipleRead: 0 };
  }
  return {
    maxWriteBatch: announced.useWriteBatch ? Math.max(1, announced.maxWriteBatch) : 0,
    maxMultipleRead: announced.useMultipleRead ? Math.max(1, announced.maxMultipleRead) : 0,
  };
}

/** A WriteBatchState: `repeated WriteRecord rec = 1`, each `{key = 1, value = 2, collection = 3, type = 5}`. */
function encodeWriteBatch(records: WriteRecord[]): Uint8Array {
  const writer = new protobuf.BinaryWriter();
  for (const record of records) {
    writer.writeMessage(1, record, (written: WriteRecord, inner: ProtobufWriter) => {
      inner.writeString(1, written.key);
      if (written.value !== null) inner.writeBytes(2, written.value);
      inner.writeEnum(5, written.type);
    });
  }
  return writer.getResultBuffer();
}

/** A GetStateMultiple: `repeated string keys = 1`, `collection = 2` (empty: public state). */
function encodeMultipleRead(keys: string[]): Uint8Array {
  const writer = new protobuf.BinaryWriter();
  writer.writeRepeatedString(1, keys);
  return writer.getResultBuffer();
}

/** A GetStateMultipleResult: `repeated bytes values = 1`, in the order of the keys asked. */
function decodeMultipleRead(payload: Uint8Array): Uint8Array[] {
  const values: Uint8Array[] = [];
  const reader = new protobuf.BinaryReader(payload);
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === 1) values.push(reader.readBytes());
    else reader.skipField();
  }
  return values;
}

interface WriteRecord {
  key: string;
  value: Uint8Array | null;
  type: (typeof WRITE)[keyof typeof WRITE];
}

/** One transaction's writes on their way to the peer, and the reads fetched ahead. */
export class StateBatch {
  private readonly writes = new Map<string, WriteRecord>();
  private readonly fetched = new Map<string, Uint8Array>();

  private constructor(
    private readonly stub: ShimStub,
    private readonly handler: ShimHandler | undefined,
    private readonly capabilities: PeerCapabilities,
    private readonly single: Pick<ShimStub, 'getState' | 'putState' | 'deleteState'>,
  ) {}

  /** Starts collecting the writes of the transaction in `ctx` (if its peer takes batches). */
  static begin(ctx: Context): StateBatch {
    const stub = ctx.stub as unknown as ShimStub;
    const handler = stub.handler;
    const capabilities = handler?.[CAPABILITIES] ?? { maxWriteBatch: 0, maxMultipleRead: 0 };
    const single = {
      getState: stub.getState.bind(stub),
      putState: stub.putState.bind(stub),
      deleteState: stub.deleteState.bind(stub),
    };
    const batch = new StateBatch(stub, handler, capabilities, single);
    BATCHES.set(ctx.stub, batch);
    if (capabilities.maxMultipleRead > 0) stub.getState = (key) => batch.read(key);
    if (capabilities.maxWriteBatch > 0) {
      stub.putState = async (key, value) => batch.write(key, WRITE.PUT_STATE, value);
      stub.deleteState = async (key) => batch.write(key, WRITE.DEL_STATE, null);
    }
    return batch;
  }

  /**
   * Reads `keys` in one message (if the peer takes it) for the reads the transaction is
   * about to make; each later `getState` of one of them is answered from here. The peer
   * records them in the read set as it records single reads.
   */
  static async prefetch(ctx: Context, keys: string[]): Promise<void> {
    await BATCHES.get(ctx.stub)?.fetch(keys);
  }

  /** Sends the collected writes, in as few messages as the peer allows. */
  async finish(): Promise<void> {
    const records = [...this.writes.values()];
    this.writes.clear();
    for (let start = 0; start < records.length; start += this.capabilities.maxWriteBatch) {
      const part = records.slice(start, start + this.capabilities.maxWriteBatch);
      await this.ask(MESSAGE.WRITE_BATCH_STATE, encodeWriteBatch(part), 'WriteBatchState');
    }
  }

  private async fetch(keys: string[]): Promise<void> {
    const wanted = [...new Set(keys)].filter((key) => !this.fetched.has(key));
    const size = this.capabilities.maxMultipleRead;
    if (size === 0 || wanted.length < 2) return;
    for (let start = 0; start < wanted.length; start += size) {
      const part = wanted.slice(start, start + size);
      const answer = await this.ask(MESSAGE.GET_STATE_MULTIPLE, encodeMultipleRead(part), 'GetStateMultiple');
      const values = decodeMultipleRead(answer);
      part.forEach((key, index) => this.fetched.set(key, values[index] ?? new Uint8Array()));
    }
  }

  private async read(key: string): Promise<Uint8Array> {
    return this.fetched.get(key) ?? this.single.getState(key);
  }

  private write(key: string, type: WriteRecord['type'], value: Uint8Array | string | null): void {
    // A later write of the same key replaces the earlier one, as in the peer's write set.
    this.writes.delete(key);
    this.writes.set(key, { key, type, value: typeof value === 'string' ? Buffer.from(value) : value });
  }

  private async ask(type: number, payload: Uint8Array, method: string): Promise<Uint8Array> {
    const message = new shimProtos.peer.ChaincodeMessage();
    message.setType(type);
    message.setPayload(payload);
    message.setTxid(this.stub.txId);
    message.setChannelId(this.stub.channel_id);
    return this.handler!._askPeerAndListen(message, method);
  }
}

/** The parts of google-protobuf's binary codec this uses. */
interface ProtobufWriter {
  writeString(field: number, value: string): void;
  writeBytes(field: number, value: Uint8Array): void;
  writeEnum(field: number, value: number): void;
  writeRepeatedString(field: number, values: string[]): void;
  writeMessage<T>(field: number, value: T, write: (value: T, writer: ProtobufWriter) => void): void;
  getResultBuffer(): Uint8Array;
}
interface ProtobufReader {
  nextField(): boolean;
  isEndGroup(): boolean;
  getFieldNumber(): number;
  readBool(): boolean;
  readUint32(): number;
  readBytes(): Uint8Array;
  skipField(): void;
}
interface ProtobufRuntime {
  BinaryWriter: new () => ProtobufWriter;
  BinaryReader: new (bytes: Uint8Array) => ProtobufReader;
}
