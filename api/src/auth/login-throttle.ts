import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { clientAddressOf } from '../rate-limits/client-address.js';
import { RateLimitedError } from '../rate-limits/rate-limited.error.js';
import {
  type AttemptSubjects,
  type FailureCount,
  type FailureSignals,
  LoginThrottleRepository,
} from './login-throttle.repository.js';

/** The rules of the sign-in throttle, from AppConfig. */
export interface ThrottleRules {
  /** Failures of a pair before each further attempt waits. */
  failuresBeforeDelay: number;
  suspectAccountFailures: number;
  suspectAddressFailures: number;
  maxDelaySeconds: number;
  windowSeconds: number;
}

/** What one attempt may do: go ahead (counted as a failure until it succeeds), or wait. */
export type AttemptDecision =
  { admitted: true; count: FailureCount; delaySeconds: number } | { admitted: false; retryAfterSeconds: number };

/**
 * Whether a pair (an account from one address) may try a password now, and the count its
 * attempt leaves. The attempt is counted as a failure before the password is checked (a
 * right password forgets the pair's failures again), so that of concurrent guesses no more
 * than the free failures go ahead. After them, each further attempt waits 2 s, doubling
 * with every failure, up to the maximum; an attempt that waits is not counted and checks no
 * password. An account or an address that is suspect (many failures from anywhere, or of
 * any account) leaves its pairs one free failure only: a signal that slows guessing, but
 * never refuses the first attempt of a pair, so a right password always gets through.
 */
export function decideAttempt(
  pair: FailureCount,
  signals: FailureSignals,
  now: Date,
  rules: ThrottleRules,
): AttemptDecision {
  const remembered = pair.forgetAt.getTime() > now.getTime();
  const failures = remembered ? pair.failures : 0;
  if (remembered && pair.nextAttemptAt.getTime() > now.getTime()) {
    return { admitted: false, retryAfterSeconds: Math.ceil((pair.nextAttemptAt.getTime() - now.getTime()) / 1000) };
  }
  const suspect = signals.account >= rules.suspectAccountFailures || signals.address >= rules.suspectAddressFailures;
  const free = suspect ? 1 : rules.failuresBeforeDelay;
  const counted = failures + 1;
  const delaySeconds = counted < free ? 0 : Math.min(2 ** Math.min(counted - free + 1, 30), rules.maxDelaySeconds);
  const nextAttemptAt = new Date(now.getTime() + delaySeconds * 1000);
  return {
    admitted: true,
    delaySeconds,
    count: {
      failures: counted,
      nextAttemptAt,
      forgetAt: new Date(nextAttemptAt.getTime() + rules.windowSeconds * 1000),
    },
  };
}

/** The subjects that an attempt with this e-mail address from this client address counts under. */
export function attemptSubjects(email: string, ip: string): AttemptSubjects {
  const account = accountSubject(email);
  const address = clientAddressOf(ip);
  return { pair: `pair:${emailDigest(email)}@${address}`, account, address: `address:${address}` };
}

/**
 * The subjects of `login_throttle` that name an e-mail address (for its erasure): the
 * account's, and the prefix of its pairs'.
 */
export function subjectsOfEmail(email: string): { account: string; pairPrefix: string } {
  return { account: accountSubject(email), pairPrefix: `pair:${emailDigest(email)}@` };
}

const accountSubject = (email: string) => `account:${emailDigest(email)}`;

/** E-mail addresses are kept as digests: most of those tried belong to no account. */
const emailDigest = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');

/** How often each API process deletes the counts that are forgotten. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Brute-force protection of sign-in that nobody can use to lock others out, kept in
 * PostgreSQL so that every API process counts the same attempts. Counted per account and
 * client address (a pair): failures from one address never slow down anyone at another,
 * and at a shared address (a hospital's NAT) one person's failures slow down the accounts
 * they tried only. See decideAttempt for the rule.
 */
@Injectable()
export class LoginThrottle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LoginThrottle.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly counts: LoginThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Lets one attempt go ahead and counts it as failed until recordSuccess; throws
   * RateLimitedError (429 with Retry-After) while the pair must wait.
   */
  async claimAttempt(email: string, ip: string): Promise<void> {
    const rules = this.rules();
    const decision = await this.counts.claim(attemptSubjects(email, ip), this.clock.now(), (pair, signals) => {
      // The time once the pair's lock is held: an attempt that queued behind others starts its wait from now.
      const decided = decideAttempt(pair, signals, this.clock.now(), rules);
      return { outcome: decided, write: decided.admitted ? decided.count : undefined };
    });
    if (!decision.admitted) {
      throw new RateLimitedError(
        `too many failed sign-ins of this account from your address; try again in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
  }

  /** Counts a failure for the account and for the address (the signals); the pair's was counted by claimAttempt. */
  async recordFailure(email: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const subjects = attemptSubjects(email, ip);
    const forgetAt = new Date(now.getTime() + this.config.LOGIN_FAILURE_WINDOW_SECONDS * 1000);
    await this.counts.countFailure([subjects.account, subjects.address], now, forgetAt);
  }

  /** Forgets the pair's failures: the right password was given from this address. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.counts.forget(attemptSubjects(email, ip).pair);
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Deletes the counts that are forgotten (they mean the same as no row). */
  async sweep(): Promise<void> {
    try {
      await this.counts.forgetExpired(this.clock.now());
    } catch (error) {
      this.logger.warn(`sign-in failure counts not swept this time: ${(error as Error).name}`);
    }
  }

  private rules(): ThrottleRules {
    return {
      failuresBeforeDelay: this.config.LOGIN_FAILURES_BEFORE_DELAY,
      suspectAccountFailures: this.config.LOGIN_SUSPECT_ACCOUNT_FAILURES,
      suspectAddressFailures: this.config.LOGIN_SUSPECT_ADDRESS_FAILURES,
      maxDelaySeconds: this.config.LOGIN_MAX_DELAY_SECONDS,
      windowSeconds: this.config.LOGIN_FAILURE_WINDOW_SECONDS,
    };
  }
}
