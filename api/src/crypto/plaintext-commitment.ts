/**
 * Digests of case-report content (architecture, invariant 4). The ledger never holds a bare
 * hash of plaintext — it could be tested against guessed contents forever, even after
 * erasure — but a salted commitment: HMAC-SHA-256 of the plaintext under a random
 * per-record 32-byte commitment key, kept off-chain in the record's key envelope (destroyed
 * with it). SHA-256 digests of plaintext (for the uploader and read headers) and of
 * ciphertext (for the ledger) are computed with the same streaming helpers. All digests
 * are lower-case hex.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export const COMMITMENT_KEY_LENGTH = 32;

/** A fresh per-record commitment key. */
export function generateCommitmentKey(): Buffer {
  return randomBytes(COMMITMENT_KEY_LENGTH);
}

type Bytes = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** HMAC-SHA-256 of the plaintext under `commitmentKey`, read as a stream; lower-case hex. */
export async function commitPlaintext(commitmentKey: Uint8Array, plaintext: Bytes): Promise<string> {
  const hmac = createHmac('sha256', requireCommitmentKey(commitmentKey));
  await feed(plaintext, (piece) => hmac.update(piece));
  return hmac.digest('hex');
}

/** SHA-256 of the bytes, read as a stream; lower-case hex. */
export async function sha256Hex(bytes: Bytes): Promise<string> {
  const hash = createHash('sha256');
  await feed(bytes, (piece) => hash.update(piece));
  return hash.digest('hex');
}

/**
 * Whether `actual` and `expected` are the same hex digest, compared in constant time
 * (case-insensitive; false for malformed or differently long input).
 */
export function digestsEqual(actual: string, expected: string): boolean {
  const hex = /^[0-9a-fA-F]{64}$/;
  if (!hex.test(actual) || !hex.test(expected)) return false;
  return timingSafeEqual(Buffer.from(actual, 'hex'), Buffer.from(expected, 'hex'));
}

export interface DigestTeeOptions {
  /** Compute the SHA-256 of the bytes (default true). */
  sha256?: boolean;
  /** Compute the commitment (HMAC-SHA-256) under this key. */
  commitmentKey?: Uint8Array;
}

export interface Digests {
  /** Bytes that passed. */
  size: number;
  sha256?: string;
  commitment?: string;
}

/**
 * A pass-through stream that digests the bytes crossing it, unchanged, with no buffering
 * of its own. Put it before the encryptor for the plaintext's SHA-256 and commitment, after
 * it for the ciphertext's SHA-256 and size; read `digests` once the stream finished.
 */
export class DigestTee extends Transform {
  private readonly hash?: Hash;
  private readonly hmac?: Hmac;
  private size = 0;
  private result?: Digests;

  constructor(options: DigestTeeOptions = {}) {
    super();
    if (options.sha256 ?? true) this.hash = createHash('sha256');
    if (options.commitmentKey !== undefined)
      this.hmac = createHmac('sha256', requireCommitmentKey(options.commitmentKey));
  }

  /** The digests of everything that passed; throws before the input ended. */
  get digests(): Digests {
    if (this.result === undefined) throw new Error('the digests are known once the stream finished');
    return this.result;
  }

  override _transform(piece: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!(piece instanceof Uint8Array)) return callback(new TypeError('expected bytes'));
    this.hash?.update(piece);
    this.hmac?.update(piece);
    this.size += piece.length;
    callback(null, piece);
  }

  override _flush(callback: TransformCallback): void {
    this.result = {
      size: this.size,
      ...(this.hash && { sha256: this.hash.digest('hex') }),
      ...(this.hmac && { commitment: this.hmac.digest('hex') }),
    };
    callback();
  }
}

export function createDigestTee(options?: DigestTeeOptions): DigestTee {
  return new DigestTee(options);
}

function requireCommitmentKey(key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== COMMITMENT_KEY_LENGTH)
    throw new RangeError(`a commitment key is ${COMMITMENT_KEY_LENGTH} bytes`);
  return key;
}

async function feed(bytes: Bytes, update: (piece: Uint8Array) => void): Promise<void> {
  if (bytes instanceof Uint8Array) return update(bytes);
  if (Symbol.asyncIterator in bytes) {
    for await (const piece of bytes) update(piece);
  } else {
    for (const piece of bytes) update(piece);
  }
}
