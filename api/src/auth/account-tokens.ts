import { createHash, randomBytes } from 'node:crypto';

/**
 * What a one-time account link is for: choosing the first password of an account an admin
 * created (activation), or a new one after "forgot password" (password-reset).
 */
export const ACCOUNT_TOKEN_PURPOSES = ['activation', 'password-reset'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** A new link token: 32 random bytes (base64url, 43 characters) and the SHA-256 digest that is all the database keeps. */
export function newAccountToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: accountTokenDigest(token) };
}

/** The digest a presented token is looked up by. */
export const accountTokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** A link token as newAccountToken writes it: anything else is refused before any query. */
export const ACCOUNT_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
