import { Injectable } from '@nestjs/common';
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const argon2Async = promisify(argon2);

/** OWASP's first recommended argon2id configuration: 19 MiB of memory, 2 passes, 1 lane. */
export const ARGON2ID_PARAMETERS = { memory: 19456, passes: 2, parallelism: 1, tagLength: 32 } as const;

/**
 * argon2id password hashes in the PHC string format
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), with Node's own implementation.
 */
@Injectable()
export class PasswordHasher {
  /** A hash of a password that no account has: verified against when the e-mail is unknown, so timing tells nothing. */
  private readonly decoy: Promise<string> = this.hash(randomBytes(24).toString('base64'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const tag = await argon2Async('argon2id', { message: password, nonce: salt, ...ARGON2ID_PARAMETERS });
    const { memory, passes, parallelism } = ARGON2ID_PARAMETERS;
    return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(tag)}`;
  }

  /** Whether the password matches; with no hash (unknown account) it spends the same time and answers false. */
  async verify(password: string, encoded: string | null): Promise<boolean> {
    const parsed = parsePhc(encoded ?? (await this.decoy));
    if (!parsed) return false;
    const tag = await argon2Async('argon2id', {
      message: password,
      nonce: parsed.salt,
      memory: parsed.memory,
      passes: parsed.passes,
      parallelism: parsed.parallelism,
      tagLength: parsed.tag.length,
    });
    return encoded !== null && timingSafeEqual(tag, parsed.tag);
  }
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function parsePhc(encoded: string) {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!match) return undefined;
  return {
    memory: Number(match[1]),
    passes: Number(match[2]),
    parallelism: Number(match[3]),
    salt: Buffer.from(match[4], 'base64'),
    tag: Buffer.from(match[5], 'base64'),
  };
}
