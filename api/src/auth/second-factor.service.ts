import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { KEY_SERVICE, type KeyService } from '../crypto/key-service.port.js';
import { secondFactorContext } from '../crypto/sealing-contexts.js';
import type { Role } from '../users/user.entity.js';
import type { UserEntity } from '../users/user.entity.js';
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeDigest } from './recovery-codes.js';
import { SecondFactorThrottle } from './second-factor-throttle.js';
import {
  InvalidSecondFactorChallengeError,
  InvalidSecondFactorCodeError,
  NoSecondFactorEnrolmentError,
  SecondFactorAlreadyEnrolledError,
  WrongEnrolmentCodeError,
} from './second-factor.errors.js';
import { SecondFactorRepository, type StoredSecondFactor } from './second-factor.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { base32Of, matchingTimeStep, newTotpSecret, otpauthUri } from './totp.js';

/** The roles that must sign in with a second factor (HIPAA person authentication; ONC (d)(13)). */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['doctor', 'auditor', 'admin'];

/** How long a sign-in's challenge waits for its code. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;

/** What a right password leads to, for this account. */
export type SecondFactorRequirement =
  /** A code is needed before any token: a challenge. */
  | 'challenge'
  /** A staff member without a confirmed second factor: a session for enrolment only. */
  | 'enrolment'
  /** A patient who has not turned it on: the session at once. */
  | 'none';

/** What proves the second factor at sign-in: a code of the app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

export interface Enrolment {
  otpauthUri: string;
  /** The secret in base32, for entering by hand. */
  secret: string;
}

export interface SecondFactorStatus {
  enrolled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

/**
 * The second factor: TOTP (RFC 6238) with recovery codes. Secrets are sealed by the
 * KeyService (a master-key rotation re-wraps them); recovery codes and challenge ids are
 * stored as digests only. A time step's code is accepted once, a recovery code once, a
 * challenge once; wrong codes are throttled per account (SecondFactorThrottle).
 */
@Injectable()
export class SecondFactorService {
  constructor(
    private readonly factors: SecondFactorRepository,
    private readonly throttle: SecondFactorThrottle,
    private readonly sessions: SessionsRepository,
    @Inject(KEY_SERVICE) private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  /** Whether the user's sign-in needs a code now, an enrolment first, or neither. */
  async requirementFor(user: UserEntity): Promise<SecondFactorRequirement> {
    if (await this.factors.isConfirmed(user.id)) return 'challenge';
    return SECOND_FACTOR_ROLES.includes(user.role) ? 'enrolment' : 'none';
  }

  async status(user: UserEntity): Promise<SecondFactorStatus> {
    const enrolled = await this.factors.isConfirmed(user.id);
    return {
      enrolled,
      required: SECOND_FACTOR_ROLES.includes(user.role),
      recoveryCodesLeft: enrolled ? await this.factors.countUnusedRecoveryCodes(user.id) : 0,
    };
  }

  /**
   * Starts (or starts again) an enrolment: a new secret, sealed at rest, replacing one not
   * yet confirmed. A confirmed second factor is not replaced here.
   */
  async startEnrolment(user: UserEntity): Promise<Enrolment> {
    const secret = newTotpSecret();
    try {
      const sealed = await this.keys.seal(secret, secondFactorContext(user.id));
      if (!(await this.factors.startEnrolment(user.id, sealed, this.clock.now())))
        throw new SecondFactorAlreadyEnrolledError('this account has a second factor already');
      return { otpauthUri: otpauthUri(secret, user.email), secret: base32Of(secret) };
    } finally {
      secret.fill(0);
    }
  }

  /**
   * Confirms the enrolment with a code of the app (throttled like sign-in codes; its time
   * step counts as used) and returns the recovery codes, which are stored as digests only
   * and never shown again. The caller's session, which has now shown both factors, reaches
   * every route of its role; the user's other sessions, opened with a password alone, end.
   */
  async confirmEnrolment(caller: AuthenticatedUser, code: string): Promise<string[]> {
    const userId = caller.id;
    const factor = await this.factors.find(userId);
    if (!factor || factor.confirmedAt) {
      if (factor) throw new SecondFactorAlreadyEnrolledError('this account has a second factor already');
      throw new NoSecondFactorEnrolmentError('start the enrolment first (POST /auth/second-factor)');
    }
    await this.throttle.claimAttempt(userId);
    const step = await this.matchingStep(factor, code);
    if (step === undefined) throw new WrongEnrolmentCodeError('the code is not right; enter the one the app shows now');
    await this.throttle.recordSuccess(userId);
    const codes = newRecoveryCodes();
    const digests = codes.map((recoveryCode) => recoveryCodeDigest(userId, recoveryCode));
    if (!(await this.factors.confirm(userId, factor.sealed.data, step, digests, this.clock.now())))
      throw new NoSecondFactorEnrolmentError('the enrolment changed meanwhile (started again elsewhere); start again');
    const now = this.clock.now();
    await this.sessions.endSecondFactorWait(caller.sessionId);
    await this.sessions.revokeOthersOfUser(userId, caller.sessionId, 'second factor enrolled', now);
    return codes;
  }

  /** A challenge for a user whose password was right: its id is returned once and stored as a digest. */
  async issueChallenge(userId: string): Promise<{ challengeId: string; expiresIn: number }> {
    const challengeId = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.factors.createChallenge(
      digest(challengeId),
      userId,
      now,
      new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000),
    );
    return { challengeId, expiresIn: CHALLENGE_TTL_SECONDS };
  }

  /**
   * Completes a sign-in: a live challenge and a right code (of a time step not used
   * before) or an unspent recovery code. Returns the user's id; the challenge is spent.
   * Wrong codes are throttled per account; the answer never says which part was wrong.
   */
  async redeemChallenge(challengeId: string, proof: SecondFactorProof): Promise<string> {
    const idHash = digest(challengeId);
    const userId = await this.factors.findLiveChallenge(idHash, this.clock.now());
    if (!userId) throw new InvalidSecondFactorChallengeError('this sign-in expired or was completed; sign in again');
    await this.throttle.claimAttempt(userId);
    if (!(await this.proves(userId, proof)))
      throw new InvalidSecondFactorCodeError('the code is wrong, expired or already used');
    await this.throttle.recordSuccess(userId);
    if (!(await this.factors.spendChallenge(idHash, this.clock.now())))
      throw new InvalidSecondFactorChallengeError('this sign-in expired or was completed; sign in again');
    return userId;
  }

  private async proves(userId: string, proof: SecondFactorProof): Promise<boolean> {
    if ('recoveryCode' in proof) {
      if (normaliseRecoveryCode(proof.recoveryCode).length === 0) return false;
      return this.factors.useRecoveryCode(userId, recoveryCodeDigest(userId, proof.recoveryCode), this.clock.now());
    }
    const factor = await this.factors.find(userId);
    if (!factor?.confirmedAt) return false;
    const step = await this.matchingStep(factor, proof.code);
    // The step is taken atomically: of two sign-ins with the same code, one gets through.
    return step !== undefined && (await this.factors.useTimeStep(userId, step));
  }

  private async matchingStep(factor: StoredSecondFactor, code: string): Promise<number | undefined> {
    const secret = await this.keys.open(factor.sealed, secondFactorContext(factor.userId));
    try {
      return matchingTimeStep(secret, code, this.clock.now(), factor.lastUsedStep);
    } finally {
      secret.fill(0);
    }
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();
