import { InvalidInputError } from './domain-error.js';

/** A position in a list ordered by (time, id): the last item of the page before. */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/**
 * A cursor is the position in binary, base64url-encoded: the time as a signed 64-bit count
 * of milliseconds since the epoch (big-endian), then the id's bytes (16 of a UUID, 32 of a
 * Fabric transaction ID, which is 64 hexadecimal digits). Of fixed length by the list's key,
 * so that the OpenAPI document can say exactly which cursors there are (CURSOR_PATTERNS), and
 * every text of that form is one: any bytes make a time (held within 1970..9999, which
 * PostgreSQL reads as written) and an id that the repositories' casts (`$n::uuid`, text)
 * take. Anything else is a 400 on `cursor`, before a query is made.
 */
const ID_BYTES = { uuid: 16, 'transaction-id': 32 } as const;

/** The kind of id a list is keyed by (after its time). */
export type KeysetIdKind = keyof typeof ID_BYTES;

const TIME_BYTES = 8;

/** base64url characters of a cursor of each kind: 24 bytes → 32, 40 bytes → 54. */
const CURSOR_LENGTHS = { uuid: 32, 'transaction-id': 54 } as const;

/** The form of a cursor of each kind, as the validation pipe and the OpenAPI document take it. */
export const CURSOR_PATTERNS: Record<KeysetIdKind, RegExp> = {
  uuid: new RegExp(`^[A-Za-z0-9_-]{${CURSOR_LENGTHS.uuid}}$`),
  'transaction-id': new RegExp(`^[A-Za-z0-9_-]{${CURSOR_LENGTHS['transaction-id']}}$`),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRANSACTION_ID = /^[0-9a-f]{64}$/i;

/** The earliest and latest times a cursor names: 1970-01-01 and the last millisecond of 9999. */
const EARLIEST_MS = 0n;
const LATEST_MS = BigInt(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/** The opaque `nextCursor` of a list ordered by (time, id); the id a UUID or a Fabric transaction ID. */
export function encodeKeysetCursor(position: KeysetPosition): string {
  const kind: KeysetIdKind | undefined = UUID.test(position.id)
    ? 'uuid'
    : TRANSACTION_ID.test(position.id)
      ? 'transaction-id'
      : undefined;
  if (kind === undefined) throw new Error(`a keyset position's id is a UUID or a transaction ID, not ${position.id}`);
  const bytes = Buffer.alloc(TIME_BYTES + ID_BYTES[kind]);
  bytes.writeBigInt64BE(BigInt(position.at.getTime()), 0);
  Buffer.from(position.id.replaceAll('-', ''), 'hex').copy(bytes, TIME_BYTES);
  return bytes.toString('base64url');
}

/**
 * Reads a cursor of a list keyed by ids of `idKind` (UUIDs unless said): every text of its
 * form (CURSOR_PATTERNS) names a position; anything else is a 400 on `cursor`.
 */
export function decodeKeysetCursor(cursor: string, idKind: KeysetIdKind = 'uuid'): KeysetPosition {
  if (!CURSOR_PATTERNS[idKind].test(cursor)) {
    throw new InvalidInputError('invalid cursor', {
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  }
  const bytes = Buffer.from(cursor, 'base64url');
  const ms = bytes.readBigInt64BE(0);
  const at = new Date(Number(ms < EARLIEST_MS ? EARLIEST_MS : ms > LATEST_MS ? LATEST_MS : ms));
  const hex = bytes.subarray(TIME_BYTES, TIME_BYTES + ID_BYTES[idKind]).toString('hex');
  const id =
    idKind === 'uuid'
      ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
      : hex;
  return { at, id };
}

/**
 * One page of a keyset-paginated list from `rows`, read with one more than `limit` (so that
 * the extra row tells whether a next page exists): the first `limit` rows, and the cursor
 * after the last of them, or null on the last page.
 */
export function keysetPage<T>(
  rows: T[],
  limit: number,
  positionOf: (row: T) => KeysetPosition,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeKeysetCursor(positionOf(last)) : null,
  };
}
