import { describe, expect, it, jest } from '@jest/globals';
import type { JwtService } from '@nestjs/jwt';
import type { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UsersRepository } from '../users/users.repository.js';
import { InvalidCredentialsError, InvalidRefreshTokenError } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionEntity } from './session.entity.js';
import type { SecondFactorService } from './second-factor.service.js';
import type { SessionsRepository } from './sessions.repository.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const CONFIG = {
  ACCESS_TOKEN_TTL_SECONDS: 900,
  SESSION_IDLE_TIMEOUT_SECONDS: 1800,
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: 43_200,
  JWT_SECRET: 'x'.repeat(48),
  JWT_ISSUER: 'medledger',
  JWT_AUDIENCE: 'medledger-api',
} as AppConfig;

const USER = {
  id: '0b5c3c1e-0000-4000-8000-000000000001',
  email: 'ada@example.org',
  passwordHash: 'hash',
  fullName: 'Ada Lovelace',
  role: 'patient',
  hospital: 'hospital-a',
  status: 'active',
} as UserEntity;

const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function session(overrides: Partial<SessionEntity> = {}): SessionEntity {
  return {
    id: '5e551011-0000-4000-8000-000000000001',
    userId: USER.id,
    createdAt: minutesBefore(120),
    lastSeenAt: minutesBefore(10),
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    ip: '127.0.0.1',
    userAgent: null,
    revokedAt: null,
    revokedReason: null,
    awaitsSecondFactor: false,
    ...overrides,
  };
}

/** The service with its repositories, hasher, throttle and token signer mocked, and the clock frozen. */
function newTestService() {
  const mocks = {
    findByEmail: jest.fn<UsersRepository['findByEmail']>(() => Promise.resolve(USER)),
    findById: jest.fn<UsersRepository['findById']>(() => Promise.resolve(USER)),
    create: jest.fn<SessionsRepository['create']>(() => Promise.resolve()),
    rotate: jest.fn<SessionsRepository['rotate']>(() => Promise.resolve({ kind: 'rotated', session: session() })),
    revoke: jest.fn<SessionsRepository['revoke']>(() => Promise.resolve(true)),
    verify: jest.fn<PasswordHasher['verify']>(() => Promise.resolve(true)),
    signAsync: jest.fn(() => Promise.resolve('access-token')),
    requirementFor: jest.fn<SecondFactorService['requirementFor']>(() => Promise.resolve('none')),
    issueChallenge: jest.fn<SecondFactorService['issueChallenge']>(() =>
      Promise.resolve({ challengeId: 'challenge', expiresIn: 300 }),
    ),
    redeemChallenge: jest.fn<SecondFactorService['redeemChallenge']>(() => Promise.resolve(USER.id)),
  };
  const sut = new AuthService(
    CONFIG,
    { findByEmail: mocks.findByEmail, findById: mocks.findById } as unknown as UsersRepository,
    { create: mocks.create, rotate: mocks.rotate, revoke: mocks.revoke } as unknown as SessionsRepository,
    { verify: mocks.verify } as unknown as PasswordHasher,
    {
      claimAttempt: () => Promise.resolve(),
      recordFailure: () => Promise.resolve(),
      recordSuccess: () => Promise.resolve(),
    } as unknown as LoginThrottle,
    {
      requirementFor: mocks.requirementFor,
      issueChallenge: mocks.issueChallenge,
      redeemChallenge: mocks.redeemChallenge,
    } as unknown as SecondFactorService,
    { signAsync: mocks.signAsync } as unknown as JwtService,
    { now: () => NOW } as Clock,
  );
  return { sut, mocks };
}

