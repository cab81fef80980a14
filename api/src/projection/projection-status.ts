import { Inject, Injectable } from '@nestjs/common';
import { LedgerCheckpointRepository, type StoredCheckpoint } from '../ledger-events/ledger-checkpoint.repository.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { PROJECTION_READER } from './ledger-projection.js';

/** How far the ledger projection has come, against a chain of `chainHeight` blocks. */
export interface ProjectionLag {
  /** The block of the projection's checkpoint (its last written event); null before its first. */
  checkpointBlock: bigint | null;
  /** The channel's height the lag is measured against; null when no peer told it. */
  chainHeight: bigint | null;
  /**
   * 0 when no event of the chaincode lies after the checkpoint (blocks without one, such as
   * configuration blocks, do not count); else the blocks after the checkpoint's, the first
   * of which holds an event still to write. Null without a height.
   */
  lagBlocks: bigint | null;
  /** The chaincode's events after the checkpoint, not written yet; null when they could not be counted. */
  lagEvents: number | null;
}

/**
 * The most blocks after the checkpoint whose events the status counts (from the peer's
 * filtered blocks, within the status's deadline); a projection further behind shows the
 * blocks after its checkpoint, and no count of events.
 */
export const MAX_COUNTED_BLOCKS = 2000n;

/** How far the ledger projection has come, for the system status. */
@Injectable()
export class ProjectionStatus {
  constructor(
    private readonly checkpoints: LedgerCheckpointRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(NETWORK_PROFILE) private readonly network: NetworkProfile,
  ) {}

  /**
   * The projection's checkpoint and its lag behind a chain of `chainHeight` blocks: the
   * events of the chaincode after the checkpoint and below that height, counted from the
   * filtered blocks within `deadlineMs` and at most MAX_COUNTED_BLOCKS blocks. A projection
   * that holds every event lags by 0, however many event-less blocks follow. When they
   * cannot be counted (too many blocks, the peer did not deliver them in time), `lagEvents`
   * is null and `lagBlocks` the blocks after the checkpoint's (an upper bound).
   */
  async lag(chainHeight: bigint | null, deadlineMs: number): Promise<ProjectionLag> {
    const checkpoint = await this.checkpoints.read({
      reader: PROJECTION_READER,
      channel: this.network.channel,
      chaincode: this.network.chaincode,
    });
    const checkpointBlock = checkpoint?.blockNumber ?? null;
    if (chainHeight === null) return { checkpointBlock, chainHeight, lagBlocks: null, lagEvents: null };
    // Blocks after the one the checkpoint is in (all of them before the projection's first event).
    const blocksAfter = max0(chainHeight - 1n - (checkpointBlock ?? -1n));
    const lagEvents = await this.countPending(checkpoint, chainHeight, deadlineMs);
    return { checkpointBlock, chainHeight, lagBlocks: lagEvents === 0 ? 0n : blocksAfter, lagEvents };
  }

  /** The events after `checkpoint` below `height`; null when not counted within the bounds. */
  private async countPending(
    checkpoint: StoredCheckpoint | null,
    height: bigint,
    deadlineMs: number,
  ): Promise<number | null> {
    const first = checkpoint?.blockNumber ?? 0n;
    if (height - first > MAX_COUNTED_BLOCKS) return null;
    let timer: NodeJS.Timeout | undefined;
    // The scan's own deadline starts once the peer took the request; this one bounds the whole.
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deadlineMs);
    });
    const counted = this.ledger.inspection
      .countEventsBetween(
        checkpoint && { blockNumber: checkpoint.blockNumber, transactionId: checkpoint.transactionId },
        height,
        deadlineMs,
      )
      .catch(() => null);
    try {
      return await Promise.race([counted, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const max0 = (value: bigint): bigint => (value > 0n ? value : 0n);
