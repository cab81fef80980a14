import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { RATE_LIMIT_SETTINGS, type RateLimitName } from './rate-limit-names.js';
import { RateLimitedError } from './rate-limited.error.js';
import { RateLimitsRepository } from './rate-limits.repository.js';

/** Who a request counts against: the signed-in user (null on an anonymous route) and the client's address. */
export interface RateLimitedClient {
  userId: string | null;
  /** As clientAddressOf gives it. */
  address: string;
}

/** How often each API process forgets the buckets that are full again, at least. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The limits of the costly routes: each request spends from its user's budget and from its
 * address's, both kept in PostgreSQL so that every API process counts the same requests.
 * The user's budget is asked first and a refused request spends nothing else, so one user
 * over their budget never uses up the budget of everyone behind the same address (a
 * hospital's NAT); the address's budget bounds what all of them do together.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly buckets: RateLimitsRepository,
    private readonly clock: Clock,
  ) {}

  /** Counts one request; throws RateLimitedError (429, Retry-After) when a budget is spent, counting nothing. */
  async spend(limit: RateLimitName, client: RateLimitedClient): Promise<void> {
    const setting = this.config[RATE_LIMIT_SETTINGS[limit]];
    const windowSeconds = this.config.RATE_LIMIT_WINDOW_SECONDS;
    const budgets: Array<{ key: string; budget: number; whose: string }> = [];
    if (client.userId !== null && setting.perUser !== null) {
      budgets.push({ key: `${limit}:user:${client.userId}`, budget: setting.perUser, whose: 'your account' });
    }
    budgets.push({ key: `${limit}:address:${client.address}`, budget: setting.perAddress, whose: 'your address' });

    const now = this.clock.now();
    const spent: Array<{ key: string; cost: number }> = [];
    for (const { key, budget, whose } of budgets) {
      const cost = windowSeconds / budget;
      const take = await this.buckets.take(key, now, cost, windowSeconds);
      if (take.taken) {
        spent.push({ key, cost });
        continue;
      }
      for (const earlier of spent) await this.buckets.giveBack(earlier.key, earlier.cost);
      // The next request fits once the bucket is one cost within the window again.
      const fitsAt = (take.refilledAt?.getTime() ?? now.getTime()) + (cost - windowSeconds) * 1000;
      const retryAfterSeconds = Math.max(1, Math.ceil((fitsAt - now.getTime()) / 1000));
      throw new RateLimitedError(
        `too many ${limit} requests from ${whose} (${budget} per ${windowSeconds} s); try again in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
  }

  onApplicationBootstrap(): void {
    const every = Math.max(SWEEP_EVERY_MS, this.config.RATE_LIMIT_WINDOW_SECONDS * 1000);
    this.sweeper = setInterval(() => void this.sweep(), every).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Forgets the buckets that are full again (they mean the same as no bucket). */
  async sweep(): Promise<void> {
    try {
      await this.buckets.forgetRefilled(this.clock.now());
    } catch (error) {
      this.logger.warn(`rate-limit buckets not swept this time: ${(error as Error).name}`);
    }
  }
}
