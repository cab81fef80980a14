/**
 * `aes-256-gcm-chunked-v1`: the streaming envelope-encryption format of case reports
 * (architecture, invariant 5). A fresh 256-bit data key per record; AES-256-GCM over
 * authenticated chunks of 64 KiB plaintext, so that content of any size streams through
 * with about one chunk in memory and no plaintext is released before its chunk verified.
 *
 * Layout (all integers big-endian):
 *
 *     header (20 bytes)
 *       0   4  magic "MLEC" (4d 4c 45 43)
 *       4   1  format version, 0x01
 *       5   1  algorithm, 0x01 = AES-256-GCM with 128-bit tags
 *       6   2  reserved, zero
 *       8   4  plaintext chunk size, 65536 in v1 (any other value is refused)
 *      12   8  nonce prefix, random per record
 *     chunk 0 … chunk n-1 (n ≥ 1)
 *       ciphertext (65536 bytes for every chunk but the last, 0…65536 for the last)
 *       tag (16 bytes)
 *
 * - Nonce of chunk i (96 bits): nonce prefix (8 bytes) ‖ uint32(i). The index never repeats
 *   within a record and a data key encrypts one record only, so no nonce repeats under a key;
 *   the random prefix keeps even a (forbidden) reused key from repeating nonces across records.
 * - Associated data of chunk i: header (20 bytes) ‖ uint32(i) ‖ final flag (1 byte, 0x01 on
 *   the last chunk, else 0x00). Altering the header, reordering, dropping or duplicating
 *   chunks, truncating at a chunk boundary (the new last chunk is not marked final),
 *   appending data (the real last chunk is then read as non-final) or moving chunks between
 *   records (another key and header) all fail authentication.
 * - An empty plaintext is one empty final chunk (header + 16-byte tag). A plaintext whose
 *   length is a multiple of 64 KiB ends with a full final chunk (one chunk of look-ahead
 *   decides which chunk is the last, on both sides).
 * - At most 2^32 chunks (256 TiB) per record.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '../common/domain-error.js';

/** The scheme id that the ledger records (`Report.encryptionScheme`). */
export const CHUNKED_AEAD_SCHEME = 'aes-256-gcm-chunked-v1' as const;
/** Plaintext bytes per chunk (every chunk but the last is exactly this long). */
export const CHUNK_SIZE = 64 * 1024;
export const HEADER_LENGTH = 20;
export const TAG_LENGTH = 16;
export const DATA_KEY_LENGTH = 32;

const MAGIC = Buffer.from('MLEC', 'latin1');
const VERSION = 0x01;
const ALGORITHM_AES_256_GCM = 0x01;
const NONCE_PREFIX_OFFSET = 12;
const NONCE_PREFIX_LENGTH = 8;
const NONCE_LENGTH = 12;
const AAD_LENGTH = HEADER_LENGTH + 4 + 1;
/** A stored chunk: ciphertext of a full chunk and its tag. */
const RECORD_SIZE = CHUNK_SIZE + TAG_LENGTH;
const MAX_CHUNKS = 2 ** 32;

/** Why content was refused; the HTTP answer is the same (422) whatever the reason. */
export type IntegrityFailure = 'bad-header' | 'truncated' | 'chunk-rejected';

/**
 * Content does not match what was written: a chunk failed authentication (altered,
 * reordered, dropped, appended, from another record, or a wrong key), the stream ended
 * before its final chunk, or the header is not one of this format.
 */
export class IntegrityError extends DomainError {
  readonly code = 'INTEGRITY_FAILED';
  readonly status = 422;
  readonly reason: IntegrityFailure;
  /** The chunk that failed, when one did. */
  readonly chunkIndex?: number;

  constructor(message: string, reason: IntegrityFailure, chunkIndex?: number) {
    super(message);
    this.reason = reason;
    this.chunkIndex = chunkIndex;
  }
}

/** A fresh 256-bit data key; one per record, never reused. */
export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_LENGTH);
}

/**
 * Streams plaintext in (any piece sizes) and the `aes-256-gcm-chunked-v1` ciphertext out:
 * the header, then one chunk each time 64 KiB plaintext and at least one byte beyond it
 * have arrived, then the final chunk when the input ends. Holds at most one chunk of
 * plaintext besides the piece being written.
 */
export function createEncryptor(dataKey: Uint8Array): Transform {
  return new ChunkEncryptor(dataKey);
}

