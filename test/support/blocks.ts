import type { Gateway } from '@hyperledger/fabric-gateway';
import protos from '@hyperledger/fabric-protos';
import { ProbeMatcher } from './probe-scan.js';

/** One block of the channel as the peer's deliver service sends it, serialized. */
export interface ChannelBlock {
  number: bigint;
  bytes: Uint8Array;
}

/**
 * Reads every block of the channel from `firstBlock` (block 0 unless given) through
 * `lastBlock` (inclusive) with Gateway block events (the peer's deliver service, full
 * blocks), in order; fails if a block is missing or out of order.
 */
export async function readChannelBlocks(
  gateway: Gateway,
  channel: string,
  lastBlock: bigint,
  firstBlock = 0n,
): Promise<ChannelBlock[]> {
  const events = await gateway.getNetwork(channel).getBlockEvents({ startBlock: firstBlock });
  const blocks: ChannelBlock[] = [];
  try {
    for await (const block of events) {
      const number = BigInt(block.getHeader()?.getNumber() ?? -1);
      const expected = firstBlock + BigInt(blocks.length);
      if (number !== expected) throw new Error(`expected block ${expected}, received ${number}`);
      blocks.push({ number, bytes: block.serializeBinary() });
      if (number >= lastBlock) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

/**
 * Which of `needles` occur in any block, in any form test/support/probe-scan.ts knows
 * (as they are, in any case, JSON-escaped, URL-encoded, hex, inside base64 or base64url):
 * transaction arguments, write sets, events and responses are all stored verbatim inside
 * the block's nested protobuf messages.
 */
export function findInBlocks(blocks: ChannelBlock[], needles: readonly string[]): string[] {
  const matcher = new ProbeMatcher(needles);
  const found = new Set<string>();
  for (const block of blocks) for (const match of matcher.scan(block.bytes)) found.add(match.probe);
  return needles.filter((needle) => found.has(needle));
}

/** A chaincode event as a block carries it, decoded, with its transaction's validation code. */
export interface BlockChaincodeEvent {
  blockNumber: bigint;
  transactionId: string;
  valid: boolean;
  chaincodeId: string;
  name: string;
  payload: Buffer;
}

const { common, peer } = protos;

/**
 * The chaincode events of the blocks, decoded from each endorser transaction's action
 * (the events of invalid transactions too: they are in the block all the same).
 */
export function chaincodeEventsIn(blocks: ChannelBlock[]): BlockChaincodeEvent[] {
  const events: BlockChaincodeEvent[] = [];
  for (const { number, bytes } of blocks) {
    const block = common.Block.deserializeBinary(bytes);
    const validation = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
      const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
      const header = payload.getHeader();
      if (!header) return;
      const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
      for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
        if (!endorsed) continue;
        const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
        const event = peer.ChaincodeEvent.deserializeBinary(
          peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8()).getEvents_asU8(),
        );
        if (event.getEventName() === '') continue;
        events.push({
          blockNumber: number,
          transactionId: channelHeader.getTxId(),
          valid: validation?.[index] === peer.TxValidationCode.VALID,
          chaincodeId: event.getChaincodeId(),
          name: event.getEventName(),
          payload: Buffer.from(event.getPayload_asU8()),
        });
      }
    });
  }
  return events;
}
