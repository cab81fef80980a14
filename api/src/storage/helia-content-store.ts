import { access, constants, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unixfs, type UnixFS } from '@helia/unixfs';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { createHeliaLight, type GraphNode, type GraphWalkerFactory, type Helia } from 'helia';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { createUnsafe } from 'multiformats/block';
import { CID } from 'multiformats/cid';
import {
  type AddOptions,
  UNIXFS_IMPORT_PROFILE,
  type ContentStore,
  type ContentStoreStatus,
  type OpenStreams,
  type StoredContent,
} from './content-store.port.js';
import { parseCid, tryParseCid } from './cid.js';
import { ContentNotFoundError, ContentStoreUnavailableError } from './storage.errors.js';
import { StreamCounter } from './stream-counter.js';

export interface HeliaContentStoreOptions {
  /**
   * Folder of the node's repository: `blocks/` (one file per block) and `datastore/` (pins).
   * Created when missing. One process at a time: the pin counts are not safe to share.
   */
  repoPath: string;
}

/**
 * The same DAG Kubo builds for `ipfs add --cid-version 1 --raw-leaves --chunker
 * size-262144 --max-file-links 174`: raw leaves of exactly 256 KiB, a balanced tree of dag-pb
 * nodes with at most 174 links, and a single chunk stored as one raw block (`bafkrei…`).
 * The importer always hashes with sha2-256, the profile's hash function.
 */
const IMPORT_OPTIONS = {
  cidVersion: UNIXFS_IMPORT_PROFILE.cidVersion,
  rawLeaves: UNIXFS_IMPORT_PROFILE.rawLeaves,
  chunker: fixedSize({ chunkSize: UNIXFS_IMPORT_PROFILE.chunkSize }),
  layout: balanced({ maxChildrenPerNode: UNIXFS_IMPORT_PROFILE.maxLinksPerNode }),
  reduceSingleLeafToSelf: true,
  wrapWithDirectory: false,
} as const;

/**
 * Never ask for a missing block (there is no one to ask): fail with BlockNotFoundWhileOffline.
 * Helia's pin options do not type the flag, but pass it down to the blockstore.
 */
const LOCAL_ONLY = { offline: true } as const;

/**
 * Error names (Helia, its blockstore and the UnixFS exporter) that mean the node holds no
 * readable file under a CID. Names are stable API of those libraries; messages are not.
 */
const NOTHING_TO_READ = new Set([
  'BlockNotFoundWhileOfflineError',
  'NotFoundError',
  'NotUnixFSError',
  'NotAFileError',
  'NoContentError',
  'DoesNotExistError',
  'NoResolverError',
  'UnknownCodecError',
]);

/**
 * ContentStore on an embedded Helia node for deployments without Kubo: blocks in a folder,
 * pins in a datastore beside them, and no networking at all. It is built with
 * `createHeliaLight` and no block brokers or routers, so there is no libp2p, no bitswap,
 * no HTTP gateway client and no delegated routing: the node can neither dial out nor be
 * dialled, and every read is `offline`, so a missing block fails at once instead of
 * waiting for a provider that cannot exist.
 */
export class HeliaContentStore implements ContentStore {
  readonly kind = 'helia';
  private readonly streams = new StreamCounter();

  private constructor(
    private readonly repoPath: string,
    private readonly helia: Helia,
    private readonly fs: UnixFS,
    private readonly stores: { blockstore: FsBlockstore; datastore: FsDatastore },
  ) {}

  /** Opens (creating when missing) the repository at `repoPath` and starts the node. */
  static async open(options: HeliaContentStoreOptions): Promise<HeliaContentStore> {
    const blockstore = new FsBlockstore(join(options.repoPath, 'blocks'));
    const datastore = new FsDatastore(join(options.repoPath, 'datastore'));
    await blockstore.open();
    await datastore.open();
    const helia = createHeliaLight({ blockstore, datastore, blockBrokers: [], routers: [] });
    await helia.start();
    return new HeliaContentStore(options.repoPath, helia, unixfs(helia), { blockstore, datastore });
  }

  add(content: AsyncIterable<Uint8Array>, options?: AddOptions): Promise<StoredContent> {
    return this.streams.write(() => this.addContent(content, options));
  }

