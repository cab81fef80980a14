import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitedError } from '../rate-limits/rate-limited.error.js';
import { decideAttempt } from './login-throttle.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';

/** Nothing counts against an account's second factor but its own failures. */
const NO_SIGNALS = { account: 0, address: 0 };

/**
 * Wrong second-factor codes (TOTP or recovery), throttled like passwords (LoginThrottle's
 * rule, decideAttempt, and its table, `login_throttle`) but counted per account, from every
 * address: whoever types a code already gave the account's password, so it is the account
 * that is being guessed. The attempt is counted as a failure before the code is checked
 * (under the count's row lock, so that of concurrent guesses no more than the free failures
 * go ahead) until recordSuccess forgets them. After LOGIN_FAILURES_BEFORE_DELAY failures
 * each further attempt waits 2 s, doubling, up to LOGIN_MAX_DELAY_SECONDS: a million
 * possible codes then take years to try.
 */
@Injectable()
export class SecondFactorThrottle {
  constructor(
    private readonly config: AppConfig,
    private readonly counts: LoginThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /** Lets one code be checked (counted as a failure until recordSuccess); throws RateLimitedError while the account must wait. */
  async claimAttempt(userId: string): Promise<void> {
    const subject = subjectOf(userId);
    const rules = {
      failuresBeforeDelay: this.config.LOGIN_FAILURES_BEFORE_DELAY,
      suspectAccountFailures: Number.POSITIVE_INFINITY,
      suspectAddressFailures: Number.POSITIVE_INFINITY,
      maxDelaySeconds: this.config.LOGIN_MAX_DELAY_SECONDS,
      windowSeconds: this.config.LOGIN_FAILURE_WINDOW_SECONDS,
    };
    const decision = await this.counts.claim(
      { pair: subject, account: subject, address: subject },
      this.clock.now(),
      (count) => {
        const decided = decideAttempt(count, NO_SIGNALS, this.clock.now(), rules);
        return { outcome: decided, write: decided.admitted ? decided.count : undefined };
      },
    );
    if (!decision.admitted) {
      throw new RateLimitedError(
        `too many wrong codes for this account; try again in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
  }

  /** Forgets the account's failed codes: a right one was given. */
  async recordSuccess(userId: string): Promise<void> {
    await this.counts.forget(subjectOf(userId));
  }
}

/** The throttle's subject of an account's second factor (a pseudonymous id, no e-mail). */
export const subjectOf = (userId: string) => `second-factor:${userId}`;
