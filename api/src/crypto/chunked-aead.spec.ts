import { createDecipheriv, randomBytes } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error.js';
import {
  CHUNK_SIZE,
  CHUNKED_AEAD_SCHEME,
  HEADER_LENGTH,
  IntegrityError,
  TAG_LENGTH,
  ciphertextLength,
  createDecryptor,
  createEncryptor,
  generateDataKey,
  maxPlaintextLength,
} from './chunked-aead.js';

const RECORD = CHUNK_SIZE + TAG_LENGTH;

/** Deterministic piece sizes (mulberry32), so that a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts bytes into pieces of mixed sizes: single bytes, small, about a chunk, several chunks. */
function pieces(bytes: Buffer, seed: number): Buffer[] {
  const next = random(seed);
  const shapes = [() => 1, () => 1 + Math.floor(next() * 100), () => CHUNK_SIZE - 8 + Math.floor(next() * 40)];
  shapes.push(() => 1 + Math.floor(next() * 3 * CHUNK_SIZE));
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const size = shapes[Math.floor(next() * shapes.length)]();
    out.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

async function collect(source: Buffer[], transform: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(source), transform, async (stream: AsyncIterable<Buffer>) => {
    for await (const piece of stream) out.push(piece);
  });
  return Buffer.concat(out);
}

async function encrypt(key: Buffer, plaintext: Buffer, seed = 1): Promise<Buffer> {
  return collect(pieces(plaintext, seed), createEncryptor(key));
}

/** Decrypts, recording every byte the decryptor let out before it failed (if it did). */
async function decrypt(key: Buffer, ciphertext: Buffer, seed = 2): Promise<{ emitted: Buffer; error?: unknown }> {
  const decryptor = createDecryptor(key);
  const out: Buffer[] = [];
  decryptor.on('data', (piece: Buffer) => out.push(piece));
  try {
    await pipeline(Readable.from(pieces(ciphertext, seed)), decryptor);
    return { emitted: Buffer.concat(out) };
  } catch (error) {
    return { emitted: Buffer.concat(out), error };
  }
}

/** Offset of chunk `index` in a record. */
const chunkAt = (index: number) => HEADER_LENGTH + index * RECORD;

