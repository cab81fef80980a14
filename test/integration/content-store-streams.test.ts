import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContentStore } from '../../api/src/storage/content-store.port.js';
import { createContentStore } from '../../api/src/storage/create-content-store.js';

// The Kubo node of `bash scripts/ipfs.sh up`.
const kuboApiUrl = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';

/** 8 MiB in 64 KiB pieces. */
async function* content(): AsyncGenerator<Uint8Array> {
  for (let piece = 0; piece < 128; piece++) yield randomBytes(64 * 1024);
}

/**
 * ContentStore.openStreams, which `/metrics` shows: on either store, a read counts while it
 * is open and no longer once it ended, failed, was abandoned by its reader or aborted; an
 * add counts until it settles, a failed one included.
 */
describe.each(['kubo', 'helia'] as const)('open streams of the %s content store', (kind) => {
  let store: ContentStore;
  let heliaRepo: string | undefined;
  let cid: string;

  beforeAll(async () => {
    if (kind === 'helia') heliaRepo = await mkdtemp(join(tmpdir(), 'medledger-helia-'));
    store = await createContentStore(kind === 'kubo' ? { kind, kuboApiUrl } : { kind, heliaRepoPath: heliaRepo! });
    ({ cid } = await store.add(content(), { pin: false }));
  });

  afterAll(async () => {
    await store?.unpin(cid).catch(() => undefined);
    await store?.close();
    if (heliaRepo !== undefined) await rm(heliaRepo, { recursive: true, force: true });
  });

  it('counts a read until its reader abandons it', async () => {
    expect(store.openStreams()).toEqual({ reads: 0, writes: 0 });
    const reading = store.cat(cid)[Symbol.asyncIterator]();
    expect((await reading.next()).done).toBe(false);
    expect(store.openStreams().reads).toBe(1);
    await reading.return?.();
    expect(store.openStreams().reads).toBe(0);
  });

  it('counts a read until its signal aborts it', async () => {
    const transfer = new AbortController();
    const reading = store.cat(cid, { signal: transfer.signal })[Symbol.asyncIterator]();
    expect((await reading.next()).done).toBe(false);
    transfer.abort();
    await expect(
      (async () => {
        for (let next = await reading.next(); !next.done; next = await reading.next());
      })(),
    ).rejects.toThrow();
    expect(store.openStreams().reads).toBe(0);
  });

  it('counts a whole read until its end, and an add until it settles, a failed one too', async () => {
    let size = 0;
    for await (const chunk of store.cat(cid)) size += chunk.length;
    expect(size).toBe(8 * 1024 * 1024);
    expect(store.openStreams().reads).toBe(0);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = store.add(
      (async function* () {
        yield randomBytes(1024);
        await gate;
        throw new Error('the client went away');
      })(),
      { pin: false },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.openStreams().writes).toBe(1);
    release();
    await expect(failing).rejects.toThrow('the client went away');
    expect(store.openStreams()).toEqual({ reads: 0, writes: 0 });
  });
});
