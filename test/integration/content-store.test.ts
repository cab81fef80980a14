import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import type { ContentStore } from '../../api/src/storage/content-store.port.js';
import { createContentStore } from '../../api/src/storage/create-content-store.js';
import { KuboContentStore } from '../../api/src/storage/kubo-content-store.js';
import { ContentNotFoundError, ContentStoreUnavailableError } from '../../api/src/storage/storage.errors.js';

// The Kubo node of `bash scripts/ipfs.sh up`.
const kuboApiUrl = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';

const CHUNK = 262_144;
const MAX_LINKS = 174;

/** Odd piece sizes, so that no piece boundary coincides with a chunk boundary. */
const PIECE_SIZES = [1, 65_537, 100_003, 7, 262_145, 31_337];

/**
 * `size` pseudo-random bytes from `seed` (xorshift32), streamed in odd-sized pieces: the same
 * seed and size always give the same bytes, without holding them all in memory.
 */
async function* deterministicBytes(seed: number, size: number): AsyncGenerator<Uint8Array> {
  let state = seed >>> 0 || 0x9e3779b9;
  let produced = 0;
  for (let piece = 0; produced < size; piece++) {
    const length = Math.min(PIECE_SIZES[piece % PIECE_SIZES.length], size - produced);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[i] = state & 0xff;
    }
    produced += length;
    yield bytes;
  }
}

/** An input named for the test report, with a seed of its own. */
interface Input {
  name: string;
  seed: number;
  size: number;
}

async function sha256Hex(stream: AsyncIterable<Uint8Array>): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { hex: hash.digest('hex'), size };
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A CID that no store has ever seen: the raw-block CID of 32 fresh random bytes. */
async function unknownCid(): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(randomBytes(32))).toString();
}

/** A loopback port on which nothing listens (taken from the kernel, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Kubo's own view of a pin, read straight from its RPC API rather than through the store. */
async function kuboHasRecursivePin(cid: string): Promise<boolean> {
  const response = await fetch(`${kuboApiUrl}/api/v0/pin/ls?arg=${cid}&type=recursive`, { method: 'POST' });
  return response.ok;
}

async function elapsedMs<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; ms: number }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([work()]);
  return { result, ms: performance.now() - started };
}

function rejection<T>(settled: PromiseSettledResult<T>): unknown {
  if (settled.status === 'fulfilled') throw new Error('expected a rejection, got a value');
  return settled.reason;
}