describe('chunked AES-256-GCM (aes-256-gcm-chunked-v1)', () => {
  const key = generateDataKey();

  it('names the scheme the ledger accepts and makes 32-byte data keys', () => {
    expect(CHUNKED_AEAD_SCHEME).toBe('aes-256-gcm-chunked-v1');
    expect(generateDataKey()).toHaveLength(32);
    expect(generateDataKey().equals(generateDataKey())).toBe(false);
    expect(() => createEncryptor(randomBytes(16))).toThrow(RangeError);
    expect(() => createDecryptor(randomBytes(31))).toThrow(RangeError);
  });

  describe.each([0, 1, 65535, 65536, 65537, 3 * 65536, 1024 * 1024 + 17])('round trip of %i bytes', (size) => {
    const plaintext = randomBytes(size);

    it.each([11, 23, 47])('fed in random pieces (seed %i)', async (seed) => {
      const ciphertext = await encrypt(key, plaintext, seed);
      expect(ciphertext.length).toBe(ciphertextLength(size));
      expect(maxPlaintextLength(ciphertext.length)).toBe(size);
      const { emitted, error } = await decrypt(key, ciphertext, seed + 1);
      expect(error).toBeUndefined();
      expect(emitted.equals(plaintext)).toBe(true);
    });

    it('matches an independent reading of the documented layout', async () => {
      const ciphertext = await encrypt(key, plaintext);
      expect(referenceDecrypt(key, ciphertext).equals(plaintext)).toBe(true);
    });
  });

  it('makes one empty final chunk of an empty plaintext', async () => {
    const ciphertext = await collect([], createEncryptor(key));
    expect(ciphertext).toHaveLength(HEADER_LENGTH + TAG_LENGTH);
    expect((await decrypt(key, ciphertext)).emitted).toHaveLength(0);
  });

  it('streams with one chunk of look-ahead, on both sides', async () => {
    const plaintext = randomBytes(2 * CHUNK_SIZE + 5);
    const encryptor = createEncryptor(key);
    const sealed: Buffer[] = [];
    encryptor.on('data', (piece: Buffer) => sealed.push(piece));
    encryptor.write(plaintext.subarray(0, CHUNK_SIZE));
    expect(Buffer.concat(sealed)).toHaveLength(HEADER_LENGTH); // chunk 0 may still be the last
    encryptor.write(plaintext.subarray(CHUNK_SIZE, CHUNK_SIZE + 1));
    expect(Buffer.concat(sealed)).toHaveLength(HEADER_LENGTH + RECORD);
    encryptor.end(plaintext.subarray(CHUNK_SIZE + 1));
    await new Promise((resolve) => encryptor.on('end', resolve));
    const ciphertext = Buffer.concat(sealed);

    const decryptor = createDecryptor(key);
    const opened: Buffer[] = [];
    decryptor.on('data', (piece: Buffer) => opened.push(piece));
    decryptor.write(ciphertext.subarray(0, chunkAt(1)));
    expect(Buffer.concat(opened)).toHaveLength(0);
    decryptor.write(ciphertext.subarray(chunkAt(1), chunkAt(1) + 1));
    expect(Buffer.concat(opened).equals(plaintext.subarray(0, CHUNK_SIZE))).toBe(true);
    decryptor.end(ciphertext.subarray(chunkAt(1) + 1));
    await new Promise((resolve) => decryptor.on('end', resolve));
    expect(Buffer.concat(opened).equals(plaintext)).toBe(true);
  });

  it.each(['encrypt', 'decrypt'])('holds about one chunk in memory behind a slow reader (%s)', async (direction) => {
    const plaintext = randomBytes(40 * CHUNK_SIZE);
    const [transform, input] =
      direction === 'encrypt'
        ? [createEncryptor(key), plaintext]
        : [createDecryptor(key), await encrypt(key, plaintext)];
    let held = 0;
    await pipeline(Readable.from(pieces(input, 9)), transform, async (stream: AsyncIterable<Buffer>) => {
      for await (const piece of stream) {
        held = Math.max(held, transform.readableLength + transform.writableLength + piece.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    // What the stream holds: queued input pieces (up to 3 chunks each here) and pushed chunks.
    expect(held).toBeLessThanOrEqual(8 * RECORD);
  });

  it('never repeats a nonce: across the chunks of a record and across two records', async () => {
    const plaintext = randomBytes(5 * CHUNK_SIZE);
    const [first, second] = [await encrypt(key, plaintext), await encrypt(key, plaintext)];
    const nonces = [...nonceList(first), ...nonceList(second)];
    expect(nonces).toHaveLength(10);
    expect(new Set(nonces.map((nonce) => nonce.toString('hex'))).size).toBe(10);
    expect(first.equals(second)).toBe(false);
    expect(first.subarray(chunkAt(0), chunkAt(1)).equals(second.subarray(chunkAt(0), chunkAt(1)))).toBe(false);
  });

  it('computes ciphertext lengths and their inverse', () => {
    expect(ciphertextLength(0)).toBe(36);
    expect(ciphertextLength(1)).toBe(37);
    expect(ciphertextLength(CHUNK_SIZE)).toBe(HEADER_LENGTH + RECORD);
    expect(ciphertextLength(CHUNK_SIZE + 1)).toBe(HEADER_LENGTH + RECORD + TAG_LENGTH + 1);
    expect(ciphertextLength(100 * 1024 * 1024)).toBe(100 * 1024 * 1024 + HEADER_LENGTH + 1600 * TAG_LENGTH);
    const next = random(5);
    for (let i = 0; i < 2000; i += 1) {
      const size = Math.floor(next() * 10 * CHUNK_SIZE);
      expect(maxPlaintextLength(ciphertextLength(size))).toBe(size);
      // A length between two valid ones: the largest plaintext that fits.
      const bound = ciphertextLength(size) + Math.floor(next() * TAG_LENGTH);
      const fits = maxPlaintextLength(bound);
      expect(ciphertextLength(fits)).toBeLessThanOrEqual(bound);
      expect(ciphertextLength(fits + 1)).toBeGreaterThan(bound);
    }
    expect(() => maxPlaintextLength(35)).toThrow(RangeError);
    expect(() => ciphertextLength(-1)).toThrow(RangeError);
  });

  describe('refuses altered content with IntegrityError, releasing only the verified chunks before', () => {
    // Four chunks: 0, 1, 2 full and a short final chunk 3.
    const plaintext = randomBytes(3 * CHUNK_SIZE + 100);
    let ciphertext: Buffer;
    beforeAll(async () => {
      ciphertext = await encrypt(key, plaintext);
    });

    const chunk = (index: number) =>
      ciphertext.subarray(chunkAt(index), Math.min(chunkAt(index + 1), ciphertext.length));
    const header = () => ciphertext.subarray(0, HEADER_LENGTH);
    const flip = (bytes: Buffer, at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] ^= 0x01;
      return copy;
    };

    async function expectRefused(altered: Buffer, failingChunk: number, reason: string, dataKey = key) {
      for (const seed of [3, 4]) {
        const { emitted, error } = await decrypt(dataKey, altered, seed);
        expect(error).toBeInstanceOf(IntegrityError);
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'INTEGRITY_FAILED', status: 422, reason });
        expect(emitted.equals(plaintext.subarray(0, failingChunk * CHUNK_SIZE))).toBe(true);
      }
    }

    it('a flipped bit in a chunk', async () => {
      await expectRefused(flip(ciphertext, chunkAt(2) + 1000), 2, 'chunk-rejected');
    });

    it('a flipped bit in a tag', async () => {
      await expectRefused(flip(ciphertext, chunkAt(3) - 1), 2, 'chunk-rejected');
    });

    it('a flipped bit in the final chunk', async () => {
      await expectRefused(flip(ciphertext, ciphertext.length - 20), 3, 'chunk-rejected');
    });

    it('two chunks swapped', async () => {
      await expectRefused(Buffer.concat([header(), chunk(0), chunk(2), chunk(1), chunk(3)]), 1, 'chunk-rejected');
    });

    it('a chunk dropped', async () => {
      await expectRefused(Buffer.concat([header(), chunk(0), chunk(2), chunk(3)]), 1, 'chunk-rejected');
    });

    it('a chunk repeated', async () => {
      await expectRefused(
        Buffer.concat([header(), chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)]),
        2,
        'chunk-rejected',
      );
    });

    it('truncated at a chunk boundary (no final chunk)', async () => {
      await expectRefused(ciphertext.subarray(0, chunkAt(3)), 2, 'chunk-rejected');
      await expectRefused(ciphertext.subarray(0, chunkAt(1)), 0, 'chunk-rejected');
    });

    it('truncated inside a chunk', async () => {
      await expectRefused(ciphertext.subarray(0, ciphertext.length - 1), 3, 'chunk-rejected');
      await expectRefused(ciphertext.subarray(0, chunkAt(2) + 5), 2, 'truncated');
    });

    it('truncated to the header, inside the header, or to nothing', async () => {
      await expectRefused(header(), 0, 'truncated');
      await expectRefused(ciphertext.subarray(0, HEADER_LENGTH - 1), 0, 'truncated');
      await expectRefused(Buffer.alloc(0), 0, 'truncated');
    });

    it('data after the final chunk', async () => {
      await expectRefused(Buffer.concat([ciphertext, Buffer.from([0])]), 3, 'chunk-rejected');
      await expectRefused(Buffer.concat([ciphertext, chunk(0)]), 3, 'chunk-rejected');
      // A final chunk of full size read as non-final once anything follows it.
      const exact = randomBytes(2 * CHUNK_SIZE);
      const sealed = await encrypt(key, exact);
      for (const extra of [Buffer.from([0]), sealed.subarray(chunkAt(1))]) {
        const { emitted, error } = await decrypt(key, Buffer.concat([sealed, extra]));
        expect(error).toMatchObject({ code: 'INTEGRITY_FAILED', chunkIndex: 1 });
        expect(emitted.equals(exact.subarray(0, CHUNK_SIZE))).toBe(true);
      }
    });

    it('chunks or headers swapped between two records (even under one key)', async () => {
      const other = await encrypt(key, plaintext);
      const otherChunk = other.subarray(chunkAt(1), chunkAt(2));
      await expectRefused(Buffer.concat([header(), chunk(0), otherChunk, chunk(2), chunk(3)]), 1, 'chunk-rejected');
      await expectRefused(
        Buffer.concat([other.subarray(0, HEADER_LENGTH), ciphertext.subarray(HEADER_LENGTH)]),
        0,
        'chunk-rejected',
      );
    });

    it('an altered header', async () => {
      await expectRefused(flip(ciphertext, 0), 0, 'bad-header'); // magic
      await expectRefused(flip(ciphertext, 4), 0, 'bad-header'); // version
      await expectRefused(flip(ciphertext, 5), 0, 'bad-header'); // algorithm
      await expectRefused(flip(ciphertext, 7), 0, 'bad-header'); // reserved
      await expectRefused(flip(ciphertext, 10), 0, 'bad-header'); // chunk size
      await expectRefused(flip(ciphertext, 15), 0, 'chunk-rejected'); // nonce prefix
    });

    it('a wrong key', async () => {
      await expectRefused(ciphertext, 0, 'chunk-rejected', generateDataKey());
    });
  });
});

