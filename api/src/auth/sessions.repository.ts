import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement.js';
import { RefreshTokenEntity, SessionEntity } from './session.entity.js';

export type RefreshOutcome =
  { kind: 'rotated'; session: SessionEntity } | { kind: 'reused'; sessionId: string } | { kind: 'unknown' };

/**
 * Every authenticated request asks whether its session lives, and whether its account is
 * active, in the same lookup (by primary keys): a suspension is refused from the next
 * request on, even for a session that a sign-in opened while the suspension was written.
 */
const FIND_LIVE_SESSION = new PreparedStatement<SessionEntity>(
  'sessions.find-live',
  `SELECT s.id, s.user_id AS "userId", s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt",
     s.expires_at AS "expiresAt", s.ip, s.user_agent AS "userAgent", s.revoked_at AS "revokedAt",
     s.revoked_reason AS "revokedReason", s.awaits_second_factor AS "awaitsSecondFactor"
   FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id = $1 AND s.revoked_at IS NULL AND u.status = 'active'`,
);

/** Queries of sessions and refresh tokens. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(session: SessionEntity, refreshTokenHash: Buffer): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(SessionEntity, session);
      await manager.insert(RefreshTokenEntity, {
        tokenHash: refreshTokenHash,
        sessionId: session.id,
        createdAt: session.createdAt,
        spentAt: null,
      });
    });
  }

  async findLive(id: string): Promise<SessionEntity | null> {
    const {
      rows: [session],
    } = await FIND_LIVE_SESSION.run(this.dataSource, [id]);
    return session ?? null;
  }

  listLive(userId: string, now: Date): Promise<SessionEntity[]> {
    return this.dataSource
      .getRepository(SessionEntity)
      .createQueryBuilder('session')
      .where('session.user_id = :userId AND session.revoked_at IS NULL AND session.expires_at > :now', { userId, now })
      .orderBy('session.last_seen_at', 'DESC')
      .getMany();
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(SessionEntity).update({ id }, { lastSeenAt: at });
  }

  /**
   * Spends a refresh token and records its successor, atomically: of two concurrent
   * refreshes with the same token, one rotates and the other is a reuse.
   */
  async rotate(presentedHash: Buffer, nextHash: Buffer, at: Date): Promise<RefreshOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const token = await manager
        .getRepository(RefreshTokenEntity)
        .createQueryBuilder('token')
        .setLock('pessimistic_write')
        .where('token.token_hash = :hash', { hash: presentedHash })
        .getOne();
      if (!token) return { kind: 'unknown' } as const;
      if (token.spentAt) return { kind: 'reused', sessionId: token.sessionId } as const;
      const session = await manager
        .getRepository(SessionEntity)
        .findOneBy({ id: token.sessionId, revokedAt: IsNull() });
      if (!session) return { kind: 'unknown' } as const;
      await manager.update(RefreshTokenEntity, { tokenHash: presentedHash }, { spentAt: at });
      await manager.insert(RefreshTokenEntity, {
        tokenHash: nextHash,
        sessionId: session.id,
        createdAt: at,
        spentAt: null,
      });
      await manager.update(SessionEntity, { id: session.id }, { lastSeenAt: at });
      return { kind: 'rotated', session } as const;
    });
  }

  async revoke(id: string, reason: string, at: Date, manager?: EntityManager): Promise<boolean> {
    const result = await (manager ?? this.dataSource.manager).update(
      SessionEntity,
      { id, revokedAt: IsNull() },
      { revokedAt: at, revokedReason: reason },
    );
    return (result.affected ?? 0) > 0;
  }

  /** The session's second factor is confirmed: it reaches every route of its role from now on. */
  async endSecondFactorWait(id: string): Promise<void> {
    await this.dataSource.getRepository(SessionEntity).update({ id }, { awaitsSecondFactor: false });
  }

  /** Ends every live session of the user but one. */
  async revokeOthersOfUser(
    userId: string,
    keptId: string,
    reason: string,
    at: Date,
    manager?: EntityManager,
  ): Promise<number> {
    const result = await (manager ?? this.dataSource.manager).update(
      SessionEntity,
      { userId, id: Not(keptId), revokedAt: IsNull() },
      { revokedAt: at, revokedReason: reason },
    );
    return result.affected ?? 0;
  }

  async revokeAllOfUser(userId: string, reason: string, at: Date, manager?: EntityManager): Promise<number> {
    const result = await (manager ?? this.dataSource.manager).update(
      SessionEntity,
      { userId, revokedAt: IsNull() },
      { revokedAt: at, revokedReason: reason },
    );
    return result.affected ?? 0;
  }
}
