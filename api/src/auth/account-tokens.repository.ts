import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { UserStatus } from '../users/user.entity.js';
import type { AccountTokenPurpose } from './account-tokens.js';

/** The account a usable link belongs to: enough to check the new password against the policy. */
export interface LinkHolder {
  userId: string;
  /** The account's address (PHI): for the password policy only. */
  email: string;
  status: UserStatus;
}

/**
 * One-time account links (table account_tokens), by the SHA-256 digest of their token:
 * the token itself is never stored here. Times are the database's (`now()`), so that every
 * API process judges an expiry alike.
 */
@Injectable()
export class AccountTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records a new link of the user for this purpose, valid `ttlSeconds` from now, inside the
   * caller's transaction; the user's older links of the purpose go (and with them the
   * unsent e-mail that carried one). Returns the expiry.
   */
  async issue(
    manager: EntityManager,
    link: { tokenHash: Buffer; userId: string; purpose: AccountTokenPurpose; ttlSeconds: number },
  ): Promise<Date> {
    await manager.query('DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2', [link.userId, link.purpose]);
    const [{ expiresAt }] = await manager.query<Array<{ expiresAt: Date }>>(
      `INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       RETURNING expires_at AS "expiresAt"`,
      [link.tokenHash, link.userId, link.purpose, link.ttlSeconds],
    );
    return expiresAt;
  }

  /** The holder of an unused, unexpired link of this purpose; null for any other token. */
  async findUsable(tokenHash: Buffer, purpose: AccountTokenPurpose): Promise<LinkHolder | null> {
    const [holder] = await this.dataSource.query<LinkHolder[]>(
      `SELECT u.id AS "userId", u.email, u.status
       FROM account_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()`,
      [tokenHash, purpose],
    );
    return holder ?? null;
  }

  /**
   * Spends a link, atomically: of two concurrent uses one gets the user's id, the other
   * (like a used, expired or unknown link) null.
   */
  async consume(manager: EntityManager, tokenHash: Buffer, purpose: AccountTokenPurpose): Promise<string | null> {
    const [rows] = await manager.query<[Array<{ userId: string }>, number]>(
      `UPDATE account_tokens SET used_at = now()
       WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id AS "userId"`,
      [tokenHash, purpose],
    );
    return rows[0]?.userId ?? null;
  }

  /** Whether a link of this purpose was issued to the user within the last `seconds`. */
  async issuedWithin(userId: string, purpose: AccountTokenPurpose, seconds: number): Promise<boolean> {
    const [recent] = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM account_tokens
       WHERE user_id = $1 AND purpose = $2 AND created_at > now() - make_interval(secs => $3)
       LIMIT 1`,
      [userId, purpose, seconds],
    );
    return recent !== undefined;
  }
}
