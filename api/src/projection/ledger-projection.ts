import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type Following,
  LedgerEventFollower,
  type LedgerEventReader,
  type StartingPolicy,
} from '../ledger-events/ledger-event-follower.js';
import type { LedgerEvent } from '../ledger/ledger.port.js';
import { projectionRowsOf, type SkippedEvent } from './projection-rows.js';
import { ProjectionRepository } from './projection.repository.js';

/** This reader's name in `ledger_checkpoint`. */
export const PROJECTION_READER = 'projection';

const WHY_SKIPPED: Record<SkippedEvent['reason'], string> = {
  legacy: 'written before the v2 event envelope',
  invalid: 'its envelope cannot be projected',
  unknown: 'the projection does not know this event',
};

/**
 * The `projection` reader of the chaincode events: from the first block on, writes the
 * ledger's facts into the `projection_*` tables from each event's v2 envelope, in the
 * transaction that moves its checkpoint (see ProjectionRepository). Events without the
 * envelope (written before the chaincode carried it) are left out with a warning naming
 * their transaction; the reconciliation reports what they would have written.
 */
@Injectable()
export class LedgerProjection implements LedgerEventReader, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = PROJECTION_READER;
  readonly start: StartingPolicy = 'from-genesis';
  private readonly logger = new Logger(LedgerProjection.name);
  private following?: Following;

  constructor(
    private readonly follower: LedgerEventFollower,
    private readonly projection: ProjectionRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.following = this.follower.start(this);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.following?.stop();
  }

  async write(manager: EntityManager, events: LedgerEvent[]): Promise<void> {
    const { rows, skipped } = projectionRowsOf(events);
    await this.projection.write(manager, rows);
    // IDs, names and field names only: an event's values may be no one's business in a log.
    for (const event of skipped) {
      const fields = event.fields ? ` (${event.fields.join(', ')})` : '';
      this.logger.warn(`skipped ${event.name} ${event.transactionId}: ${WHY_SKIPPED[event.reason]}${fields}`);
    }
  }
}
