import { describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import type { Clock } from '../common/clock.js';
import type { SealedSecret } from '../crypto/key-service.port.js';
import { LocalKeyService } from '../crypto/local-key-service.js';
import type { UserEntity } from '../users/user.entity.js';
import { RateLimitedError } from './auth.errors.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { recoveryCodeDigest } from './recovery-codes.js';
import type { SecondFactorThrottle } from './second-factor-throttle.js';
import {
  InvalidSecondFactorChallengeError,
  InvalidSecondFactorCodeError,
  NoSecondFactorEnrolmentError,
  SecondFactorAlreadyEnrolledError,
  WrongEnrolmentCodeError,
} from './second-factor.errors.js';
import type { SecondFactorRepository, StoredSecondFactor } from './second-factor.repository.js';
import { SecondFactorService } from './second-factor.service.js';
import type { SessionsRepository } from './sessions.repository.js';
import { timeStepAt, totpCodeAt } from './totp.js';

const NOW = new Date('2026-03-01T12:00:10Z');
const DOCTOR = { id: '0b5c3c1e-0000-4000-8000-00000000d0c0', email: 'dr@example.org', role: 'doctor' } as UserEntity;
const PATIENT = { id: '0b5c3c1e-0000-4000-8000-00000000aaaa', email: 'pt@example.org', role: 'patient' } as UserEntity;
const CALLER: AuthenticatedUser = {
  id: DOCTOR.id,
  role: 'doctor',
  hospital: 'hospital-a',
  sessionId: '5e551011-0000-4000-8000-000000000001',
  awaitsSecondFactor: true,
};

/** `second_factor_*` tables in memory, with the repository's "once" semantics. */
class FakeSecondFactors {
  factors = new Map<string, StoredSecondFactor>();
  recoveryCodes = new Map<string, { userId: string; usedAt: Date | null }>();
  challenges = new Map<string, { userId: string; expiresAt: Date; usedAt: Date | null }>();

  find = (userId: string) => Promise.resolve(this.factors.get(userId) ?? null);
  isConfirmed = (userId: string) => Promise.resolve(Boolean(this.factors.get(userId)?.confirmedAt));
  startEnrolment = (userId: string, sealed: SealedSecret, now: Date) => {
    if (this.factors.get(userId)?.confirmedAt) return Promise.resolve(false);
    this.factors.set(userId, { userId, sealed, createdAt: now, confirmedAt: null, lastUsedStep: null });
    return Promise.resolve(true);
  };
  confirm = (userId: string, sealedData: Buffer, step: number, digests: Buffer[], now: Date) => {
    const factor = this.factors.get(userId);
    if (!factor || factor.confirmedAt || !factor.sealed.data.equals(sealedData)) return Promise.resolve(false);
    Object.assign(factor, { confirmedAt: now, lastUsedStep: step });
    for (const digest of digests) this.recoveryCodes.set(digest.toString('hex'), { userId, usedAt: null });
    return Promise.resolve(true);
  };
  useTimeStep = (userId: string, step: number) => {
    const factor = this.factors.get(userId);
    if (!factor?.confirmedAt || (factor.lastUsedStep !== null && factor.lastUsedStep >= step))
      return Promise.resolve(false);
    factor.lastUsedStep = step;
    return Promise.resolve(true);
  };
  useRecoveryCode = (userId: string, digest: Buffer, now: Date) => {
    const code = this.recoveryCodes.get(digest.toString('hex'));
    if (!code || code.userId !== userId || code.usedAt) return Promise.resolve(false);
    code.usedAt = now;
    return Promise.resolve(true);
  };
  countUnusedRecoveryCodes = (userId: string) =>
    Promise.resolve([...this.recoveryCodes.values()].filter((code) => code.userId === userId && !code.usedAt).length);
  createChallenge = (idHash: Buffer, userId: string, _now: Date, expiresAt: Date) => {
    this.challenges.set(idHash.toString('hex'), { userId, expiresAt, usedAt: null });
    return Promise.resolve();
  };
  findLiveChallenge = (idHash: Buffer, now: Date) => {
    const challenge = this.challenges.get(idHash.toString('hex'));
    return Promise.resolve(challenge && !challenge.usedAt && challenge.expiresAt > now ? challenge.userId : null);
  };
  spendChallenge = (idHash: Buffer, now: Date) => {
    const challenge = this.challenges.get(idHash.toString('hex'));
    if (!challenge || challenge.usedAt || challenge.expiresAt <= now) return Promise.resolve(false);
    challenge.usedAt = now;
    return Promise.resolve(true);
  };
}

/** The service over the fake tables, a real local key service, a mocked throttle and sessions, and a clock tests move. */
function newTestService() {
  const clock = { time: NOW };
  const factors = new FakeSecondFactors();
  const keys = new LocalKeyService(randomBytes(32));
  const mocks = {
    claimAttempt: jest.fn<SecondFactorThrottle['claimAttempt']>(() => Promise.resolve()),
    recordSuccess: jest.fn<SecondFactorThrottle['recordSuccess']>(() => Promise.resolve()),
    endSecondFactorWait: jest.fn<SessionsRepository['endSecondFactorWait']>(() => Promise.resolve()),
    revokeOthersOfUser: jest.fn<SessionsRepository['revokeOthersOfUser']>(() => Promise.resolve(1)),
  };
  const sut = new SecondFactorService(
    factors as unknown as SecondFactorRepository,
    { claimAttempt: mocks.claimAttempt, recordSuccess: mocks.recordSuccess } as unknown as SecondFactorThrottle,
    {
      endSecondFactorWait: mocks.endSecondFactorWait,
      revokeOthersOfUser: mocks.revokeOthersOfUser,
    } as unknown as SessionsRepository,
    keys,
    { now: () => clock.time } as Clock,
  );
  return { sut, factors, keys, mocks, clock };
}

/** Enrols the doctor; returns the secret's bytes, as the app would have them, and the recovery codes. */
async function enrolled(service: ReturnType<typeof newTestService>) {
  const { secret } = await service.sut.startEnrolment(DOCTOR);
  const bytes = Buffer.from(Secret.fromBase32(secret).bytes);
  const step = timeStepAt(service.clock.time);
  const recoveryCodes = await service.sut.confirmEnrolment(CALLER, totpCodeAt(bytes, step - 1));
  service.mocks.claimAttempt.mockClear();
  service.mocks.recordSuccess.mockClear();
  return { bytes, step, recoveryCodes };
}

describe('SecondFactorService', () => {
  it('requires enrolment of staff, a challenge once confirmed, nothing of a patient without one', async () => {
    const service = newTestService();
    expect(await service.sut.requirementFor(DOCTOR)).toBe('enrolment');
    expect(await service.sut.requirementFor(PATIENT)).toBe('none');
    await enrolled(service);
    expect(await service.sut.requirementFor(DOCTOR)).toBe('challenge');
    expect(await service.sut.status(DOCTOR)).toEqual({ enrolled: true, required: true, recoveryCodesLeft: 10 });
  });

  it('seals the secret at rest in the user’s own context and gives it back as a URI and in base32', async () => {
    const { sut, factors, keys } = newTestService();
    const enrolment = await sut.startEnrolment(DOCTOR);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    const stored = factors.factors.get(DOCTOR.id)!;
    const bytes = Buffer.from(Secret.fromBase32(enrolment.secret).bytes);
    expect(stored.sealed.data.includes(bytes)).toBe(false);
    expect(stored.sealed.data.toString('latin1')).not.toContain(enrolment.secret);
    expect(await keys.open(stored.sealed, `second-factor:${DOCTOR.id}`)).toEqual(bytes);
    await expect(keys.open(stored.sealed, `second-factor:${PATIENT.id}`)).rejects.toThrow();
  });

  it('confirms with the app’s code: ten recovery codes, the session reaches everything, the other sessions end', async () => {
    const service = newTestService();
    const { secret } = await service.sut.startEnrolment(DOCTOR);
    const bytes = Buffer.from(Secret.fromBase32(secret).bytes);
    const step = timeStepAt(NOW);

    await expect(service.sut.confirmEnrolment(CALLER, totpCodeAt(bytes, step + 2))).rejects.toThrow(
      WrongEnrolmentCodeError,
    );
    expect(service.mocks.claimAttempt).toHaveBeenCalledWith(DOCTOR.id);
    expect(service.mocks.recordSuccess).not.toHaveBeenCalled();
    expect(service.mocks.endSecondFactorWait).not.toHaveBeenCalled();

    const codes = await service.sut.confirmEnrolment(CALLER, totpCodeAt(bytes, step));
    expect(codes).toHaveLength(10);
    expect(service.mocks.recordSuccess).toHaveBeenCalledWith(DOCTOR.id);
    expect(service.mocks.endSecondFactorWait).toHaveBeenCalledWith(CALLER.sessionId);
    expect(service.mocks.revokeOthersOfUser).toHaveBeenCalledWith(
      DOCTOR.id,
      CALLER.sessionId,
      'second factor enrolled',
      NOW,
    );
    // Stored as digests only; the confirming code's step counts as used.
    expect([...service.factors.recoveryCodes.keys()]).toContain(
      recoveryCodeDigest(DOCTOR.id, codes[0]!).toString('hex'),
    );
    expect(service.factors.factors.get(DOCTOR.id)).toMatchObject({ confirmedAt: NOW, lastUsedStep: step });

    await expect(service.sut.startEnrolment(DOCTOR)).rejects.toThrow(SecondFactorAlreadyEnrolledError);
    await expect(service.sut.confirmEnrolment(CALLER, totpCodeAt(bytes, step + 1))).rejects.toThrow(
      SecondFactorAlreadyEnrolledError,
    );
  });

  it('refuses a confirmation without an enrolment started', async () => {
    const { sut } = newTestService();
    await expect(sut.confirmEnrolment(CALLER, '123456')).rejects.toThrow(NoSecondFactorEnrolmentError);
  });

  it('redeems a live challenge with a code once: the same code again is refused, and so is the spent challenge', async () => {
    const service = newTestService();
    const { bytes, step } = await enrolled(service);
    const first = await service.sut.issueChallenge(DOCTOR.id);
    expect(first.expiresIn).toBe(300);
    // The id is a bearer secret: only its digest is stored.
    expect([...service.factors.challenges.keys()]).not.toContain(first.challengeId);

    expect(await service.sut.redeemChallenge(first.challengeId, { code: totpCodeAt(bytes, step) })).toBe(DOCTOR.id);
    expect(service.mocks.recordSuccess).toHaveBeenCalledWith(DOCTOR.id);
    await expect(service.sut.redeemChallenge(first.challengeId, { code: totpCodeAt(bytes, step + 1) })).rejects.toThrow(
      InvalidSecondFactorChallengeError,
    );

    const second = await service.sut.issueChallenge(DOCTOR.id);
    await expect(service.sut.redeemChallenge(second.challengeId, { code: totpCodeAt(bytes, step) })).rejects.toThrow(
      InvalidSecondFactorCodeError,
    );
    // An older step than the last used one is no better; the next step is.
    await expect(
      service.sut.redeemChallenge(second.challengeId, { code: totpCodeAt(bytes, step - 1) }),
    ).rejects.toThrow(InvalidSecondFactorCodeError);
    expect(await service.sut.redeemChallenge(second.challengeId, { code: totpCodeAt(bytes, step + 1) })).toBe(
      DOCTOR.id,
    );
  });

  it('lets a recovery code sign in once', async () => {
    const service = newTestService();
    const { recoveryCodes } = await enrolled(service);
    const code = recoveryCodes[3]!;
    const first = await service.sut.issueChallenge(DOCTOR.id);
    expect(await service.sut.redeemChallenge(first.challengeId, { recoveryCode: code.toUpperCase() })).toBe(DOCTOR.id);
    const second = await service.sut.issueChallenge(DOCTOR.id);
    await expect(service.sut.redeemChallenge(second.challengeId, { recoveryCode: code })).rejects.toThrow(
      InvalidSecondFactorCodeError,
    );
    await expect(service.sut.redeemChallenge(second.challengeId, { recoveryCode: 'zzzzz-zzzzz' })).rejects.toThrow(
      InvalidSecondFactorCodeError,
    );
    expect((await service.sut.status(DOCTOR)).recoveryCodesLeft).toBe(9);
  });

  it('lets a challenge expire after five minutes, before any code is checked', async () => {
    const service = newTestService();
    const { bytes } = await enrolled(service);
    const { challengeId } = await service.sut.issueChallenge(DOCTOR.id);
    service.clock.time = new Date(NOW.getTime() + 300_000);
    await expect(
      service.sut.redeemChallenge(challengeId, { code: totpCodeAt(bytes, timeStepAt(service.clock.time)) }),
    ).rejects.toThrow(InvalidSecondFactorChallengeError);
    await expect(service.sut.redeemChallenge('not-a-challenge', { code: '123456' })).rejects.toThrow(
      InvalidSecondFactorChallengeError,
    );
    expect(service.mocks.claimAttempt).not.toHaveBeenCalled();
  });

  it('checks no code while the throttle makes the account wait', async () => {
    const service = newTestService();
    const { bytes, step } = await enrolled(service);
    const { challengeId } = await service.sut.issueChallenge(DOCTOR.id);
    service.mocks.claimAttempt.mockRejectedValueOnce(new RateLimitedError('wait', 2));
    await expect(service.sut.redeemChallenge(challengeId, { code: totpCodeAt(bytes, step + 1) })).rejects.toThrow(
      RateLimitedError,
    );
    // The code was not spent: it still signs in once the wait is over.
    expect(await service.sut.redeemChallenge(challengeId, { code: totpCodeAt(bytes, step + 1) })).toBe(DOCTOR.id);
  });
});
