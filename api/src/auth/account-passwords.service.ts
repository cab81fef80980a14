import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError } from '../common/domain-error.js';
import { errorSummary } from '../common/loggable-error.js';
import { AppConfig } from '../config/app-config.js';
import { MailOutboxRepository } from '../notifications/mail-outbox.repository.js';
import { assertPasswordAcceptable } from '../users/password-policy.js';
import { UsersRepository } from '../users/users.repository.js';
import { InvalidAccountLinkError, WrongCurrentPasswordError } from './account-passwords.errors.js';
import { type AccountTokenPurpose, accountTokenDigest, newAccountToken } from './account-tokens.js';
import { AccountTokensRepository } from './account-tokens.repository.js';
import { UnauthenticatedError } from './auth.errors.js';
import type { ClientInfo } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsRepository } from './sessions.repository.js';

/** At most one reset e-mail per account within this time, however often it is asked for. */
export const RESET_MAIL_INTERVAL_SECONDS = 60;

const INVALID_LINK = 'this link is unknown, was used already, was replaced by a newer one or has expired';

/**
 * Passwords that only their owners know. An admin creates a staff account without one
 * (`pending`); its owner chooses it from a one-time activation link sent to the account's
 * address. Anyone can ask for a reset link, which goes to the account's own address only;
 * a reset ends every session of the account, a change every other one. Links are 32 random
 * bytes, stored as SHA-256 digests (AccountTokensRepository), spent atomically, and live in
 * the mail outbox only until their e-mail is sent. No password, hash or token is returned
 * or logged.
 */
@Injectable()
export class AccountPasswordsService implements OnApplicationShutdown {
  private readonly logger = new Logger(AccountPasswordsService.name);
  /** Reset requests being worked on after their answer went out. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly outbox: MailOutboxRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * A new activation link for a pending account, replacing any older one, and its e-mail,
   * inside the caller's transaction (the account's creation, or an admin's resend).
   * Returns when the link expires.
   */
  async sendActivation(manager: EntityManager, userId: string): Promise<Date> {
    return this.issueLink(manager, userId, 'activation');
  }

  /** Sets the first password of a pending account from its activation link: the account becomes active. */
  async activate(token: string, password: string): Promise<{ email: string }> {
    const holder = await this.usableLink(token, 'activation', 'pending');
    assertPasswordAcceptable(password, holder.email);
    const passwordHash = await this.passwords.hash(password);
    await this.spend(token, 'activation', holder.userId, async (manager) => {
      if (!(await this.users.setPassword(manager, holder.userId, passwordHash, { from: 'pending', to: 'active' })))
        throw new InvalidAccountLinkError(INVALID_LINK);
    });
    return { email: holder.email };
  }

  /**
   * Sends a reset link to the account with this address, if there is an active one; the
   * answer is the same, and as quick, either way: the work goes on after it (a failure is
   * logged, without the address). A pending account gets nothing (its admin resends the
   * activation), nor does one that had a reset link within the last minute.
   */
  requestPasswordReset(email: string): void {
    const work = this.sendResetLink(email)
      .catch((error: unknown) => this.logger.warn(`a password-reset request failed: ${errorSummary(error)}`))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Sets a new password from a reset link, and ends every session of the account. */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const holder = await this.usableLink(token, 'password-reset', 'active');
    assertPasswordAcceptable(password, holder.email);
    const passwordHash = await this.passwords.hash(password);
    await this.spend(token, 'password-reset', holder.userId, async (manager) => {
      if (!(await this.users.setPassword(manager, holder.userId, passwordHash, { from: 'active', to: 'active' })))
        throw new InvalidAccountLinkError(INVALID_LINK);
      await this.sessions.revokeAllOfUser(holder.userId, 'password reset', this.clock.now(), manager);
      await this.outbox.enqueue(manager, { userId: holder.userId, kind: 'password-changed' });
    });
  }

  /**
   * The signed-in user changes their password, giving the current one (checked and
   * throttled as a sign-in is): every other session of theirs ends, this one goes on.
   */
  async changePassword(
    caller: AuthenticatedUser,
    passwords: { currentPassword: string; newPassword: string },
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.users.findById(caller.id);
    if (!user || user.status !== 'active') throw new UnauthenticatedError('the account is not active');
    assertPasswordAcceptable(passwords.newPassword, user.email, 'newPassword');
    await this.throttle.claimAttempt(user.email, client.ip);
    if (!(await this.passwords.verify(passwords.currentPassword, user.passwordHash))) {
      await this.throttle.recordFailure(user.email, client.ip);
      throw new WrongCurrentPasswordError('the current password is wrong');
    }
    await this.throttle.recordSuccess(user.email, client.ip);
    if (passwords.newPassword === passwords.currentPassword) {
      throw new InvalidInputError('the new password is the current one', {
        details: {
          errors: [{ field: 'newPassword', messages: ['newPassword must differ from the current password'] }],
        },
      });
    }
    const passwordHash = await this.passwords.hash(passwords.newPassword);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.users.setPassword(manager, user.id, passwordHash, { from: 'active', to: 'active' })))
        throw new UnauthenticatedError('the account is not active');
      await this.sessions.revokeOthersOfUser(user.id, caller.sessionId, 'password changed', this.clock.now(), manager);
      await this.outbox.enqueue(manager, { userId: user.id, kind: 'password-changed' });
    });
  }

  /** Lets the reset requests still being worked on finish before the database goes. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async sendResetLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.status !== 'active') return;
    if (await this.tokens.issuedWithin(user.id, 'password-reset', RESET_MAIL_INTERVAL_SECONDS)) return;
    await this.dataSource.transaction((manager) => this.issueLink(manager, user.id, 'password-reset'));
  }

  private async issueLink(manager: EntityManager, userId: string, purpose: AccountTokenPurpose): Promise<Date> {
    const { token, hash } = newAccountToken();
    const expiresAt = await this.tokens.issue(manager, {
      tokenHash: hash,
      userId,
      purpose,
      ttlSeconds:
        purpose === 'activation'
          ? this.config.ACTIVATION_LINK_TTL_SECONDS
          : this.config.PASSWORD_RESET_LINK_TTL_SECONDS,
    });
    await this.outbox.enqueue(manager, {
      userId,
      kind: purpose === 'activation' ? 'account-activation' : 'password-reset',
      link: { token, tokenHash: hash },
    });
    return expiresAt;
  }

  /** The holder of a usable link of this purpose whose account is in `status`; else INVALID_LINK. */
  private async usableLink(token: string, purpose: AccountTokenPurpose, status: 'pending' | 'active') {
    const holder = await this.tokens.findUsable(accountTokenDigest(token), purpose);
    if (!holder || holder.status !== status) throw new InvalidAccountLinkError(INVALID_LINK);
    return holder;
  }

  /**
   * Spends the link and does `then` in one transaction: a link spent meanwhile (a
   * concurrent use) is INVALID_LINK and nothing changes. An e-mail of the link that has
   * not gone yet is dropped.
   */
  private async spend(
    token: string,
    purpose: AccountTokenPurpose,
    userId: string,
    then: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const hash = accountTokenDigest(token);
    await this.dataSource.transaction(async (manager) => {
      if ((await this.tokens.consume(manager, hash, purpose)) !== userId)
        throw new InvalidAccountLinkError(INVALID_LINK);
      await then(manager);
      await this.outbox.dropUnsentLink(manager, hash);
    });
  }
}
