import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { SealedSecret } from '../crypto/key-service.port.js';

/** A user's second factor as stored: the sealed TOTP secret and where its use stands. */
export interface StoredSecondFactor {
  userId: string;
  sealed: SealedSecret;
  createdAt: Date;
  /** Null while the enrolment awaits its first code. */
  confirmedAt: Date | null;
  /** The last time step whose code was accepted. */
  lastUsedStep: number | null;
}

/**
 * Queries of `user_second_factors`, `second_factor_recovery_codes` and
 * `second_factor_challenges`. Every "once" (a time step, a recovery code, a challenge) is
 * one conditional UPDATE: of two concurrent uses, one wins.
 */
@Injectable()
export class SecondFactorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<StoredSecondFactor | null> {
    const [row] = await this.dataSource.query<
      Array<{
        sealed_secret: Buffer;
        key_id: string;
        created_at: Date;
        confirmed_at: Date | null;
        last_used_step: string | null;
      }>
    >(
      `SELECT sealed_secret, key_id, created_at, confirmed_at, last_used_step
         FROM user_second_factors WHERE user_id = $1`,
      [userId],
    );
    if (!row) return null;
    return {
      userId,
      sealed: { keyId: row.key_id, data: row.sealed_secret },
      createdAt: row.created_at,
      confirmedAt: row.confirmed_at,
      lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    };
  }

  /** Whether the user has a confirmed second factor. */
  async isConfirmed(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM user_second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL',
      [userId],
    );
    return rows.length > 0;
  }

  /**
   * Stores a new unconfirmed secret, in place of an unconfirmed one; false (and nothing
   * changed) when the user's second factor is confirmed.
   */
  async startEnrolment(userId: string, sealed: SealedSecret, now: Date): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO user_second_factors AS factor (user_id, sealed_secret, key_id, created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE
         SET sealed_secret = excluded.sealed_secret, key_id = excluded.key_id, created_at = excluded.created_at,
           last_used_step = NULL
         WHERE factor.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, sealed.data, sealed.keyId, now.toISOString()],
    );
    return rows.length > 0;
  }

  /**
   * Confirms the enrolment whose secret is `sealedData` (not one that replaced it since) with
   * the time step of its first code, and replaces the user's recovery codes by these
   * digests, in one transaction. False when there was no such unconfirmed enrolment.
   */
  async confirm(
    userId: string,
    sealedData: Buffer,
    step: number,
    recoveryCodeDigests: Buffer[],
    now: Date,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const confirmed = await manager.query<unknown[]>(
        `UPDATE user_second_factors SET confirmed_at = $3, last_used_step = $4
          WHERE user_id = $1 AND sealed_secret = $2 AND confirmed_at IS NULL
          RETURNING user_id`,
        [userId, sealedData, now.toISOString(), step],
      );
      // RETURNING of an UPDATE comes back as [rows, count] through the pg driver of TypeORM.
      if (rowsOf(confirmed).length === 0) return false;
      await manager.query('DELETE FROM second_factor_recovery_codes WHERE user_id = $1', [userId]);
      await manager.query(
        `INSERT INTO second_factor_recovery_codes (user_id, code_hash)
         SELECT $1, unnest($2::bytea[])`,
        [userId, recoveryCodeDigests],
      );
      return true;
    });
  }

  /** Accepts a time step of the user's confirmed factor once: false when it (or a later one) was accepted already. */
  async useTimeStep(userId: string, step: number): Promise<boolean> {
    const result = await this.dataSource.query<unknown[]>(
      `UPDATE user_second_factors SET last_used_step = $2
        WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
        RETURNING user_id`,
      [userId, step],
    );
    return rowsOf(result).length > 0;
  }

  /** Spends one of the user's recovery codes: false when it is not one of theirs or was spent. */
  async useRecoveryCode(userId: string, digest: Buffer, now: Date): Promise<boolean> {
    const result = await this.dataSource.query<unknown[]>(
      `UPDATE second_factor_recovery_codes SET used_at = $3
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
        RETURNING user_id`,
      [userId, digest, now.toISOString()],
    );
    return rowsOf(result).length > 0;
  }

  async countUnusedRecoveryCodes(userId: string): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ count: string }>>(
      'SELECT count(*) AS count FROM second_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
      [userId],
    );
    return Number(row?.count ?? 0);
  }

  /** Records a challenge (by the digest of its id); forgets challenges that expired before now. */
  async createChallenge(idHash: Buffer, userId: string, now: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM second_factor_challenges WHERE expires_at <= $1', [now.toISOString()]);
    await this.dataSource.query(
      `INSERT INTO second_factor_challenges (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
      [idHash, userId, now.toISOString(), expiresAt.toISOString()],
    );
  }

  /** The user of a challenge that is neither spent nor expired. */
  async findLiveChallenge(idHash: Buffer, now: Date): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ user_id: string }>>(
      `SELECT user_id FROM second_factor_challenges WHERE id_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [idHash, now.toISOString()],
    );
    return row?.user_id ?? null;
  }

  /** Spends a live challenge: false when it was spent (by a concurrent sign-in) or expired. */
  async spendChallenge(idHash: Buffer, now: Date): Promise<boolean> {
    const result = await this.dataSource.query<unknown[]>(
      `UPDATE second_factor_challenges SET used_at = $2
        WHERE id_hash = $1 AND used_at IS NULL AND expires_at > $2
        RETURNING id_hash`,
      [idHash, now.toISOString()],
    );
    return rowsOf(result).length > 0;
  }
}

/**
 * The rows of an UPDATE … RETURNING: TypeORM's PostgreSQL driver answers `[rows, count]`
 * for an UPDATE, the rows alone for an INSERT or a SELECT.
 */
function rowsOf(result: unknown[]): unknown[] {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
    ? (result[0] as unknown[])
    : result;
}
