import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerEvent } from '../ledger/ledger.port.js';
import { GrantExpiryRemindersRepository } from '../notifications/grant-expiry-reminders.repository.js';
import { ledgerEventEffects } from '../notifications/ledger-event-notifications.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import {
  type Following,
  LedgerEventFollower,
  type LedgerEventReader,
  type StartingPolicy,
} from './ledger-event-follower.js';

/**
 * The `notifications` reader of the chaincode events: writes what each event causes
 * (notifications with their outbox mail, expiry reminders) in the transaction that moves
 * its checkpoint past it. It starts at the ledger's height when it first runs: users hear
 * of what happens from then on, not of the ledger's past.
 */
@Injectable()
export class LedgerEventListener implements LedgerEventReader, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'notifications';
  readonly start: StartingPolicy = 'from-now';
  private following?: Following;

  constructor(
    private readonly follower: LedgerEventFollower,
    private readonly notifications: NotificationsRepository,
    private readonly reminders: GrantExpiryRemindersRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.following = this.follower.start(this);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.following?.stop();
  }

  /**
   * A batch's notifications in one statement, in ledger order; its reminders watched and
   * forgotten event by event, in ledger order (a grant created and revoked in one batch
   * ends up forgotten).
   */
  async write(manager: EntityManager, events: LedgerEvent[]): Promise<void> {
    const effects = events.map(ledgerEventEffects);
    const notifications = effects.flatMap((effect) => effect.notifications);
    if (notifications.length > 0) await this.notifications.recordAll(manager, notifications);
    for (const effect of effects) {
      if (effect.reminder) await this.reminders.watch(manager, effect.reminder);
      if (effect.revokedGrantId) await this.reminders.forget(manager, effect.revokedGrantId);
    }
  }
}
