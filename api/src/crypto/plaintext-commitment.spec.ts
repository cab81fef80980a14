import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ciphertextLength, createDecryptor, createEncryptor, generateDataKey } from './chunked-aead.js';
import {
  commitPlaintext,
  createDigestTee,
  digestsEqual,
  generateCommitmentKey,
  sha256Hex,
} from './plaintext-commitment.js';

/** The bytes in pieces of 1 to 70 000 bytes. */
function* pieces(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0, step = 1; offset < bytes.length; offset += step, step = (step * 7919 + 13) % 70000 || 1)
    yield bytes.subarray(offset, offset + step);
}

async function* streamed(bytes: Buffer): AsyncGenerator<Buffer> {
  yield* pieces(bytes);
}

describe('plaintext commitment and digests', () => {
  const plaintext = randomBytes(300_001);

  it('commits with HMAC-SHA-256 under the per-record key, streamed, as a one-shot HMAC would', async () => {
    const key = generateCommitmentKey();
    const expected = createHmac('sha256', key).update(plaintext).digest('hex');
    await expect(commitPlaintext(key, streamed(plaintext))).resolves.toBe(expected);
    await expect(commitPlaintext(key, [...pieces(plaintext)])).resolves.toBe(expected);
    await expect(commitPlaintext(key, plaintext)).resolves.toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives another commitment under another key, and none equal to the bare SHA-256', async () => {
    const [first, second] = [generateCommitmentKey(), generateCommitmentKey()];
    expect(first).toHaveLength(32);
    const a = await commitPlaintext(first, streamed(plaintext));
    const b = await commitPlaintext(second, streamed(plaintext));
    expect(a).not.toBe(b);
    expect(a).not.toBe(createHash('sha256').update(plaintext).digest('hex'));
  });

  it('refuses a commitment key that is not 32 bytes', async () => {
    await expect(commitPlaintext(randomBytes(16), plaintext)).rejects.toThrow(RangeError);
    expect(() => createDigestTee({ commitmentKey: randomBytes(31) })).toThrow(RangeError);
  });

  it('hashes a stream with SHA-256, lower-case hex', async () => {
    const expected = createHash('sha256').update(plaintext).digest('hex');
    await expect(sha256Hex(streamed(plaintext))).resolves.toBe(expected);
    await expect(sha256Hex(Readable.from(pieces(plaintext)))).resolves.toBe(expected);
    await expect(sha256Hex(Buffer.alloc(0))).resolves.toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('compares digests in constant time, ignoring case, refusing malformed ones', () => {
    const digest = createHash('sha256').update('x').digest('hex');
    expect(digestsEqual(digest, digest)).toBe(true);
    expect(digestsEqual(digest.toUpperCase(), digest)).toBe(true);
    expect(digestsEqual(digest, createHash('sha256').update('y').digest('hex'))).toBe(false);
    expect(digestsEqual(digest.slice(2), digest.slice(2))).toBe(false);
    expect(digestsEqual(`${digest.slice(1)}g`, `${digest.slice(1)}g`)).toBe(false);
  });

  it('tees: passes the bytes unchanged and digests them on the way (plaintext and ciphertext sides of an upload)', async () => {
    const commitmentKey = generateCommitmentKey();
    const dataKey = generateDataKey();
    const plain = createDigestTee({ commitmentKey });
    const cipher = createDigestTee();
    expect(() => plain.digests).toThrow(/finished/);
    const stored: Buffer[] = [];
    await pipeline(Readable.from(pieces(plaintext)), plain, createEncryptor(dataKey), cipher, async (source) => {
      for await (const piece of source) stored.push(piece);
    });
    const ciphertext = Buffer.concat(stored);
    expect(plain.digests).toEqual({
      size: plaintext.length,
      sha256: createHash('sha256').update(plaintext).digest('hex'),
      commitment: createHmac('sha256', commitmentKey).update(plaintext).digest('hex'),
    });
    expect(cipher.digests).toEqual({
      size: ciphertextLength(plaintext.length),
      sha256: createHash('sha256').update(ciphertext).digest('hex'),
    });

    // The read side: decrypt, recompute the commitment, compare with the ledger's.
    const read = createDigestTee({ commitmentKey, sha256: false });
    const opened: Buffer[] = [];
    await pipeline(Readable.from(pieces(ciphertext)), createDecryptor(dataKey), read, async (source) => {
      for await (const piece of source) opened.push(piece);
    });
    expect(Buffer.concat(opened).equals(plaintext)).toBe(true);
    expect(read.digests.sha256).toBeUndefined();
    expect(digestsEqual(read.digests.commitment as string, plain.digests.commitment as string)).toBe(true);
  });
});