  cat(cid: string, options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array> {
    return this.streams.read(this.catContent(cid, options));
  }

  openStreams(): OpenStreams {
    return this.streams.snapshot();
  }

  private async addContent(content: AsyncIterable<Uint8Array>, options?: AddOptions): Promise<StoredContent> {
    let size = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of content) {
        size += chunk.byteLength;
        yield chunk;
      }
    }
    // The importer pulls the source chunk by chunk and writes each block as it completes.
    const cid = await this.fs.addByteStream(counted(), { ...IMPORT_OPTIONS, signal: options?.signal });
    if (options?.pin ?? true) await this.pinLocal(cid, options?.signal);
    return { cid: cid.toString(), size };
  }

  private async *catContent(cid: string, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
    const root = parseCid(cid);
    try {
      for await (const chunk of this.fs.cat(root, { ...LOCAL_ONLY, signal: options?.signal })) {
        // Local blocks come without waiting on anything that would notice an abort: check.
        options?.signal?.throwIfAborted();
        yield chunk;
      }
    } catch (err) {
      throw asNotFound(err, cid);
    }
  }

  async has(cid: string, options?: { signal?: AbortSignal }): Promise<boolean> {
    const root = tryParseCid(cid);
    if (root === undefined) return false;
    return this.helia.blockstore.has(root, { signal: options?.signal });
  }

  async pin(cid: string, options?: { signal?: AbortSignal }): Promise<void> {
    const root = parseCid(cid);
    // Helia records each block as pinned while it walks the DAG and writes the pin itself
    // last, so a walk that fails on a missing block would leave blocks pinned by nothing.
    if (!(await this.holdsWholeFile(root, options?.signal))) {
      throw new ContentNotFoundError(`content ${cid} is not (completely) on this IPFS node`);
    }
    await this.pinLocal(root, options?.signal);
  }

  async unpin(cid: string, options?: { signal?: AbortSignal }): Promise<void> {
    const root = tryParseCid(cid);
    if (root === undefined) return;
    try {
      // Each step releases one block of the DAG.
      await drain(
        this.helia.pins.rm(root, {
          ...LOCAL_ONLY,
          walker: sequentialWalker({ skipMissing: true }),
          signal: options?.signal,
        }),
      );
    } catch (err) {
      // No pin record under this CID: nothing to remove, which is the state wanted.
      if (errorName(err) !== 'NotFoundError') throw err;
    }
  }

  async ping(): Promise<void> {
    if (this.helia.status !== 'started') {
      throw new ContentStoreUnavailableError(`the embedded IPFS node is ${this.helia.status}`);
    }
    try {
      await access(this.repoPath, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new ContentStoreUnavailableError(`the embedded IPFS repository ${this.repoPath} is not accessible`, {
        cause: err,
      });
    }
  }

  /**
   * The embedded node has no libp2p (see the class), hence no peer ID; its version is the
   * Helia library's; its size, the bytes of the files in its blockstore folder.
   */
  async status(options?: { signal?: AbortSignal }): Promise<ContentStoreStatus> {
    await this.ping();
    let repoSizeBytes: number | null = null;
    try {
      repoSizeBytes = await folderSize(join(this.repoPath, 'blocks'), options?.signal);
    } catch (err) {
      if (options?.signal?.aborted === true) throw err;
      // An unreadable file in the folder leaves the size unknown, not the node down.
    }
    return { id: null, version: this.helia.info.version, repoSizeBytes };
  }

  async close(): Promise<void> {
    await this.helia.stop();
    await this.stores.blockstore.close();
    await this.stores.datastore.close();
  }

  private async holdsWholeFile(root: CID, signal?: AbortSignal): Promise<boolean> {
    try {
      // Offline, the extended stat skips missing blocks and counts only the bytes it found.
      const stat = await this.fs.stat(root, { ...LOCAL_ONLY, extended: true, signal });
      return (stat.type === 'file' || stat.type === 'raw') && stat.localSize === stat.size;
    } catch (err) {
      if (NOTHING_TO_READ.has(errorName(err))) return false;
      throw err;
    }
  }

  /** Pins a DAG whose blocks are all local (see pin). */
  private async pinLocal(root: CID, signal?: AbortSignal): Promise<void> {
    try {
      // Each step records one block of the DAG as pinned.
      await drain(
        this.helia.pins.add(root, { ...LOCAL_ONLY, walker: sequentialWalker({ skipMissing: false }), signal }),
      );
    } catch (err) {
      if (errorName(err) === 'AlreadyPinnedError') return;
      throw asNotFound(err, root.toString());
    }
  }
}

/**
 * Walks a DAG depth-first, one block at a time, for pinning. Helia's own walkers read blocks
 * through a queue that reports a missing block twice: to the caller, and as an unhandled
 * rejection, which ends a Node process. With `skipMissing`, an unpin releases whatever part
 * of a damaged DAG is still here instead of failing.
 */
function sequentialWalker({ skipMissing }: { skipMissing: boolean }): GraphWalkerFactory {
  return ({ blockstore, getCodec }) => ({
    async *walk<T>(root: CID, options: { depth?: number; signal?: AbortSignal } = {}): AsyncGenerator<GraphNode<T>> {
      const maxDepth = options.depth ?? Infinity;
      const pending = [{ cid: root, depth: 0, path: [root] }];
      for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        const { cid, depth, path } = next;
        const chunks: Uint8Array[] = [];
        try {
          for await (const chunk of blockstore.get(cid, { ...LOCAL_ONLY, signal: options.signal })) chunks.push(chunk);
        } catch (err) {
          if (skipMissing && NOTHING_TO_READ.has(errorName(err))) continue;
          throw err;
        }
        const block = createUnsafe<T, number, number, 0 | 1>({
          cid,
          bytes: Buffer.concat(chunks),
          codec: await getCodec<T>(cid.code),
        });
        if (depth < maxDepth) {
          const children = [...block.links()].map(([, child]) => child);
          for (const child of children.reverse())
            pending.push({ cid: child, depth: depth + 1, path: [...path, child] });
        }
        yield { block, depth, path };
      }
    },
  });
}

/** The bytes of every file below a folder. */
async function folderSize(folder: string, signal?: AbortSignal): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    signal?.throwIfAborted();
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

async function drain(steps: AsyncIterable<unknown>): Promise<void> {
  for await (const step of steps) void step;
}

function asNotFound(err: unknown, cid: string): unknown {
  return NOTHING_TO_READ.has(errorName(err))
    ? new ContentNotFoundError(`content ${cid} is not on this IPFS node`, { cause: err })
    : err;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}
