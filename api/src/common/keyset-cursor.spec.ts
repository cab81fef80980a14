import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from './domain-error.js';
import { decodeKeysetCursor, encodeKeysetCursor, keysetPage, type KeysetIdKind } from './keyset-cursor.js';

const ID = '0b9f6c1e-4a57-4c1d-9a3e-5f2d8c7b6a10';
const AT = '2026-11-21T10:00:00.250Z';

/** A cursor of any content, as a client could craft it. */
const cursorOf = (content: unknown): string => Buffer.from(JSON.stringify(content)).toString('base64url');

/** What decodeKeysetCursor threw, if anything. */
function refusalOf(cursor: string, idKind?: KeysetIdKind): unknown {
  try {
    decodeKeysetCursor(cursor, idKind);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('keyset cursors (of a list keyed by UUID)', () => {
  it('reads back the position it issued', () => {
    const position = { at: new Date(AT), id: ID };

    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it.each([
    ['the first instant the API accepts', '1970-01-01T00:00:00.000Z'],
    ['the last instant the API accepts', '9999-12-31T23:59:59.999Z'],
  ])('reads back a position at %s', (_what, at) => {
    const position = { at: new Date(at), id: ID };

    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it('reads back an id of any UUID version, in either case', () => {
    for (const id of ['018f3a2b-7c4d-7e5f-8a6b-9c0d1e2f3a4b', ID.toUpperCase()]) {
      expect(decodeKeysetCursor(cursorOf([AT, id]))).toEqual({ at: new Date(AT), id });
    }
  });

  it.each([
    ['text that is not base64url JSON', 'not-a-cursor'],
    ['an empty cursor', ''],
    ['JSON that is not an array', cursorOf({ at: AT, id: ID })],
    ['JSON null', cursorOf(null)],
    ['an array of one element', cursorOf([AT])],
    ['an array of three elements', cursorOf([AT, ID, 'more'])],
    ['the elements swapped', cursorOf([ID, AT])],
    ['an id that is not a UUID', cursorOf(['2020-01-01T00:00:00.000Z', 'x'])],
    ['an id that is not text', cursorOf([AT, 7])],
    ['an id with surrounding text', cursorOf([AT, ` ${ID}`])],
    ['a UUID without hyphens', cursorOf([AT, ID.replaceAll('-', '')])],
    ['a UUID in braces', cursorOf([AT, `{${ID}}`])],
    ['a time that is not a date', cursorOf(['yesterday', ID])],
    ['a date without a time', cursorOf(['2020-01-01', ID])],
    ['a time with an offset', cursorOf(['2026-11-21T11:00:00.250+01:00', ID])],
    ['a time without milliseconds', cursorOf(['2026-11-21T10:00:00Z', ID])],
    ['a time given as a number', cursorOf([-8.64e15, ID])],
    ['the earliest time JavaScript holds', cursorOf([new Date(-8.64e15).toISOString(), ID])],
    ['the latest time JavaScript holds', cursorOf([new Date(8.64e15).toISOString(), ID])],
    ['a time after the year 9999', cursorOf(['+010000-01-01T00:00:00.000Z', ID])],
    ['a time before 1970', cursorOf(['1969-12-31T23:59:59.999Z', ID])],
    ['an impossible calendar date', cursorOf(['2026-02-30T00:00:00.000Z', ID])],
  ])('refuses %s with a 400 on `cursor`', (_what, cursor) => {
    const refusal = refusalOf(cursor);

    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  });
});

describe('keyset cursors of a list keyed by transaction ID', () => {
  const TX_ID = 'a3f1c0d2e4b5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff';

  it('reads back the position it issued', () => {
    const position = { at: new Date(AT), id: TX_ID };

    expect(decodeKeysetCursor(encodeKeysetCursor(position), 'transaction-id')).toEqual(position);
  });

  it.each([
    ['text that is not base64url JSON', '!!!'],
    ['an empty cursor', ''],
    ['JSON that is not an array', cursorOf({ at: AT, id: TX_ID })],
    ['an array of three elements', cursorOf([AT, TX_ID, 1])],
    ['a time in another format', cursorOf(['2026-11-21 10:00:00', TX_ID])],
    ['a time with an offset', cursorOf(['2026-11-21T10:00:00.000+01:00', TX_ID])],
    ['a time that is no time', cursorOf(['2026-13-45T99:00:00.000Z', TX_ID])],
    ['a year past 9999', cursorOf([new Date(Date.UTC(10000, 0, 1)).toISOString(), TX_ID])],
    ['a year before 1970', cursorOf(['1969-12-31T23:59:59.999Z', TX_ID])],
    ['an empty transaction ID', cursorOf([AT, ''])],
    ['a transaction ID with a quote', cursorOf([AT, "x' OR '1'='1"])],
    ['a transaction ID with a NUL', cursorOf([AT, 'ab\u0000cd'])],
    ['a transaction ID too long', cursorOf([AT, 'a'.repeat(129)])],
    ['a number for the transaction', cursorOf([AT, 42])],
  ])('refuses %s with a 400 on `cursor`', (_what, cursor) => {
    const refusal = refusalOf(cursor, 'transaction-id');

    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  });
});

describe('keysetPage', () => {
  const rows = [3, 2, 1].map((n) => ({
    at: new Date(Date.UTC(2026, 11, n)),
    id: `0000000${n}-0000-4000-8000-000000000000`,
  }));
  const positionOf = (row: (typeof rows)[number]) => row;

  it('gives the first `limit` rows and the cursor after the last of them when one more row was read', () => {
    const page = keysetPage(rows, 2, positionOf);

    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeKeysetCursor(page.nextCursor!)).toEqual({ at: rows[1]!.at, id: rows[1]!.id });
  });

  it('has no cursor on the last page', () => {
    expect(keysetPage(rows, 3, positionOf)).toEqual({ items: rows, nextCursor: null });
    expect(keysetPage([], 3, positionOf)).toEqual({ items: [], nextCursor: null });
  });
});
