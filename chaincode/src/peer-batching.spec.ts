// fabric-protos' own classes, to check the messages' encoding against their definitions.
import { peer } from '@hyperledger/fabric-protos';
import type { Context } from 'fabric-contract-api';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { capabilitiesAnnounced, listenForPeerCapabilities, StateBatch } from './peer-batching';

const shimRequire = createRequire(require.resolve('fabric-shim'));
const shimPeer = shimRequire('@hyperledger/fabric-protos').peer;
const { ChaincodeMessageHandler } = shimRequire('./lib/handler.js');

// ChaincodeMessage.Type of fabric-protos' peer/chaincode_shim.proto.
const WRITE_BATCH_STATE = 24;
const GET_STATE_MULTIPLE = 25;

interface SentMessage {
  type: number;
  payload: Uint8Array;
  txId: string;
  channelId: string;
}

function announcement(writeBatch: number, multipleRead: number): Uint8Array {
  const params = new peer.ChaincodeAdditionalParams();
  params.setUseWriteBatch(writeBatch > 0);
  params.setMaxSizeWriteBatch(writeBatch);
  params.setUseGetMultipleKeys(multipleRead > 0);
  params.setMaxSizeGetMultipleKeys(multipleRead);
  return params.serializeBinary();
}

/**
 * A chaincode stub like fabric-shim's, on a peer stream that announced `announced` in its
 * READY message (or that is no stream at all, for null): it keeps every message sent to
 * the peer and every single-key call, and answers reads from `ledger`.
 */
function streamStub(announced: Uint8Array | null, ledger: Record<string, string> = {}) {
  const sent: SentMessage[] = [];
  const single: string[] = [];
  const stream = Object.assign(new EventEmitter(), { write: () => true });
  const handler = new ChaincodeMessageHandler(stream, {});
  if (announced !== null) {
    handler.chat(new shimPeer.ChaincodeMessage());
    for (const [type, payload] of [
      [shimPeer.ChaincodeMessage.Type.REGISTERED, new Uint8Array()],
      [shimPeer.ChaincodeMessage.Type.READY, announced],
    ] as const) {
      const message = new shimPeer.ChaincodeMessage();
      message.setType(type);
      message.setPayload(payload);
      stream.emit('data', message);
    }
  }
  handler._askPeerAndListen = async (message: {
    getType(): number;
    getPayload_asU8(): Uint8Array;
    getTxid(): string;
    getChannelId(): string;
  }) => {
    sent.push({
      type: message.getType(),
      payload: message.getPayload_asU8(),
      txId: message.getTxid(),
      channelId: message.getChannelId(),
    });
    if (message.getType() !== GET_STATE_MULTIPLE) return Buffer.alloc(0);
    const keys = peer.GetStateMultiple.deserializeBinary(message.getPayload_asU8()).getKeysList();
    const result = new peer.GetStateMultipleResult();
    result.setValuesList(keys.map((key) => Buffer.from(ledger[key] ?? '')));
    return Buffer.from(result.serializeBinary());
  };
  const stub = {
    handler: announced === null ? undefined : handler,
    channel_id: 'ehr-channel',
    txId: 'tx-1',
    getState: async (key: string) => {
      single.push(`get ${key}`);
      return Buffer.from(ledger[key] ?? '');
    },
    putState: async (key: string, value: Uint8Array) => {
      single.push(`put ${key}=${Buffer.from(value).toString()}`);
    },
    deleteState: async (key: string) => {
      single.push(`delete ${key}`);
    },
  };
  return { ctx: { stub } as unknown as Context, stub, sent, single };
}

const writesOf = (message: SentMessage) =>
  peer.WriteBatchState.deserializeBinary(message.payload)
    .getRecList()
    .map((record) => [record.getType(), record.getKey(), Buffer.from(record.getValue_asU8()).toString()]);