/**
 * The inverse of `createEncryptor`. Pushes a chunk's plaintext only after its tag verified;
 * fails the stream with IntegrityError on a bad header, a chunk that does not authenticate
 * (including a wrong key), a stream that ends before its final chunk, or data after it.
 * Bytes of earlier chunks, verified, may already have been passed on by then.
 */
export function createDecryptor(dataKey: Uint8Array): Transform {
  return new ChunkDecryptor(dataKey);
}

/** Ciphertext length of a plaintext of `plaintextLength` bytes. */
export function ciphertextLength(plaintextLength: number): number {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0)
    throw new RangeError(`not a plaintext length: ${plaintextLength}`);
  const chunks = Math.max(1, Math.ceil(plaintextLength / CHUNK_SIZE));
  if (chunks > MAX_CHUNKS) throw new RangeError(`plaintext of ${plaintextLength} bytes exceeds 2^32 chunks`);
  return HEADER_LENGTH + plaintextLength + chunks * TAG_LENGTH;
}

/**
 * The largest plaintext whose ciphertext fits in `ciphertextLength` bytes; exactly the
 * plaintext length when `ciphertextLength` is one that the format produces (check with
 * `ciphertextLength(result) === ciphertextLength`). Throws RangeError below the 36 bytes
 * of an empty record.
 */
export function maxPlaintextLength(ciphertextLength: number): number {
  if (!Number.isSafeInteger(ciphertextLength) || ciphertextLength < HEADER_LENGTH + TAG_LENGTH)
    throw new RangeError(`${ciphertextLength} bytes cannot hold a ${CHUNKED_AEAD_SCHEME} record`);
  const body = ciphertextLength - HEADER_LENGTH;
  const fullRecords = Math.floor(body / RECORD_SIZE);
  const rest = body - fullRecords * RECORD_SIZE;
  const lastFits = rest > TAG_LENGTH || (rest === TAG_LENGTH && fullRecords === 0);
  return fullRecords * CHUNK_SIZE + (lastFits ? rest - TAG_LENGTH : 0);
}

function requireDataKey(dataKey: Uint8Array): Buffer {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== DATA_KEY_LENGTH)
    throw new RangeError(`a data key is ${DATA_KEY_LENGTH} bytes`);
  return Buffer.from(dataKey.buffer, dataKey.byteOffset, dataKey.byteLength);
}

/** Nonce and associated data of one chunk, in buffers reused from chunk to chunk. */
class ChunkParameters {
  readonly nonce = Buffer.alloc(NONCE_LENGTH);
  readonly aad = Buffer.alloc(AAD_LENGTH);

  constructor(header: Buffer) {
    header.copy(this.nonce, 0, NONCE_PREFIX_OFFSET, NONCE_PREFIX_OFFSET + NONCE_PREFIX_LENGTH);
    header.copy(this.aad, 0, 0, HEADER_LENGTH);
  }

  set(index: number, final: boolean): void {
    this.nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
    this.aad.writeUInt32BE(index, HEADER_LENGTH);
    this.aad[HEADER_LENGTH + 4] = final ? 1 : 0;
  }
}

/**
 * Cuts a byte stream into units of `unit` bytes with one byte of look-ahead: `emit(bytes,
 * false)` for every unit known to be followed by more data, `finish()` hands the rest (0 …
 * `unit` bytes) for the final unit. Pieces spanning whole units are cut without copying.
 */
class UnitCutter {
  private readonly pending: Buffer;
  private pendingLength = 0;

  constructor(
    private readonly unit: number,
    private readonly emit: (bytes: Buffer) => void,
  ) {
    this.pending = Buffer.allocUnsafe(unit);
  }

  write(data: Buffer, start: number): void {
    let offset = start;
    while (offset < data.length) {
      if (this.pendingLength === this.unit) {
        this.emit(this.pending);
        this.pendingLength = 0;
      }
      if (this.pendingLength === 0 && data.length - offset > this.unit) {
        this.emit(data.subarray(offset, offset + this.unit));
        offset += this.unit;
        continue;
      }
      const take = Math.min(this.unit - this.pendingLength, data.length - offset);
      data.copy(this.pending, this.pendingLength, offset, offset + take);
      this.pendingLength += take;
      offset += take;
    }
  }

  /** The bytes of the final unit; the cutter is not used afterwards. */
  finish(): Buffer {
    return this.pending.subarray(0, this.pendingLength);
  }
}

