import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type LedgerCheckpoint, type LedgerEvent, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { GrantExpiryRemindersRepository } from '../notifications/grant-expiry-reminders.repository.js';
import { ledgerEventEffects } from '../notifications/ledger-event-notifications.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { type EventReader, LedgerCheckpointRepository } from './ledger-checkpoint.repository.js';

/** This reader's name in `ledger_checkpoint`. */
const READER = 'notifications';

/** Waits between attempts to follow the events again after the stream broke (a peer or database outage). */
const RETRY_MS = { first: 500, max: 15_000 };

/**
 * Follows the channel's chaincode events from its checkpoint stored in PostgreSQL, and
 * writes what each event causes (notifications with their outbox mail, expiry reminders)
 * in the same transaction that moves the checkpoint past it. After a restart or an outage
 * it resumes from the checkpoint: nothing skipped, nothing written twice (every write is
 * idempotent, so a second API process reading the same events changes nothing).
 */
@Injectable()
export class LedgerEventListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerEventListener.name);
  private readonly stopping = new AbortController();
  private running?: Promise<void>;

  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(NETWORK_PROFILE) private readonly network: NetworkProfile,
    private readonly checkpoints: LedgerCheckpointRepository,
    private readonly notifications: NotificationsRepository,
    private readonly reminders: GrantExpiryRemindersRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.followForever();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async followForever(): Promise<void> {
    const { signal } = this.stopping;
    let wait = RETRY_MS.first;
    while (!signal.aborted) {
      try {
        const from = await this.startingPoint();
        await this.ledger.events.follow(
          from,
          (event) => this.apply(event).then(() => void (wait = RETRY_MS.first)),
          signal,
        );
      } catch (error) {
        if (signal.aborted) break;
        this.logger.warn(`ledger events: ${(error as Error).message}; following again in ${wait} ms`);
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        wait = Math.min(wait * 2, RETRY_MS.max);
      }
    }
  }

  /**
   * Where to read on: the checkpoint, or on the very first run the ledger's height then,
   * stored at once (users hear of what happens from now on, not of the ledger's past, and
   * a restart before the first event still resumes there).
   */
  private async startingPoint(): Promise<LedgerCheckpoint> {
    const reader = this.reader();
    const checkpoint = await this.checkpoints.read(reader);
    if (checkpoint) return checkpoint;
    return this.checkpoints.readOrStart(reader, {
      blockNumber: await this.ledger.system.chainHeight(),
      transactionId: null,
    });
  }

  private reader(): EventReader {
    return { reader: READER, channel: this.network.channel, chaincode: this.network.chaincode };
  }

  /** One event: its effects and the checkpoint past it, in one transaction. */
  private async apply(event: LedgerEvent): Promise<void> {
    const effects = ledgerEventEffects(event);
    await this.checkpoints.advance(
      this.reader(),
      { blockNumber: event.blockNumber, transactionId: event.transactionId },
      async (manager) => {
        if (effects.notifications.length > 0) await this.notifications.recordAll(manager, effects.notifications);
        if (effects.reminder) await this.reminders.watch(manager, effects.reminder);
        if (effects.revokedGrantId) await this.reminders.forget(manager, effects.revokedGrantId);
      },
    );
  }
}
