import { randomUUID } from 'node:crypto';
import { create } from 'kubo-rpc-client';
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

export interface KuboContentStoreOptions {
  /** The node's RPC API, e.g. `http://127.0.0.1:5001`. */
  apiUrl: string;
  /** Deadline of each short call (has, pin, unpin, the completeness check of cat). Default 10 s. */
  requestTimeoutMs?: number;
  /** Deadline of ping, which readiness probes use. Default 2 s. */
  pingTimeoutMs?: number;
}

/**
 * Kubo's `--offline` flag: answer from the local repository, never ask the network.
 * kubo-rpc-client sends every option as a query parameter but does not type this one.
 */
const LOCAL_ONLY = { offline: true } as const;

/**
 * ContentStore on a Kubo node through its RPC API.
 *
 * Reads are local only: a record's bytes are pinned on this hospital's node (replication
 * between nodes is IPFS Cluster's job), and asking a network for a CID that no peer holds
 * would block until a deadline instead of answering "not found".
 *
 * Failures are classified by who answered, never by message text: when Kubo itself answered
 * with an error, a working node said something about the content; when it did not answer
 * (refused, reset, past the deadline), the store is unavailable.
 */
export class KuboContentStore implements ContentStore {
  readonly kind = 'kubo';
  private readonly client: ReturnType<typeof create>;
  private readonly apiUrl: string;
  private readonly rpcBase: string;
  private readonly requestTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly streams = new StreamCounter();

