import { InvalidInputError } from './domain-error.js';

/** A position in a list ordered by (time, id): the last item of the page before. */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/**
 * What a position's id may be, by the list's key. The repositories cast the position
 * (`$n::timestamptz`, `$n::uuid`, or compare it as text): a cursor is read only if the casts
 * are sure to succeed, so a crafted one is a 400 rather than a PostgreSQL error and a 500.
 */
const KEYSET_IDS = {
  /** Any UUID version, in the canonical 8-4-4-4-12 hexadecimal form only. */
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /**
   * A Fabric transaction ID (the projection's keyset, `(at, tx_id)`): Fabric's are 64
   * lowercase hexadecimal digits; a little more is taken (compared as text, which no text
   * can break), nothing that could not be one.
   */
  'transaction-id': /^[0-9A-Za-z._:-]{1,128}$/,
} as const;

/** The kind of id a list is keyed by (after its time). */
export type KeysetIdKind = keyof typeof KEYSET_IDS;

const EARLIEST_YEAR = 1970;
const LATEST_YEAR = 9999;

/** The opaque `nextCursor` of a list ordered by (time, id). */
export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/**
 * Reads a cursor that encodeKeysetCursor issued for a list keyed by ids of `idKind` (UUIDs
 * unless said); anything else is a 400 on `cursor`.
 */
export function decodeKeysetCursor(cursor: string, idKind: KeysetIdKind = 'uuid'): KeysetPosition {
  const position = keysetPositionOf(cursor, KEYSET_IDS[idKind]);
  if (position === undefined) {
    throw new InvalidInputError('invalid cursor', {
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  }
  return position;
}

/** The position a cursor names, or undefined when encodeKeysetCursor cannot have written it. */
function keysetPositionOf(cursor: string, idPattern: RegExp): KeysetPosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !idPattern.test(id)) return undefined;
  const date = new Date(at);
  // Only the exact text toISOString writes (no other format, no offset but Z), and only
  // four-digit years from the epoch on: nothing the API lists is older, and toISOString
  // writes years past 9999 (or before 0) as ±YYYYYY, which PostgreSQL may not read or hold.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) return undefined;
  const year = date.getUTCFullYear();
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return undefined;
  return { at: date, id };
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