describe('peer batching', () => {
  beforeAll(() => listenForPeerCapabilities());

  it('reads what the peer announced in READY; nothing when it announced nothing', () => {
    expect(capabilitiesAnnounced(announcement(1000, 500))).toEqual({ maxWriteBatch: 1000, maxMultipleRead: 500 });
    expect(capabilitiesAnnounced(new Uint8Array())).toEqual({ maxWriteBatch: 0, maxMultipleRead: 0 });
    expect(capabilitiesAnnounced(Uint8Array.of(0xff, 0xff, 0xff))).toEqual({ maxWriteBatch: 0, maxMultipleRead: 0 });
  });

  it('sends a transaction’s writes in one message when it finishes, the last write of a key winning', async () => {
    const { ctx, stub, sent, single } = streamStub(announcement(1000, 1000));
    const batch = StateBatch.begin(ctx);
    await stub.putState('a', Buffer.from('1'));
    await stub.putState('b', Buffer.from('2'));
    await stub.deleteState('c');
    await stub.putState('a', Buffer.from('3'));
    expect(sent).toEqual([]);

    await batch.finish();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: WRITE_BATCH_STATE,
      txId: 'tx-1',
      channelId: 'ehr-channel',
    });
    const [PUT_STATE, DEL_STATE] = [9, 10]; // WriteRecord.Type
    expect(writesOf(sent[0])).toEqual([
      [PUT_STATE, 'b', '2'],
      [DEL_STATE, 'c', ''],
      [PUT_STATE, 'a', '3'],
    ]);
    expect(single).toEqual([]);
  });

  it('splits writes into batches no larger than the peer takes, and sends nothing for none', async () => {
    const { ctx, stub, sent } = streamStub(announcement(2, 0));
    const batch = StateBatch.begin(ctx);
    for (const key of ['a', 'b', 'c']) await stub.putState(key, Buffer.from(key));
    await batch.finish();
    expect(sent.map((message) => writesOf(message).map(([, key]) => key))).toEqual([['a', 'b'], ['c']]);

    const empty = streamStub(announcement(2, 0));
    await StateBatch.begin(empty.ctx).finish();
    expect(empty.sent).toEqual([]);
  });

  it('fetches the keys a transaction will read in one message and answers those reads from it', async () => {
    const { ctx, stub, sent, single } = streamStub(announcement(1000, 1000), { a: 'A', c: 'C' });
    StateBatch.begin(ctx);
    await StateBatch.prefetch(ctx, ['a', 'b', 'c', 'a']);
    expect(sent).toHaveLength(1);
    expect(sent[0].type).toBe(GET_STATE_MULTIPLE);
    expect(peer.GetStateMultiple.deserializeBinary(sent[0].payload).getKeysList()).toEqual(['a', 'b', 'c']);

    expect(Buffer.from(await stub.getState('a')).toString()).toBe('A');
    expect(await stub.getState('b')).toHaveLength(0);
    expect(Buffer.from(await stub.getState('c')).toString()).toBe('C');
    expect(single).toEqual([]);
    // A key not fetched ahead is read on its own.
    await stub.getState('d');
    expect(single).toEqual(['get d']);
    expect(sent).toHaveLength(1);
  });

  it('goes one key at a time where the peer announced no batches, or there is no peer stream', async () => {
    for (const { ctx, stub, sent, single } of [
      streamStub(new Uint8Array(), { a: 'A' }),
      streamStub(null, { a: 'A' }),
    ]) {
      const batch = StateBatch.begin(ctx);
      await StateBatch.prefetch(ctx, ['a', 'b']);
      await stub.putState('a', Buffer.from('1'));
      await stub.deleteState('b');
      expect(Buffer.from(await stub.getState('a')).toString()).toBe('A');
      await batch.finish();
      expect(sent).toEqual([]);
      expect(single).toEqual(['put a=1', 'delete b', 'get a']);
    }
  });

  it('leaves a context it never began untouched', async () => {
    const { ctx, sent, single } = streamStub(announcement(1000, 1000));
    await StateBatch.prefetch(ctx, ['a', 'b']);
    expect(sent).toEqual([]);
    expect(single).toEqual([]);
  });
});