  constructor(options: KuboContentStoreOptions) {
    this.apiUrl = options.apiUrl;
    this.rpcBase = new URL('api/v0', options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`).toString();
    this.client = create({ url: options.apiUrl });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
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
    const source = new CountingSource(content);
    let cid: string;
    try {
      cid = await this.postFile(source.bytes(), options?.pin ?? true, options?.signal);
    } catch (err) {
      // A failing source makes fetch abort the upload: report the source's own error.
      source.rethrowFailure();
      throw this.unavailableUnlessAnswered(
        'add',
        err,
        options?.signal,
        () =>
          new ContentStoreUnavailableError(`Kubo at ${this.apiUrl} refused to add content: ${describe(err)}`, {
            cause: err,
          }),
      );
    }
    if (source.failed) {
      // The upload outran its own abort and Kubo stored a truncated file: do not keep it.
      await this.unpin(cid).catch(() => undefined);
      source.rethrowFailure();
    }
    return { cid, size: source.byteCount };
  }

  /**
   * `ipfs add` of one file, streamed as the multipart body of a single request.
   *
   * Not through kubo-rpc-client: it calls fetch with the default `redirect: 'follow'`, for
   * which Node's fetch tees a streamed request body and keeps every byte of it in memory
   * until the response (a 512 MiB upload held 556 MiB), and it offers no way to change that.
   * With `redirect: 'error'` the body is pulled chunk by chunk as the socket drains.
   */
  private async postFile(bytes: AsyncIterable<Uint8Array>, pin: boolean, signal?: AbortSignal): Promise<string> {
    const boundary = `medledger-${randomUUID()}`;
    const query = new URLSearchParams({
      'cid-version': String(UNIXFS_IMPORT_PROFILE.cidVersion),
      'raw-leaves': String(UNIXFS_IMPORT_PROFILE.rawLeaves),
      hash: UNIXFS_IMPORT_PROFILE.hashFunction,
      chunker: `size-${UNIXFS_IMPORT_PROFILE.chunkSize}`,
      'max-file-links': String(UNIXFS_IMPORT_PROFILE.maxLinksPerNode),
      trickle: 'false',
      inline: 'false',
      'wrap-with-directory': 'false',
      pin: String(pin),
      progress: 'false',
      'stream-channels': 'true',
    });
    const response = await fetch(`${this.rpcBase}/add?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: ReadableStream.from(multipartFile(boundary, bytes)),
      duplex: 'half',
      redirect: 'error',
      signal,
    });
    if (!response.ok) throw await KuboErrorAnswer.from(response);
    // One JSON object per line; the file's own line carries its CID in `Hash`.
    let cid: CID | undefined;
    for (const line of (await response.text()).split('\n')) {
      if (line.trim() !== '') cid = cidOfAddedEntry(line) ?? cid;
    }
    // Kubo reports a failure after the 200 only in an HTTP trailer: then no CID arrives.
    if (cid === undefined) throw new KuboErrorAnswer(response.status, 'the add ended without a CID');
    return cid.toString();
  }

  private async *catContent(cid: string, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
    const root = parseCid(cid);
    // Kubo answers 200 before it reads the blocks and reports a missing one only in an HTTP
    // trailer, which fetch does not expose: the body just ends early. So check that the
    // whole DAG is here before streaming, and that every byte came after it.
    const expectedSize = await this.localFileSize(root, options?.signal);
    if (expectedSize === undefined) {
      throw new ContentNotFoundError(`content ${cid} is not (completely) on this IPFS node`);
    }
    let received = 0;
    try {
      for await (const chunk of this.client.cat(root, { ...LOCAL_ONLY, signal: options?.signal })) {
        received += chunk.byteLength;
        yield chunk;
      }
    } catch (err) {
      throw this.unavailableUnlessAnswered(
        'cat',
        err,
        options?.signal,
        () => new ContentNotFoundError(`content ${cid} is no longer on this IPFS node`, { cause: err }),
      );
    }
    if (received !== expectedSize) {
      throw new ContentStoreUnavailableError(
        `Kubo ended the content of ${cid} after ${received} of ${expectedSize} bytes`,
      );
    }
  }

  async has(cid: string, options?: { signal?: AbortSignal }): Promise<boolean> {
    const root = tryParseCid(cid);
    if (root === undefined) return false;
    try {
      await this.call('has', options?.signal, this.requestTimeoutMs, (signal) =>
        this.client.block.stat(root, { ...LOCAL_ONLY, signal }),
      );
      return true;
    } catch (err) {
      if (isKuboAnswer(err)) return false;
      throw err;
    }
  }

  async pin(cid: string, options?: { signal?: AbortSignal }): Promise<void> {
    const root = parseCid(cid);
    try {
      // Pinning what is pinned already succeeds: idempotent as it is.
      await this.call('pin', options?.signal, this.requestTimeoutMs, (signal) =>
        this.client.pin.add(root, { ...LOCAL_ONLY, recursive: true, signal }),
      );
    } catch (err) {
      if (!isKuboAnswer(err)) throw err;
      if ((await this.localFileSize(root, options?.signal)) === undefined) {
        throw new ContentNotFoundError(`content ${cid} is not (completely) on this IPFS node`, { cause: err });
      }
      throw new ContentStoreUnavailableError(`Kubo at ${this.apiUrl} could not pin ${cid}: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  async unpin(cid: string, options?: { signal?: AbortSignal }): Promise<void> {
    const root = tryParseCid(cid);
    if (root === undefined) return;
    try {
      await this.call('unpin', options?.signal, this.requestTimeoutMs, (signal) =>
        this.client.pin.rm(root, { recursive: true, signal }),
      );
    } catch (err) {
      if (!isKuboAnswer(err)) throw err;
      // Kubo refuses to remove a pin that does not exist, which is the state wanted here.
      if (await this.isPinned(root, options?.signal)) {
        throw new ContentStoreUnavailableError(`Kubo at ${this.apiUrl} could not unpin ${cid}: ${describe(err)}`, {
          cause: err,
        });
      }
    }
  }

  async ping(options?: { signal?: AbortSignal }): Promise<void> {
    try {
      await this.call('ping', options?.signal, this.pingTimeoutMs, (signal) => this.client.id({ signal }));
    } catch (err) {
      if (!isKuboAnswer(err)) throw err;
      throw new ContentStoreUnavailableError(`Kubo at ${this.apiUrl} answered ping with an error: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  async status(options?: { signal?: AbortSignal }): Promise<ContentStoreStatus> {
    const [identity, version, repoSize] = await Promise.allSettled([
      this.call('id', options?.signal, this.pingTimeoutMs, (signal) => this.client.id({ signal })),
      this.call('version', options?.signal, this.pingTimeoutMs, (signal) => this.client.version({ signal })),
      this.call('repo stat', options?.signal, this.pingTimeoutMs, (signal) => this.repoSizeBytes(signal)),
    ]);
    if (identity.status === 'rejected') {
      const err: unknown = identity.reason;
      if (!isKuboAnswer(err)) throw err;
      throw new ContentStoreUnavailableError(`Kubo at ${this.apiUrl} answered id with an error: ${describe(err)}`, {
        cause: err,
      });
    }
    return {
      id: identity.value.id.toString(),
      version: version.status === 'fulfilled' ? version.value.version : null,
      repoSizeBytes: repoSize.status === 'fulfilled' ? repoSize.value : null,
    };
  }

  /**
   * `ipfs repo stat --size-only`: the repository's size without counting its objects, which
   * walks every block. Not through kubo-rpc-client, which always reads the object count.
   */
  private async repoSizeBytes(signal: AbortSignal): Promise<number> {
    const response = await fetch(`${this.rpcBase}/repo/stat?size-only=true`, {
      method: 'POST',
      redirect: 'error',
      signal,
    });
    if (!response.ok) throw await KuboErrorAnswer.from(response);
    // Kubo flattens its SizeStat into the answer (`{"RepoSize": …, "StorageMax": …, …}`).
    const body = (await response.json()) as { RepoSize?: unknown; SizeStat?: { RepoSize?: unknown } } | null;
    const size = Number(body?.RepoSize ?? body?.SizeStat?.RepoSize);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new KuboErrorAnswer(response.status, 'repo stat answered without a RepoSize');
    }
    return size;
  }

  async close(): Promise<void> {
    // Nothing to release: the client keeps no state beyond fetch's idle keep-alive sockets.
  }

  /** The file's size when its whole DAG is in the local repository, else undefined. */
  private async localFileSize(root: CID, callerSignal?: AbortSignal): Promise<number | undefined> {
    try {
      const stat = await this.call('files stat', callerSignal, this.requestTimeoutMs, (signal) =>
        this.client.files.stat(`/ipfs/${root.toString()}`, { ...LOCAL_ONLY, withLocal: true, signal }),
      );
      return stat.type === 'file' && stat.local === true ? stat.size : undefined;
    } catch (err) {
      if (isKuboAnswer(err)) return undefined;
      throw err;
    }
  }

  private async isPinned(root: CID, callerSignal?: AbortSignal): Promise<boolean> {
    try {
      return await this.call('pin ls', callerSignal, this.requestTimeoutMs, async (signal) => {
        for await (const pin of this.client.pin.ls({ ...LOCAL_ONLY, paths: [root], type: 'recursive', signal })) {
          if (pin.cid.equals(root)) return true;
        }
        return false;
      });
    } catch (err) {
      // Kubo answers "not pinned" to `pin ls` of a CID without a pin.
      if (isKuboAnswer(err)) return false;
      throw err;
    }
  }

  /**
   * Runs one short RPC call under a deadline joined with the caller's signal. Kubo's own
   * error answers are rethrown as they are, for the caller to interpret; the caller's abort
   * passes through; every other failure means the store is unavailable.
   */
  private async call<T>(
    operation: string,
    callerSignal: AbortSignal | undefined,
    timeoutMs: number,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      return await run(callerSignal === undefined ? deadline : AbortSignal.any([callerSignal, deadline]));
    } catch (err) {
      if (isKuboAnswer(err) && callerSignal?.aborted !== true) throw err;
      throw this.unavailableUnlessAnswered(
        operation,
        err,
        callerSignal,
        () => err,
        deadline.aborted ? timeoutMs : undefined,
      );
    }
  }

  private unavailableUnlessAnswered(
    operation: string,
    err: unknown,
    callerSignal: AbortSignal | undefined,
    answered: () => unknown,
    timedOutAfterMs?: number,
  ): unknown {
    if (callerSignal?.aborted === true) return callerSignal.reason ?? err;
    if (isKuboAnswer(err)) return answered();
    const why =
      timedOutAfterMs !== undefined
        ? `did not answer within ${timedOutAfterMs} ms`
        : `could not be reached (${describe(err)})`;
    return new ContentStoreUnavailableError(`IPFS node at ${this.apiUrl} ${why} during ${operation}`, { cause: err });
  }
}

