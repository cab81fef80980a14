/**
 * Where encrypted report content lives: IPFS, through a Kubo node's RPC API or an embedded
 * Helia node. Both implementations produce the same CIDs for the same bytes (CIDv1, raw
 * leaves, 256 KiB chunks, balanced DAG of at most 174 links per node), so a deployment can
 * move between them without a CID on the ledger changing.
 */
export interface ContentStore {
  /** Which implementation this is (`kubo` or `helia`), for status pages and logs. */
  readonly kind: 'kubo' | 'helia';

  /**
   * Adds a stream of bytes without buffering it whole and returns its CID and size. Pinned
   * unless `pin: false`: a caller that must first note the CID durably pins it afterwards,
   * so that a crash in between leaves nothing pinned that nobody knows of.
   */
  add(content: AsyncIterable<Uint8Array>, options?: AddOptions): Promise<StoredContent>;

  /** Streams the bytes behind a CID. Throws ContentNotFoundError when the node cannot find them. */
  cat(cid: string, options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;

  /** Whether the node holds the content's root block locally. */
  has(cid: string, options?: { signal?: AbortSignal }): Promise<boolean>;

  /** Pins content so garbage collection keeps it. Idempotent. */
  pin(cid: string, options?: { signal?: AbortSignal }): Promise<void>;

  /** Removes a pin; the content may then be garbage-collected. Idempotent. */
  unpin(cid: string, options?: { signal?: AbortSignal }): Promise<void>;

  /** Answers quickly whether the store is usable now (for readiness); throws when not. */
  ping(options?: { signal?: AbortSignal }): Promise<void>;

  /**
   * What the node says of itself, for the status page: its peer ID, its software version
   * and the size of its repository, each null when the node does not tell.
   * @throws ContentStoreUnavailableError when the node does not answer.
   */
  status(options?: { signal?: AbortSignal }): Promise<ContentStoreStatus>;

  /**
   * Transfers open now: `reads` (cat streams not yet ended, failed or abandoned) and
   * `writes` (adds not yet settled). Each returns to its baseline once a transfer ends in
   * any way, a client's abort included; `/metrics` shows them.
   */
  openStreams(): OpenStreams;

  /** Releases connections or stops the embedded node. */
  close(): Promise<void>;
}

export interface OpenStreams {
  reads: number;
  writes: number;
}

export interface AddOptions {
  signal?: AbortSignal;
  /** Pin the content (default true). */
  pin?: boolean;
}

export interface ContentStoreStatus {
  /** The node's libp2p peer ID; null for a node without networking (the embedded Helia node). */
  id: string | null;
  /** The version of the node's software: Kubo's (`0.39.0`), or the Helia library's (`7.1.15`). */
  version: string | null;
  /** Bytes the repository's blocks take on disk. */
  repoSizeBytes: number | null;
}

export interface StoredContent {
  /** CIDv1 in base32, e.g. `bafkrei…` for a single raw block, `bafybei…` for a DAG. */
  cid: string;
  /** Size of the content in bytes. */
  size: number;
}

/**
 * The UnixFS import parameters that fix a file's CID. Both implementations pass all of them
 * explicitly instead of trusting defaults: Helia's differ (1 MiB chunks, 1024 links) and
 * Kubo's come from its config, which another deployment may change.
 */
export const UNIXFS_IMPORT_PROFILE = {
  cidVersion: 1,
  rawLeaves: true,
  hashFunction: 'sha2-256',
  /** Fixed-size chunks, Kubo's `size-262144` chunker. */
  chunkSize: 262_144,
  /** Links per node of the balanced file DAG (Kubo's Import.UnixFSFileMaxLinks). */
  maxLinksPerNode: 174,
} as const;

/** Injection token of the configured ContentStore. */
export const CONTENT_STORE = Symbol('ContentStore');