function asBuffer(piece: unknown): Buffer {
  if (Buffer.isBuffer(piece)) return piece;
  if (piece instanceof Uint8Array) return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  throw new TypeError('expected bytes');
}

class ChunkEncryptor extends Transform {
  private readonly key: Buffer;
  private readonly header: Buffer;
  private readonly parameters: ChunkParameters;
  private readonly cutter = new UnitCutter(CHUNK_SIZE, (bytes) => this.seal(bytes, false));
  private index = 0;
  private headerSent = false;

  constructor(dataKey: Uint8Array) {
    super();
    this.key = requireDataKey(dataKey);
    this.header = Buffer.alloc(HEADER_LENGTH);
    MAGIC.copy(this.header, 0);
    this.header[4] = VERSION;
    this.header[5] = ALGORITHM_AES_256_GCM;
    this.header.writeUInt32BE(CHUNK_SIZE, 8);
    randomBytes(NONCE_PREFIX_LENGTH).copy(this.header, NONCE_PREFIX_OFFSET);
    this.parameters = new ChunkParameters(this.header);
  }

  override _transform(piece: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.sendHeader();
      this.cutter.write(asBuffer(piece), 0);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.sendHeader();
      this.seal(this.cutter.finish(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.push(this.header);
  }

  private seal(plaintext: Buffer, final: boolean): void {
    if (this.index >= MAX_CHUNKS) throw new RangeError('a record holds at most 2^32 chunks');
    this.parameters.set(this.index, final);
    const cipher = createCipheriv('aes-256-gcm', this.key, this.parameters.nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(this.parameters.aad);
    const body = cipher.update(plaintext);
    cipher.final();
    this.push(body);
    this.push(cipher.getAuthTag());
    this.index += 1;
  }
}

class ChunkDecryptor extends Transform {
  private readonly key: Buffer;
  private readonly header = Buffer.alloc(HEADER_LENGTH);
  private headerLength = 0;
  private parameters?: ChunkParameters;
  private readonly cutter = new UnitCutter(RECORD_SIZE, (bytes) => this.open(bytes, false));
  private index = 0;

  constructor(dataKey: Uint8Array) {
    super();
    this.key = requireDataKey(dataKey);
  }

  override _transform(piece: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const data = asBuffer(piece);
      let offset = 0;
      if (this.headerLength < HEADER_LENGTH) {
        offset = Math.min(HEADER_LENGTH - this.headerLength, data.length);
        data.copy(this.header, this.headerLength, 0, offset);
        this.headerLength += offset;
        if (this.headerLength === HEADER_LENGTH) this.parameters = new ChunkParameters(this.readHeader());
      }
      this.cutter.write(data, offset);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.headerLength < HEADER_LENGTH)
        throw new IntegrityError('the ciphertext ends inside its header', 'truncated');
      this.open(this.cutter.finish(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private readHeader(): Buffer {
    const header = this.header;
    const valid =
      header.subarray(0, 4).equals(MAGIC) &&
      header[4] === VERSION &&
      header[5] === ALGORITHM_AES_256_GCM &&
      header.readUInt16BE(6) === 0 &&
      header.readUInt32BE(8) === CHUNK_SIZE;
    if (!valid) throw new IntegrityError(`not a ${CHUNKED_AEAD_SCHEME} header`, 'bad-header');
    return header;
  }

  private open(record: Buffer, final: boolean): void {
    const index = this.index;
    if (record.length < TAG_LENGTH)
      throw new IntegrityError(`the ciphertext ends inside chunk ${index}`, 'truncated', index);
    if (index >= MAX_CHUNKS) throw new IntegrityError('more than 2^32 chunks', 'chunk-rejected', index);
    const parameters = this.parameters as ChunkParameters;
    parameters.set(index, final);
    const decipher = createDecipheriv('aes-256-gcm', this.key, parameters.nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(parameters.aad);
    decipher.setAuthTag(record.subarray(record.length - TAG_LENGTH));
    // Kept back until final() verified the tag: nothing of an unverified chunk leaves.
    const plaintext = decipher.update(record.subarray(0, record.length - TAG_LENGTH));
    try {
      decipher.final();
    } catch {
      throw new IntegrityError(
        `chunk ${index} failed authentication (altered, reordered, truncated or extended content, or a wrong key)`,
        'chunk-rejected',
        index,
      );
    }
    this.index += 1;
    this.push(plaintext);
  }
}