describe('content store: Kubo and embedded Helia give the same CIDs and behave alike', () => {
  let heliaRepo: string;
  let kubo: ContentStore;
  let helia: ContentStore;

  beforeAll(async () => {
    heliaRepo = await mkdtemp(join(tmpdir(), 'medledger-helia-'));
    kubo = await createContentStore({ kind: 'kubo', kuboApiUrl });
    helia = await createContentStore({ kind: 'helia', heliaRepoPath: heliaRepo });
    // Fail early and clearly when the node of scripts/ipfs.sh is not running.
    await kubo.ping();
  });

  afterAll(async () => {
    await kubo?.close();
    await helia?.close();
    if (heliaRepo !== undefined) await rm(heliaRepo, { recursive: true, force: true });
  });

  const inputs: Input[] = [
    { name: 'an empty input', seed: 1, size: 0 },
    { name: '10 KiB', seed: 2, size: 10 * 1024 },
    { name: 'exactly one chunk', seed: 3, size: CHUNK },
    { name: 'one chunk and one byte', seed: 4, size: CHUNK + 1 },
    { name: `more than ${MAX_LINKS} chunks (a two-level DAG)`, seed: 5, size: (MAX_LINKS + 1) * CHUNK + 123 },
  ];

  it.each(inputs)('stores $name under the same CID in both, and reads back the exact bytes', async ({ seed, size }) => {
    const expected = await sha256Hex(deterministicBytes(seed, size));

    const inKubo = await kubo.add(deterministicBytes(seed, size));
    const inHelia = await helia.add(deterministicBytes(seed, size));

    expect(inHelia).toEqual(inKubo);
    expect(inKubo.size).toBe(size);
    // A single chunk is one raw block (bafkrei…); more make a dag-pb root (bafybei…).
    expect(inKubo.cid).toMatch(size <= CHUNK ? /^bafkrei/ : /^bafybei/);

    expect(await sha256Hex(kubo.cat(inKubo.cid))).toEqual(expected);
    expect(await sha256Hex(helia.cat(inHelia.cid))).toEqual(expected);
  });

  it('returns the same bytes byte for byte for a small input', async () => {
    const original = await collect(deterministicBytes(6, 10 * 1024));
    const { cid } = await kubo.add(deterministicBytes(6, 10 * 1024));
    expect((await collect(kubo.cat(cid))).equals(original)).toBe(true);
    await helia.add(deterministicBytes(6, 10 * 1024));
    expect((await collect(helia.cat(cid))).equals(original)).toBe(true);
  });

  describe.each([
    ['Kubo', () => kubo],
    ['Helia', () => helia],
  ] as const)('%s', (_name, store) => {
    it('holds and pins what it added; pin and unpin are idempotent', async () => {
      // Fresh bytes each run, so no earlier run's blocks or pins are involved.
      const seed = randomBytes(4).readUInt32LE();
      const { cid } = await store().add(deterministicBytes(seed, 3 * CHUNK + 5));

      expect(await store().has(cid)).toBe(true);
      if (store().kind === 'kubo') expect(await kuboHasRecursivePin(cid)).toBe(true);

      await store().pin(cid);
      await store().pin(cid);
      await store().unpin(cid);
      await store().unpin(cid);
      if (store().kind === 'kubo') expect(await kuboHasRecursivePin(cid)).toBe(false);

      await store().pin(cid);
      if (store().kind === 'kubo') expect(await kuboHasRecursivePin(cid)).toBe(true);
      await store().unpin(cid);
    });

    it('answers quickly that it does not have a CID it never stored', async () => {
      const cid = await unknownCid();

      const has = await elapsedMs(() => store().has(cid));
      expect(has.result).toEqual({ status: 'fulfilled', value: false });
      expect(has.ms).toBeLessThan(2_000);

      const cat = await elapsedMs(() => collect(store().cat(cid)));
      expect(rejection(cat.result)).toBeInstanceOf(ContentNotFoundError);
      expect(cat.ms).toBeLessThan(2_000);

      await expect(store().pin(cid)).rejects.toBeInstanceOf(ContentNotFoundError);
      await expect(store().unpin(cid)).resolves.toBeUndefined();
      await expect(store().has('not-a-cid')).resolves.toBe(false);
    });

    it('fails an add with the error of its source, not with a stored truncated file', async () => {
      const sourceFailure = new Error('upload interrupted');
      async function* interrupted(): AsyncGenerator<Uint8Array> {
        yield* deterministicBytes(7, 2 * CHUNK);
        throw sourceFailure;
      }
      await expect(store().add(interrupted())).rejects.toBe(sourceFailure);
    });

    it('answers ping while it runs', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });

  it('keeps blocks of the embedded node across a restart', async () => {
    const { cid } = await helia.add(deterministicBytes(8, CHUNK + 10));
    await helia.close();
    helia = await createContentStore({ kind: 'helia', heliaRepoPath: heliaRepo });
    expect(await helia.has(cid)).toBe(true);
    expect(await sha256Hex(helia.cat(cid))).toEqual(await sha256Hex(deterministicBytes(8, CHUNK + 10)));
  });

  describe('Kubo that does not answer', () => {
    let unreachable: ContentStore;

    beforeAll(async () => {
      unreachable = await createContentStore({ kind: 'kubo', kuboApiUrl: `http://127.0.0.1:${await deadPort()}` });
    });

    afterAll(() => unreachable.close());

    it('is reported unavailable by ping, add, has and cat', async () => {
      await expect(unreachable.ping()).rejects.toBeInstanceOf(ContentStoreUnavailableError);
      await expect(unreachable.add(deterministicBytes(9, 1024))).rejects.toBeInstanceOf(ContentStoreUnavailableError);
      const cid = await unknownCid();
      await expect(unreachable.has(cid)).rejects.toBeInstanceOf(ContentStoreUnavailableError);
      await expect(collect(unreachable.cat(cid))).rejects.toBeInstanceOf(ContentStoreUnavailableError);
      await expect(unreachable.pin(cid)).rejects.toBeInstanceOf(ContentStoreUnavailableError);
      await expect(unreachable.unpin(cid)).rejects.toBeInstanceOf(ContentStoreUnavailableError);
    });
  });

  describe('Kubo that accepts connections and never answers', () => {
    const held: Socket[] = [];
    let silent: Server;
    let hanging: ContentStore;

    beforeAll(async () => {
      silent = createServer((socket) => held.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      hanging = new KuboContentStore({
        apiUrl: `http://127.0.0.1:${address.port}`,
        requestTimeoutMs: 500,
        pingTimeoutMs: 300,
      });
    });

    afterAll(async () => {
      await hanging.close();
      held.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('is reported unavailable once the deadline of ping or has passed', async () => {
      const ping = await elapsedMs(() => hanging.ping());
      expect(rejection(ping.result)).toBeInstanceOf(ContentStoreUnavailableError);
      expect(ping.ms).toBeLessThan(2_000);

      const has = await elapsedMs(async () => hanging.has(await unknownCid()));
      expect(rejection(has.result)).toBeInstanceOf(ContentStoreUnavailableError);
      expect(has.ms).toBeLessThan(2_000);
    });
  });
});