/** An error response of Kubo to a request made without kubo-rpc-client. */
class KuboErrorAnswer extends Error {
  override readonly name = 'KuboErrorAnswer';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  static async from(response: Response): Promise<KuboErrorAnswer> {
    const text = await response.text().catch(() => '');
    let message = text.trim() || response.statusText;
    try {
      const body: unknown = JSON.parse(text);
      if (typeof body === 'object' && body !== null && 'Message' in body && typeof body.Message === 'string')
        message = body.Message;
    } catch {
      // Not Kubo's JSON error envelope: keep the text as it is.
    }
    return new KuboErrorAnswer(response.status, `HTTP ${response.status}: ${message}`);
  }
}

/** An error response of Kubo itself (kubo-rpc-client's HTTPError carries the response). */
function isKuboAnswer(err: unknown): boolean {
  return err instanceof KuboErrorAnswer || (err instanceof Error && err.name === 'HTTPError' && 'response' in err);
}

/** The multipart/form-data body of one unnamed file, as Kubo's add expects it. */
async function* multipartFile(boundary: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const text = new TextEncoder();
  yield text.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  yield* bytes;
  yield text.encode(`\r\n--${boundary}--\r\n`);
}

/** The CID in one line of `ipfs add` output (`{"Name":…,"Hash":…,"Size":…}`), if it has one. */
function cidOfAddedEntry(line: string): CID | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch (err) {
    throw new KuboErrorAnswer(200, `unreadable line in the answer to add: ${describe(err)}`);
  }
  if (typeof entry !== 'object' || entry === null || !('Hash' in entry) || typeof entry.Hash !== 'string')
    return undefined;
  const cid = tryParseCid(entry.Hash);
  if (cid === undefined) throw new KuboErrorAnswer(200, `add answered an invalid CID '${entry.Hash}'`);
  return cid;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

/** Passes a source's bytes through once, counting them and remembering if the source failed. */
class CountingSource {
  byteCount = 0;
  private failure?: { error: unknown };

  constructor(private readonly content: AsyncIterable<Uint8Array>) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  async *bytes(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.content) {
        this.byteCount += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }

  rethrowFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