/** Nonces of a record's chunks, as the format documents them: prefix ‖ uint32(index). */
function nonceList(record: Buffer): Buffer[] {
  const chunks = Math.max(1, Math.ceil((record.length - HEADER_LENGTH) / RECORD));
  return Array.from({ length: chunks }, (_, index) => {
    const nonce = Buffer.alloc(12);
    record.copy(nonce, 0, 12, 20);
    nonce.writeUInt32BE(index, 8);
    return nonce;
  });
}

/** Reads a record one-shot from the documented layout, with no code of the module under test. */
function referenceDecrypt(key: Buffer, record: Buffer): Buffer {
  const header = record.subarray(0, 20);
  expect(header.subarray(0, 4).toString('latin1')).toBe('MLEC');
  expect([header[4], header[5], header.readUInt16BE(6), header.readUInt32BE(8)]).toEqual([1, 1, 0, 65536]);
  const nonces = nonceList(record);
  return Buffer.concat(
    nonces.map((nonce, index) => {
      const body = record.subarray(20 + index * 65552, Math.min(20 + (index + 1) * 65552, record.length));
      const aad = Buffer.alloc(25);
      header.copy(aad);
      aad.writeUInt32BE(index, 20);
      aad[24] = index === nonces.length - 1 ? 1 : 0;
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(aad);
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    }),
  );
}
