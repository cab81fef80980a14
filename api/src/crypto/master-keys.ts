import { createHash, randomBytes } from 'node:crypto';

/** A master key as configuration holds it: 32 bytes in base64. */
export const MASTER_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

/** One master key and its id (a key-encryption-key identifier, stored beside every value it seals). */
export interface MasterKey {
  readonly id: string;
  readonly secret: Buffer;
}

/**
 * The master keys a process holds: `current` seals, every key opens what it sealed. Outside
 * a rotation there is only `current`; during one, `previous` is the key being replaced.
 */
export interface MasterKeyring {
  readonly current: MasterKey;
  readonly previous?: MasterKey;
}

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/**
 * The id of a master key: `local:` and the first 64 bits of its SHA-256, so that a sealed
 * value names the key it needs (a digest of a random 256-bit key reveals nothing of it).
 */
export function masterKeyId(secret: Buffer): string {
  return `local:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

export function masterKeyFromBytes(secret: Buffer): MasterKey {
  if (secret.length !== 32) throw new MasterKeyError('a master key is 32 bytes');
  return { id: masterKeyId(secret), secret: Buffer.from(secret) };
}

/** Parses a base64 master key; the message of a refusal never contains the value. */
export function parseMasterKey(base64: string, name = 'MASTER_KEY'): MasterKey {
  if (!MASTER_KEY_PATTERN.test(base64)) throw new MasterKeyError(`${name} must be 32 bytes in base64`);
  return masterKeyFromBytes(Buffer.from(base64, 'base64'));
}

/** The keyring of MASTER_KEY and, during a rotation, MASTER_KEY_PREVIOUS (base64 each). */
export function masterKeyring(current: string, previous?: string): MasterKeyring {
  const ring = { current: parseMasterKey(current) };
  if (previous === undefined || previous === '') return ring;
  const older = parseMasterKey(previous, 'MASTER_KEY_PREVIOUS');
  if (older.id === ring.current.id) throw new MasterKeyError('MASTER_KEY_PREVIOUS must differ from MASTER_KEY');
  return { ...ring, previous: older };
}

/** The ids of every key of the ring, the current first. */
export function keyringIds(ring: MasterKeyring): string[] {
  return ring.previous ? [ring.current.id, ring.previous.id] : [ring.current.id];
}

/** A fresh random master key, in base64. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}
