import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorSummary } from './loggable-error.js';

/**
 * A worker that finishes what a crash or an outage left half-done: at start, then every
 * half idle period, it takes the work items idle for `idleSeconds` and settles each one.
 * Runs on every replica: settling an item must be idempotent and conditional.
 */
export abstract class RecoveryWorker<Item> implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(protected readonly idleSeconds: number) {}

  /** The unfinished items idle for at least `idleSeconds`. */
  protected abstract unfinished(): Promise<Item[]>;

  /** Completes or rolls back one item; true when it is settled, false to try again later. Throwing counts as false. */
  protected abstract settle(item: Item): Promise<boolean>;

  /** Names an item in the log. */
  protected abstract describe(item: Item): string;

  onApplicationBootstrap(): void {
    const every = Math.max(5, Math.floor(this.idleSeconds / 2)) * 1000;
    this.timer = setInterval(() => void this.recoverAll(), every).unref();
    void this.recoverAll();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass over the unfinished items; returns how many it settled. A pass still running makes this one a no-op. */
  async recoverAll(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let settled = 0;
    try {
      for (const item of await this.unfinished()) {
        try {
          if (await this.settle(item)) settled += 1;
        } catch (error) {
          this.logger.warn(`${this.describe(item)} not settled yet: ${errorSummary(error)}`);
        }
      }
    } catch (error) {
      this.logger.warn(`recovery pass failed: ${errorSummary(error)}`);
    } finally {
      this.running = false;
    }
    return settled;
  }
}