describe('AuthService', () => {
  it('signs in with the idle timeout and a refresh token good until the session’s absolute expiry', async () => {
    const { sut, mocks } = newTestService();
    const signedIn = await sut.login(USER.email, 'a password', { ip: '127.0.0.1', userAgent: 'jest' });
    expect(signedIn).toMatchObject({
      accessToken: 'access-token',
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: 900,
      idleTimeoutSeconds: 1800,
      refreshTokenExpiresIn: 43_200,
    });
    const [created] = mocks.create.mock.calls[0]!;
    expect(created).toMatchObject({ lastSeenAt: NOW, expiresAt: new Date(NOW.getTime() + 43_200_000) });
    expect(signedIn).toMatchObject({ secondFactorRequired: false, secondFactorEnrolmentRequired: false });
  });

  it('answers a right password with a challenge and no token when the account has a second factor', async () => {
    const { sut, mocks } = newTestService();
    mocks.requirementFor.mockResolvedValueOnce('challenge');
    const outcome = await sut.login(USER.email, 'a password', { ip: '127.0.0.1', userAgent: null });
    expect(outcome).toEqual({ secondFactorRequired: true, challengeId: 'challenge', expiresIn: 300 });
    expect(mocks.create).not.toHaveBeenCalled();
    expect(mocks.signAsync).not.toHaveBeenCalled();
  });

  it('gives staff without a second factor a session that awaits enrolment', async () => {
    const { sut, mocks } = newTestService();
    mocks.requirementFor.mockResolvedValueOnce('enrolment');
    const outcome = await sut.login(USER.email, 'a password', { ip: '127.0.0.1', userAgent: null });
    expect(outcome).toMatchObject({ secondFactorRequired: false, secondFactorEnrolmentRequired: true });
    expect(mocks.create.mock.calls[0]![0]).toMatchObject({ awaitsSecondFactor: true });
  });

  it('asks nothing of a wrong password about the second factor', async () => {
    const { sut, mocks } = newTestService();
    mocks.verify.mockResolvedValueOnce(false);
    await expect(sut.login(USER.email, 'wrong', { ip: '127.0.0.1', userAgent: null })).rejects.toThrow(
      InvalidCredentialsError,
    );
    expect(mocks.requirementFor).not.toHaveBeenCalled();
    expect(mocks.issueChallenge).not.toHaveBeenCalled();
  });

  it('opens a full session once the challenge is redeemed, and none for an account suspended meanwhile', async () => {
    const { sut, mocks } = newTestService();
    const signedIn = await sut.loginWithSecondFactor('challenge', { code: '123456' }, { ip: '::1', userAgent: null });
    expect(signedIn).toMatchObject({ accessToken: 'access-token', secondFactorEnrolmentRequired: false });
    expect(mocks.create.mock.calls[0]![0]).toMatchObject({ userId: USER.id, awaitsSecondFactor: false });

    mocks.findById.mockResolvedValueOnce({ ...USER, status: 'suspended' });
    await expect(
      sut.loginWithSecondFactor('challenge', { recoveryCode: 'abcde-fghjk' }, { ip: '::1', userAgent: null }),
    ).rejects.toThrow(InvalidCredentialsError);
  });

  it('rotates at the present moment (which restarts the idle clock) and counts down to the absolute expiry', async () => {
    const { sut, mocks } = newTestService();
    const renewed = await sut.refresh('old-token');
    expect(mocks.rotate).toHaveBeenCalledWith(expect.any(Buffer), expect.any(Buffer), NOW);
    expect(renewed).toMatchObject({ idleTimeoutSeconds: 1800, refreshTokenExpiresIn: 3600, expiresIn: 900 });
    expect(renewed.refreshToken).not.toBe('old-token');
    expect(mocks.revoke).not.toHaveBeenCalled();
  });

  it('ends a session idle for longer than the timeout instead of renewing it', async () => {
    const { sut, mocks } = newTestService();
    mocks.rotate.mockResolvedValueOnce({ kind: 'rotated', session: session({ lastSeenAt: minutesBefore(31) }) });
    await expect(sut.refresh('old-token')).rejects.toThrow(InvalidRefreshTokenError);
    expect(mocks.revoke).toHaveBeenCalledWith(session().id, 'timed out', NOW);
  });

  it('ends the whole session when a spent refresh token comes again', async () => {
    const { sut, mocks } = newTestService();
    mocks.rotate.mockResolvedValueOnce({ kind: 'reused', sessionId: session().id });
    await expect(sut.refresh('spent')).rejects.toThrow(InvalidRefreshTokenError);
    expect(mocks.revoke).toHaveBeenCalledWith(session().id, 'refresh token reused', NOW);
  });
});
