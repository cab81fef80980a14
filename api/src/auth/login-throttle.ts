import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitedError } from './auth.errors.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * Brute-force protection of sign-in, per account and per client address, kept in
 * PostgreSQL so that every API replica counts the same failures.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  /** Throws RateLimitedError (429 with Retry-After) when either subject has failed too often. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const windowMs = this.config.LOGIN_FAILURE_WINDOW_SECONDS * 1000;
    const since = new Date(now.getTime() - windowMs);
    const checks: Array<[string, number]> = [
      [accountSubject(email), this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT],
      [ipSubject(ip), this.config.LOGIN_MAX_FAILURES_PER_IP],
    ];
    for (const [subject, limit] of checks) {
      const { count, oldest } = await this.sessions.loginFailures(subject, since);
      if (count >= limit) {
        const freeAt = (oldest?.getTime() ?? now.getTime()) + windowMs;
        throw new RateLimitedError(
          'too many failed sign-ins; try again later',
          Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)),
        );
      }
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.sessions.recordLoginFailure([accountSubject(email), ipSubject(ip)], this.clock.now());
  }

  async recordSuccess(email: string): Promise<void> {
    await this.sessions.clearLoginFailures(accountSubject(email));
  }
}

const accountSubject = (email: string) => `account:${email.trim().toLowerCase()}`;
const ipSubject = (ip: string) => `ip:${ip}`;
