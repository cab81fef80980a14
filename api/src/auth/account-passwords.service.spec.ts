import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { InvalidInputError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { MailOutboxRepository } from '../notifications/mail-outbox.repository.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UsersRepository } from '../users/users.repository.js';
import { InvalidAccountLinkError, WrongCurrentPasswordError } from './account-passwords.errors.js';
import { AccountPasswordsService } from './account-passwords.service.js';
import { accountTokenDigest } from './account-tokens.js';
import type { AccountTokensRepository, LinkHolder } from './account-tokens.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionsRepository } from './sessions.repository.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const CONFIG = { ACTIVATION_LINK_TTL_SECONDS: 259_200, PASSWORD_RESET_LINK_TTL_SECONDS: 3600 } as AppConfig;
const TOKEN = 'T'.repeat(43);
const PASSWORD = 'a long enough passphrase';
const USER = {
  id: '0b5c3c1e-0000-4000-8000-000000000001',
  email: 'grace.hopper@hospital.example',
  passwordHash: 'current-hash',
  status: 'active',
} as UserEntity;
const CALLER = { id: USER.id, role: 'doctor' as const, hospital: 'hospital-a', sessionId: 'session-1' };
const CLIENT = { ip: '192.0.2.7', userAgent: null };

/** The service with its repositories, hasher and throttle mocked; transactions run on a dummy manager. */
function newTestService(holder: LinkHolder | null = { userId: USER.id, email: USER.email, status: 'pending' }) {
  const manager = {} as EntityManager;
  const mocks = {
    findUsable: jest.fn<AccountTokensRepository['findUsable']>(() => Promise.resolve(holder)),
    consume: jest.fn<AccountTokensRepository['consume']>(() => Promise.resolve(USER.id)),
    issue: jest.fn<AccountTokensRepository['issue']>(() => Promise.resolve(new Date(NOW.getTime() + 3_600_000))),
    issuedWithin: jest.fn<AccountTokensRepository['issuedWithin']>(() => Promise.resolve(false)),
    setPassword: jest.fn<UsersRepository['setPassword']>(() => Promise.resolve(true)),
    findById: jest.fn<UsersRepository['findById']>(() => Promise.resolve(USER)),
    findByEmail: jest.fn<UsersRepository['findByEmail']>(() => Promise.resolve(USER)),
    enqueue: jest.fn<MailOutboxRepository['enqueue']>(() => Promise.resolve()),
    dropUnsentLink: jest.fn<MailOutboxRepository['dropUnsentLink']>(() => Promise.resolve()),
    revokeAllOfUser: jest.fn<SessionsRepository['revokeAllOfUser']>(() => Promise.resolve(2)),
    revokeOthersOfUser: jest.fn<SessionsRepository['revokeOthersOfUser']>(() => Promise.resolve(1)),
    hash: jest.fn<PasswordHasher['hash']>(() => Promise.resolve('new-hash')),
    verify: jest.fn<PasswordHasher['verify']>(() => Promise.resolve(true)),
    claimAttempt: jest.fn<LoginThrottle['claimAttempt']>(() => Promise.resolve()),
    recordFailure: jest.fn<LoginThrottle['recordFailure']>(() => Promise.resolve()),
    recordSuccess: jest.fn<LoginThrottle['recordSuccess']>(() => Promise.resolve()),
    transaction: jest.fn((work: (manager: EntityManager) => Promise<unknown>) => work(manager)),
  };
  const sut = new AccountPasswordsService(
    CONFIG,
    {
      setPassword: mocks.setPassword,
      findById: mocks.findById,
      findByEmail: mocks.findByEmail,
    } as unknown as UsersRepository,
    {
      findUsable: mocks.findUsable,
      consume: mocks.consume,
      issue: mocks.issue,
      issuedWithin: mocks.issuedWithin,
    } as unknown as AccountTokensRepository,
    { enqueue: mocks.enqueue, dropUnsentLink: mocks.dropUnsentLink } as unknown as MailOutboxRepository,
    {
      revokeAllOfUser: mocks.revokeAllOfUser,
      revokeOthersOfUser: mocks.revokeOthersOfUser,
    } as unknown as SessionsRepository,
    { hash: mocks.hash, verify: mocks.verify } as unknown as PasswordHasher,
    {
      claimAttempt: mocks.claimAttempt,
      recordFailure: mocks.recordFailure,
      recordSuccess: mocks.recordSuccess,
    } as unknown as LoginThrottle,
    { now: () => NOW } as Clock,
    { transaction: mocks.transaction } as unknown as DataSource,
  );
  return { sut, mocks, manager };
}

describe('AccountPasswordsService', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('activation', () => {
    it('sets the password of a pending account and makes it active, spending the link and its unsent e-mail', async () => {
      const { sut, mocks, manager } = newTestService();
      await expect(sut.activate(TOKEN, PASSWORD)).resolves.toEqual({ email: USER.email });
      expect(mocks.findUsable).toHaveBeenCalledWith(accountTokenDigest(TOKEN), 'activation');
      expect(mocks.consume).toHaveBeenCalledWith(manager, accountTokenDigest(TOKEN), 'activation');
      expect(mocks.setPassword).toHaveBeenCalledWith(manager, USER.id, 'new-hash', { from: 'pending', to: 'active' });
      expect(mocks.dropUnsentLink).toHaveBeenCalledWith(manager, accountTokenDigest(TOKEN));
    });

    it('refuses an unknown, used or expired link, and one of an account that is not pending, with one error', async () => {
      for (const holder of [null, { userId: USER.id, email: USER.email, status: 'active' as const }]) {
        const { sut, mocks } = newTestService(holder);
        await expect(sut.activate(TOKEN, PASSWORD)).rejects.toBeInstanceOf(InvalidAccountLinkError);
        expect(mocks.consume).not.toHaveBeenCalled();
      }
    });

    it('checks the password before the link is spent: a weak one leaves the link usable', async () => {
      const { sut, mocks } = newTestService();
      await expect(sut.activate(TOKEN, 'short')).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sut.activate(TOKEN, 'grace.hopper is my password')).rejects.toBeInstanceOf(InvalidInputError);
      expect(mocks.consume).not.toHaveBeenCalled();
    });

    it('loses to a concurrent use of the link, or to a suspension meanwhile', async () => {
      const raced = newTestService();
      raced.mocks.consume.mockResolvedValueOnce(null);
      await expect(raced.sut.activate(TOKEN, PASSWORD)).rejects.toBeInstanceOf(InvalidAccountLinkError);
      expect(raced.mocks.setPassword).not.toHaveBeenCalled();

      const suspended = newTestService();
      suspended.mocks.setPassword.mockResolvedValueOnce(false);
      await expect(suspended.sut.activate(TOKEN, PASSWORD)).rejects.toBeInstanceOf(InvalidAccountLinkError);
    });

    it('issues a link for the activation e-mail, with the configured lifetime, inside the caller’s transaction', async () => {
      const { sut, mocks, manager } = newTestService();
      await sut.sendActivation(manager, USER.id);
      const [, issued] = mocks.issue.mock.calls[0]!;
      expect(issued).toMatchObject({ userId: USER.id, purpose: 'activation', ttlSeconds: 259_200 });
      const [, mail] = mocks.enqueue.mock.calls[0]!;
      expect(mail).toMatchObject({ userId: USER.id, kind: 'account-activation' });
      const { link } = mail as { link: { token: string; tokenHash: Buffer } };
      // The e-mail gets the token; the database, its digest.
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(link.tokenHash).toEqual(accountTokenDigest(link.token));
      expect(issued.tokenHash).toEqual(link.tokenHash);
    });
  });

  describe('reset', () => {
    it('sets the new password of an active account and ends every session, telling the owner', async () => {
      const { sut, mocks, manager } = newTestService({ userId: USER.id, email: USER.email, status: 'active' });
      await sut.confirmPasswordReset(TOKEN, PASSWORD);
      expect(mocks.setPassword).toHaveBeenCalledWith(manager, USER.id, 'new-hash', { from: 'active', to: 'active' });
      expect(mocks.revokeAllOfUser).toHaveBeenCalledWith(USER.id, 'password reset', NOW, manager);
      expect(mocks.enqueue).toHaveBeenCalledWith(manager, { userId: USER.id, kind: 'password-changed' });
    });

    it('refuses a reset link of an account that is not active', async () => {
      const { sut } = newTestService({ userId: USER.id, email: USER.email, status: 'suspended' });
      await expect(sut.confirmPasswordReset(TOKEN, PASSWORD)).rejects.toBeInstanceOf(InvalidAccountLinkError);
    });

    it('sends a link to an active account only, and not twice within a minute', async () => {
      const sent = newTestService();
      sent.sut.requestPasswordReset(USER.email);
      await sent.sut.onApplicationShutdown();
      expect(sent.mocks.issue.mock.calls[0]![1]).toMatchObject({ purpose: 'password-reset', ttlSeconds: 3600 });

      for (const found of [null, { ...USER, status: 'pending' } as UserEntity]) {
        const quiet = newTestService();
        quiet.mocks.findByEmail.mockResolvedValueOnce(found);
        quiet.sut.requestPasswordReset(USER.email);
        await quiet.sut.onApplicationShutdown();
        expect(quiet.mocks.issue).not.toHaveBeenCalled();
      }
      const recent = newTestService();
      recent.mocks.issuedWithin.mockResolvedValueOnce(true);
      recent.sut.requestPasswordReset(USER.email);
      await recent.sut.onApplicationShutdown();
      expect(recent.mocks.issue).not.toHaveBeenCalled();
    });
  });

  describe('change', () => {
    const change = { currentPassword: 'the current one', newPassword: PASSWORD };

    it('checks the current password under the sign-in throttle, then ends the other sessions only', async () => {
      const { sut, mocks, manager } = newTestService();
      await sut.changePassword(CALLER, change, CLIENT);
      expect(mocks.claimAttempt).toHaveBeenCalledWith(USER.email, CLIENT.ip);
      expect(mocks.verify).toHaveBeenCalledWith(change.currentPassword, USER.passwordHash);
      expect(mocks.recordSuccess).toHaveBeenCalledWith(USER.email, CLIENT.ip);
      expect(mocks.revokeOthersOfUser).toHaveBeenCalledWith(USER.id, 'session-1', 'password changed', NOW, manager);
      expect(mocks.revokeAllOfUser).not.toHaveBeenCalled();
      expect(mocks.enqueue).toHaveBeenCalledWith(manager, { userId: USER.id, kind: 'password-changed' });
    });

    it('refuses a wrong current password, counting it as a failed sign-in', async () => {
      const { sut, mocks } = newTestService();
      mocks.verify.mockResolvedValueOnce(false);
      await expect(sut.changePassword(CALLER, change, CLIENT)).rejects.toBeInstanceOf(WrongCurrentPasswordError);
      expect(mocks.recordFailure).toHaveBeenCalledWith(USER.email, CLIENT.ip);
      expect(mocks.setPassword).not.toHaveBeenCalled();
    });

    it('refuses a weak new password before trying the current one, and the current one as the new', async () => {
      const weak = newTestService();
      await expect(weak.sut.changePassword(CALLER, { ...change, newPassword: 'short' }, CLIENT)).rejects.toMatchObject({
        details: { errors: [{ field: 'newPassword' }] },
      });
      expect(weak.mocks.claimAttempt).not.toHaveBeenCalled();

      const same = newTestService();
      await expect(
        same.sut.changePassword(CALLER, { currentPassword: PASSWORD, newPassword: PASSWORD }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidInputError);
      expect(same.mocks.setPassword).not.toHaveBeenCalled();
    });
  });
});
