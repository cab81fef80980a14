import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { GrantExpiryRemindersRepository } from './grant-expiry-reminders.repository.js';
import { errorSummary } from '../common/loggable-error.js';

const EVERY_MS = 60_000;

/** Once a minute, tells the holders of grants that end within a day. */
@Injectable()
export class GrantExpiryReminderWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GrantExpiryReminderWorker.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly reminders: GrantExpiryRemindersRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.remind(), EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async remind(): Promise<void> {
    try {
      await this.reminders.remindDue(this.clock.now());
    } catch (error) {
      this.logger.warn(`expiry reminders not sent yet: ${errorSummary(error)}`);
    }
  }
}
