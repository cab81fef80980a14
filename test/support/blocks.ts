import type { Gateway } from '@hyperledger/fabric-gateway';

/** One block of the channel as the peer's deliver service sends it, serialized. */
export interface ChannelBlock {
  number: bigint;
  bytes: Uint8Array;
}

/**
 * Reads every block of the channel from block 0 through `lastBlock` (inclusive) with
 * Gateway block events (the peer's deliver service, full blocks), in order; fails if a
 * block is missing or out of order.
 */
export async function readChannelBlocks(gateway: Gateway, channel: string, lastBlock: bigint): Promise<ChannelBlock[]> {
  const events = await gateway.getNetwork(channel).getBlockEvents({ startBlock: 0n });
  const blocks: ChannelBlock[] = [];
  try {
    for await (const block of events) {
      const number = BigInt(block.getHeader()?.getNumber() ?? -1);
      if (number !== BigInt(blocks.length)) throw new Error(`expected block ${blocks.length}, received ${number}`);
      blocks.push({ number, bytes: block.serializeBinary() });
      if (number >= lastBlock) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

/**
 * Which of `needles` occur in any block, as UTF-8 bytes, in upper or lower case, or as the
 * base64 of the text (transaction arguments, write sets, events and responses are all
 * stored verbatim inside the block's nested protobuf messages).
 */
export function findInBlocks(blocks: ChannelBlock[], needles: readonly string[]): string[] {
  const found = new Set<string>();
  for (const needle of needles) {
    const forms = [needle, needle.toLowerCase(), needle.toUpperCase(), Buffer.from(needle).toString('base64')];
    for (const block of blocks) {
      const haystack = Buffer.from(block.bytes);
      if (forms.some((form) => haystack.includes(Buffer.from(form, 'utf8')))) found.add(needle);
    }
  }
  return [...found];
}
