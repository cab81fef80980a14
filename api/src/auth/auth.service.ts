import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { InvalidCredentialsError, InvalidRefreshTokenError, UnauthenticatedError } from './auth.errors.js';
import type { AccessTokenClaims, AuthenticatedUser } from './authenticated-user.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { type SecondFactorProof, SecondFactorService } from './second-factor.service.js';
import type { SessionEntity } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';

/** Where a request came from, for the session record and for throttling. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Seconds until the refresh token is of no more use: the session's absolute expiry. */
  refreshTokenExpiresIn: number;
  /** Seconds without activity (a request, a refresh) after which the session ends. */
  idleTimeoutSeconds: number;
  /** The session reaches second-factor enrolment and sign-out only, until the factor is confirmed. */
  secondFactorEnrolmentRequired: boolean;
}

/** What a right password gives: a session, or (the account has a second factor) a challenge first. */
export type LoginOutcome =
  | ({ secondFactorRequired: false; user: UserEntity } & TokenPair)
  | { secondFactorRequired: true; challengeId: string; expiresIn: number };

/** Last-seen times are written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Sign-in, sessions and tokens: short-lived JWT access tokens that carry the session id,
 * opaque single-use refresh tokens stored only as digests, and sessions that end on
 * logout, idle timeout, absolute timeout, suspension or refresh-token reuse.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly secondFactors: SecondFactorService,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the password. With a second factor, the answer is a challenge and no token
   * (loginWithSecondFactor completes it); a staff member without one gets a session that
   * reaches enrolment only; anyone else a session.
   */
  async login(email: string, password: string, client: ClientInfo): Promise<LoginOutcome> {
    // Counted as a failure from here on (atomically with the check) until the password matches.
    await this.throttle.claimAttempt(email, client.ip);
    const user = await this.users.findByEmail(email);
    // Verify even without an account (against a decoy hash) so that timing tells nothing.
    const matches = await this.passwords.verify(password, user?.passwordHash ?? null);
    if (!user || !matches || user.status !== 'active') {
      await this.throttle.recordFailure(email, client.ip);
      throw new InvalidCredentialsError('e-mail or password is wrong, or the account is not active');
    }
    await this.throttle.recordSuccess(email, client.ip);
    const requirement = await this.secondFactors.requirementFor(user);
    if (requirement === 'challenge')
      return { secondFactorRequired: true, ...(await this.secondFactors.issueChallenge(user.id)) };
    return {
      secondFactorRequired: false,
      ...(await this.startSession(user, client, requirement === 'enrolment')),
      user,
    };
  }

  /** Completes a sign-in that answered with a challenge: a session once the second factor is proved. */
  async loginWithSecondFactor(
    challengeId: string,
    proof: SecondFactorProof,
    client: ClientInfo,
  ): Promise<TokenPair & { user: UserEntity }> {
    const userId = await this.secondFactors.redeemChallenge(challengeId, proof);
    const user = await this.users.findById(userId);
    if (!user || user.status !== 'active') throw new InvalidCredentialsError('the account is not active');
    return { ...(await this.startSession(user, client, false)), user };
  }

  private async startSession(user: UserEntity, client: ClientInfo, awaitsSecondFactor: boolean): Promise<TokenPair> {
    const now = this.clock.now();
    const session: SessionEntity = {
      id: randomUUID(),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      revokedAt: null,
      revokedReason: null,
      awaitsSecondFactor,
    };
    const refreshToken = newRefreshToken();
    await this.sessions.create(session, digest(refreshToken));
    return this.tokensFor(user, session, refreshToken, now);
  }

  /**
   * Rotates a refresh token, which counts as activity: the session's idle clock starts
   * again (the rotation writes its last-seen time). A spent token presented again ends its
   * whole session.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.clock.now();
    const next = newRefreshToken();
    const outcome = await this.sessions.rotate(digest(refreshToken), digest(next), now);
    if (outcome.kind === 'reused') {
      await this.sessions.revoke(outcome.sessionId, 'refresh token reused', now);
      throw new InvalidRefreshTokenError('this refresh token was already used; the session has been ended');
    }
    if (outcome.kind === 'unknown') throw new InvalidRefreshTokenError('unknown or ended refresh token');
    const { session } = outcome;
    if (this.hasTimedOut(session, now)) {
      await this.sessions.revoke(session.id, 'timed out', now);
      throw new InvalidRefreshTokenError('the session timed out; sign in again');
    }
    const user = await this.users.findById(session.userId);
    if (!user || user.status !== 'active') throw new InvalidRefreshTokenError('the account is not active');
    return this.tokensFor(user, session, next, now);
  }

  /** Checks, for every authenticated request, that the token's session is still alive. */
  async authenticate(claims: AccessTokenClaims): Promise<AuthenticatedUser> {
    const now = this.clock.now();
    const session = await this.sessions.findLive(claims.sid);
    if (!session || session.userId !== claims.sub) throw new UnauthenticatedError('the session has ended');
    if (this.hasTimedOut(session, now)) {
      await this.sessions.revoke(session.id, 'timed out', now);
      throw new UnauthenticatedError('the session timed out');
    }
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await this.sessions.touch(session.id, now);
    return {
      id: claims.sub,
      role: claims.role,
      hospital: claims.hsp,
      sessionId: claims.sid,
      awaitsSecondFactor: session.awaitsSecondFactor,
    };
  }

  async logout(caller: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(caller.sessionId, 'logout', this.clock.now());
  }

  listSessions(caller: AuthenticatedUser): Promise<SessionEntity[]> {
    return this.sessions.listLive(caller.id, this.clock.now());
  }

  /** Ends one of the caller's own sessions; another user's session is "not found". */
  async endSession(caller: AuthenticatedUser, sessionId: string): Promise<boolean> {
    const session = await this.sessions.findLive(sessionId);
    if (!session || session.userId !== caller.id) return false;
    return this.sessions.revoke(sessionId, 'ended by the user', this.clock.now());
  }

  private hasTimedOut(session: SessionEntity, now: Date): boolean {
    const idleMs = this.config.SESSION_IDLE_TIMEOUT_SECONDS * 1000;
    return now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() > idleMs;
  }

  private async tokensFor(
    user: UserEntity,
    session: SessionEntity,
    refreshToken: string,
    now: Date,
  ): Promise<TokenPair> {
    const claims: AccessTokenClaims = { sub: user.id, sid: session.id, role: user.role, hsp: user.hospital };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      secret: this.config.JWT_SECRET,
      issuer: this.config.JWT_ISSUER,
      audience: this.config.JWT_AUDIENCE,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenExpiresIn: Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000)),
      idleTimeoutSeconds: this.config.SESSION_IDLE_TIMEOUT_SECONDS,
      secondFactorEnrolmentRequired: session.awaitsSecondFactor,
    };
  }
}

const newRefreshToken = () => randomBytes(32).toString('base64url');
const digest = (token: string) => createHash('sha256').update(token).digest();
