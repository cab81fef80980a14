import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type LedgerEvent, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { type EventReader, LedgerCheckpointRepository, type StoredCheckpoint } from './ledger-checkpoint.repository.js';
import { errorSummary } from '../common/loggable-error.js';

/**
 * Where a reader without a checkpoint starts: at the ledger's height then (it acts on what
 * happens from now on), or at the first block (it holds the ledger's whole history).
 */
export type StartingPolicy = 'from-now' | 'from-genesis';

/** A reader of the chaincode events, followed by LedgerEventFollower. */
export interface LedgerEventReader {
  /** Its name in `ledger_checkpoint`. */
  readonly name: string;
  readonly start: StartingPolicy;
  /**
   * Writes what a batch of events causes, with `manager`: the transaction that then moves
   * the reader's checkpoint to the batch's last event. Must be idempotent: after a crash,
   * or in a second API process, the same events come again.
   */
  write(manager: EntityManager, events: LedgerEvent[]): Promise<void>;
}

/** A reader being followed. */
export interface Following {
  /** Stops following (the batch being written is finished or rolled back first). */
  stop(): Promise<void>;
}

/** Waits between attempts to follow the events again after the stream broke (a peer or database outage). */
const RETRY_MS = { first: 500, max: 15_000 };

/**
 * The one way to follow the channel's chaincode events: from a reader's checkpoint stored
 * in PostgreSQL, in batches, each written in the transaction that moves the checkpoint to
 * its last event. After a restart or an outage a reader resumes from its checkpoint:
 * nothing skipped, nothing written twice (its writes are idempotent, so a second API
 * process reading the same events changes nothing). A broken stream or a failed write is
 * followed again from the checkpoint, after a wait that doubles up to 15 s and starts
 * again from 0.5 s once a batch went through.
 */
@Injectable()
export class LedgerEventFollower {
  private readonly logger = new Logger(LedgerEventFollower.name);

  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(NETWORK_PROFILE) private readonly network: NetworkProfile,
    private readonly checkpoints: LedgerCheckpointRepository,
  ) {}

  /** Follows `reader` until stopped. */
  start(reader: LedgerEventReader): Following {
    const stopping = new AbortController();
    const running = this.followForever(reader, stopping.signal);
    return {
      stop: async () => {
        stopping.abort();
        await running;
      },
    };
  }

  private async followForever(reader: LedgerEventReader, signal: AbortSignal): Promise<void> {
    const of: EventReader = { reader: reader.name, channel: this.network.channel, chaincode: this.network.chaincode };
    let wait = RETRY_MS.first;
    while (!signal.aborted) {
      try {
        let position = await this.startingPoint(reader, of);
        await this.ledger.events.follow(
          position && { blockNumber: position.blockNumber, transactionId: position.transactionId },
          async (events) => {
            const next = positionAfter(position, events);
            await this.checkpoints.advance(of, next, (manager) => reader.write(manager, events));
            position = next;
            wait = RETRY_MS.first;
          },
          signal,
        );
      } catch (error) {
        if (signal.aborted) break;
        this.logger.warn(`ledger events (${reader.name}): ${errorSummary(error)}; following again in ${wait} ms`);
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        wait = Math.min(wait * 2, RETRY_MS.max);
      }
    }
  }

  /**
   * Where to read on: the checkpoint; without one, from the first block (null), or from
   * the ledger's height then, stored at once (so that a restart before the first event
   * still resumes there, not at a later height).
   */
  private async startingPoint(reader: LedgerEventReader, of: EventReader): Promise<StoredCheckpoint | null> {
    const checkpoint = await this.checkpoints.read(of);
    if (checkpoint || reader.start === 'from-genesis') return checkpoint;
    return this.checkpoints.readOrStart(of, await this.ledger.system.chainHeight());
  }
}

/** The checkpoint at the last of `events`, which follow `from`: its block, its transaction, its place in its block. */
export function positionAfter(from: StoredCheckpoint | null, events: LedgerEvent[]): StoredCheckpoint {
  let blockNumber = from?.blockNumber ?? -1n;
  let handledInBlock = from?.handledInBlock ?? null;
  for (const event of events) {
    if (event.blockNumber === blockNumber) {
      handledInBlock = handledInBlock === null ? null : handledInBlock + 1;
    } else {
      blockNumber = event.blockNumber;
      handledInBlock = 1;
    }
  }
  const last = events[events.length - 1];
  return { blockNumber, transactionId: last.transactionId, handledInBlock };
}
