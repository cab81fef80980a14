import { invalidArgument } from './errors';

/** RFC 4648 base32, lower case, no padding: the `b` multibase of CIDv1. */
export const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Multicodecs a MedLedger file can have: one raw block, or a UnixFS (dag-pb) root over raw leaves. */
export const CID_CODECS = { raw: 0x55, dagPb: 0x70 } as const;
/** The multihash both content stores use (UNIXFS_IMPORT_PROFILE of the API). */
export const SHA2_256 = { code: 0x12, length: 32 } as const;

const MAX_CID_TEXT = 128;

/**
 * Checks that `value` is a CIDv1 in base32 (`bafkrei…`, `bafybei…`) of a raw or dag-pb
 * block addressed by SHA-256, in its canonical text form, and returns it. A small parser
 * of its own, so the chaincode needs no multiformats dependency.
 */
export function requireCid(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length > MAX_CID_TEXT || value[0] !== 'b') {
    throw invalidArgument(`${name} must be a CIDv1 in base32 (b…)`);
  }
  const bytes = decodeBase32(value.slice(1));
  if (!bytes) throw invalidArgument(`${name} is not canonical lower-case base32`);
  const reader = { bytes, offset: 0 };
  const version = readVarint(reader);
  const codec = readVarint(reader);
  const hashCode = readVarint(reader);
  const hashLength = readVarint(reader);
  if (version !== 1) throw invalidArgument(`${name} must be a version 1 CID`);
  if (codec !== CID_CODECS.raw && codec !== CID_CODECS.dagPb) {
    throw invalidArgument(`${name} must address a raw or dag-pb block`);
  }
  if (hashCode !== SHA2_256.code || hashLength !== SHA2_256.length) {
    throw invalidArgument(`${name} must be addressed by a SHA-256 multihash`);
  }
  if (reader.offset + hashLength !== bytes.length) throw invalidArgument(`${name} has a truncated or padded digest`);
  return value;
}

/** Decodes unpadded base32; undefined unless the text is the canonical encoding of its bytes. */
function decodeBase32(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    buffer = (buffer << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
    buffer &= (1 << bits) - 1;
  }
  // Leftover bits must be fewer than a byte and all zero, or two texts would name one CID.
  if (bits >= 5 || buffer !== 0) return undefined;
  return Uint8Array.from(bytes);
}

/** An unsigned LEB128 varint of at most 4 bytes (every code a CID needs), or -1. */
function readVarint(reader: { bytes: Uint8Array; offset: number }): number {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (reader.offset >= reader.bytes.length) return -1;
    const byte = reader.bytes[reader.offset++];
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return byte === 0 && shift > 0 ? -1 : value;
  }
  return -1;
}
