import { decodeKeysetCursor, encodeKeysetCursor } from '../common/keyset-cursor.js';

/**
 * One page of a list held in full (a patient's or a doctor's requests and grants, read from
 * the ledger), newest first by (time, id), continued by the contract's opaque cursor.
 */
export function newestFirstPage<T>(
  items: T[],
  positionOf: (item: T) => { at: string; id: string },
  limit: number,
  cursor?: string,
): { items: T[]; nextCursor: string | null } {
  const keyed = items
    .map((item) => ({ item, ...positionOf(item) }))
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
  let start = 0;
  if (cursor !== undefined) {
    const after = decodeKeysetCursor(cursor);
    const at = after.at.toISOString();
    start = keyed.findIndex((entry) => entry.at < at || (entry.at === at && entry.id < after.id));
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + limit < keyed.length;
  return {
    items: page.map((entry) => entry.item),
    nextCursor: more && last ? encodeKeysetCursor({ at: new Date(last.at), id: last.id }) : null,
  };
}
