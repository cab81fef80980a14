import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../common/domain-error.js';
import { encodeKeysetCursor } from '../common/keyset-cursor.js';
import { newestFirstPage } from './newest-first-page.js';

/** A UUID whose order among these follows `letter` (the chaincode's ids are UUIDs). */
const uuid = (letter: string) => `${letter}0000000-0000-4000-8000-000000000000`;

interface Entry {
  id: string;
  at: string;
}

/** Ledger times as the chaincode writes them (Date#toISOString), in the order the ledger lists them: oldest first. */
const ENTRIES: Entry[] = [
  { id: uuid('a'), at: '2026-11-20T08:00:00.000Z' },
  { id: uuid('b'), at: '2026-11-20T09:30:00.000Z' },
  { id: uuid('c'), at: '2026-11-21T10:00:00.000Z' },
  { id: uuid('d'), at: '2026-11-21T10:00:00.000Z' },
  { id: uuid('e'), at: '2026-11-21T10:00:00.250Z' },
];

const positionOf = (entry: Entry) => ({ at: entry.at, id: entry.id });
/** Each entry's letter: the first character of its id. */
const idsOf = (entries: Entry[]) => entries.map((entry) => entry.id[0]);

/** Every page from the first, following nextCursor to the end. */
function allPages(entries: Entry[], limit: number): Entry[][] {
  const pages: Entry[][] = [];
  let cursor: string | undefined;
  do {
    const page = newestFirstPage(entries, positionOf, limit, cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length <= entries.length);
  return pages;
}

describe('newestFirstPage', () => {
  it('lists the newest first, and by id, highest first, among items of the same time', () => {
    const page = newestFirstPage(ENTRIES, positionOf, 10);

    expect(idsOf(page.items)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(page.nextCursor).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const entries = [...ENTRIES];
    newestFirstPage(entries, positionOf, 10);
    expect(entries).toEqual(ENTRIES);
  });

  it('answers at most `limit` items, with a cursor only when more follow', () => {
    const first = newestFirstPage(ENTRIES, positionOf, 2);
    expect(idsOf(first.items)).toEqual(['e', 'd']);
    expect(first.nextCursor).toEqual(expect.any(String));

    const exact = newestFirstPage(ENTRIES, positionOf, ENTRIES.length);
    expect(exact.items).toHaveLength(ENTRIES.length);
    expect(exact.nextCursor).toBeNull();
  });

  it('continues after the cursor without repeating or skipping an item, ties of time included', () => {
    for (const limit of [1, 2, 3, 4]) {
      const pages = allPages(ENTRIES, limit);
      expect(idsOf(pages.flat())).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(pages).toHaveLength(Math.ceil(ENTRIES.length / limit));
    }
  });

  it('reads on from where the cursor points even when the list changed in between', () => {
    const first = newestFirstPage(ENTRIES, positionOf, 2);
    const newer = { id: uuid('f'), at: '2026-11-22T00:00:00.000Z' };

    const second = newestFirstPage([...ENTRIES, newer], positionOf, 2, first.nextCursor!);

    expect(idsOf(second.items)).toEqual(['c', 'b']);
  });

  it('answers an empty last page for a cursor past the oldest item', () => {
    const cursor = encodeKeysetCursor({ at: new Date('2020-01-01T00:00:00.000Z'), id: uuid('0') });

    expect(newestFirstPage(ENTRIES, positionOf, 2, cursor)).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['text that is not base64url JSON', 'not-a-cursor'],
    ['JSON of another shape', Buffer.from(JSON.stringify({ at: 1 })).toString('base64url')],
    ['a position without a valid time', Buffer.from(JSON.stringify(['yesterday', 'a'])).toString('base64url')],
    [
      'a position whose id is not text',
      Buffer.from(JSON.stringify(['2026-11-21T10:00:00.000Z', 7])).toString('base64url'),
    ],
  ])('refuses a cursor the API did not issue (%s) with a 400 on `cursor`', (_what, cursor) => {
    let refusal: unknown;
    try {
      newestFirstPage(ENTRIES, positionOf, 2, cursor);
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      details: { errors: [{ field: 'cursor', messages: expect.any(Array) }] },
    });
  });
});
