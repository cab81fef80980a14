import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from './domain-error.js';
import {
  CURSOR_PATTERNS,
  decodeKeysetCursor,
  encodeKeysetCursor,
  keysetPage,
  type KeysetIdKind,
} from './keyset-cursor.js';

const ID = '0b9f6c1e-4a57-4c1d-9a3e-5f2d8c7b6a10';
const AT = '2026-11-21T10:00:00.250Z';

/** What decodeKeysetCursor threw, if anything. */
function refusalOf(cursor: string, idKind?: KeysetIdKind): unknown {
  try {
    decodeKeysetCursor(cursor, idKind);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A cursor of any bytes, as a client could craft it. */
const cursorOf = (bytes: Buffer): string => bytes.toString('base64url');

/** The base64url alphabet, for cursors drawn at random. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const randomCursor = (length: number) =>
  Array.from({ length }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');

describe('keyset cursors (of a list keyed by UUID)', () => {
  it('reads back the position it issued, 32 base64url characters', () => {
    const position = { at: new Date(AT), id: ID };
    const cursor = encodeKeysetCursor(position);

    expect(cursor).toMatch(CURSOR_PATTERNS.uuid);
    expect(decodeKeysetCursor(cursor)).toEqual(position);
  });

  it.each([
    ['the first instant a cursor names', '1970-01-01T00:00:00.000Z'],
    ['the last instant a cursor names', '9999-12-31T23:59:59.999Z'],
  ])('reads back a position at %s', (_what, at) => {
    const position = { at: new Date(at), id: ID };

    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it('reads back an id of any UUID version, in lower case', () => {
    for (const id of [
      '018f3a2b-7c4d-7e5f-8a6b-9c0d1e2f3a4b',
      ID.toUpperCase(),
      '00000000-0000-0000-0000-000000000000',
    ]) {
      expect(decodeKeysetCursor(encodeKeysetCursor({ at: new Date(AT), id }))).toEqual({
        at: new Date(AT),
        id: id.toLowerCase(),
      });
    }
  });

  it('reads every text of its form as a position within 1970..9999 (the OpenAPI document admits them all)', () => {
    for (let i = 0; i < 1000; i += 1) {
      const position = decodeKeysetCursor(randomCursor(32));

      expect(position.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(position.at.getTime()).toBeGreaterThanOrEqual(0);
      expect(position.at.getTime()).toBeLessThanOrEqual(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    }
  });

  it.each([
    ['the smallest time', Buffer.from('8000000000000000', 'hex'), '1970-01-01T00:00:00.000Z'],
    ['a time before 1970', Buffer.from('ffffffffffffffff', 'hex'), '1970-01-01T00:00:00.000Z'],
    ['a time after 9999', Buffer.from('7fffffffffffffff', 'hex'), '9999-12-31T23:59:59.999Z'],
  ])('holds %s within 1970..9999', (_what, time, at) => {
    const position = decodeKeysetCursor(cursorOf(Buffer.concat([time, Buffer.alloc(16)])));

    expect(position.at.toISOString()).toBe(at);
  });

  it.each([
    ['text that is not base64url', 'not a cursor at all, not at all!'],
    ['an empty cursor', ''],
    ['base64url of the old JSON form', cursorOf(Buffer.from(JSON.stringify(['2020-01-01', 'x'])))],
    ['one character too few', randomCursor(31)],
    ['one character too many', randomCursor(33)],
    ['padding', `${randomCursor(30)}==`],
    ['a cursor of a list keyed by transaction ID', randomCursor(54)],
  ])('refuses %s with a 400 on `cursor`', (_what, cursor) => {
    const refusal = refusalOf(cursor);

    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  });

  it('refuses to write a cursor for an id that is neither a UUID nor a transaction ID', () => {
    expect(() => encodeKeysetCursor({ at: new Date(AT), id: 'x' })).toThrow();
  });
});

describe('keyset cursors of a list keyed by transaction ID', () => {
  const TX_ID = 'a3f1c0d2e4b5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff';

  it('reads back the position it issued, 54 base64url characters', () => {
    const position = { at: new Date(AT), id: TX_ID };
    const cursor = encodeKeysetCursor(position);

    expect(cursor).toMatch(CURSOR_PATTERNS['transaction-id']);
    expect(decodeKeysetCursor(cursor, 'transaction-id')).toEqual(position);
  });

  it('reads every text of its form as a position', () => {
    for (let i = 0; i < 1000; i += 1) {
      expect(decodeKeysetCursor(randomCursor(54), 'transaction-id').id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.each([
    ['text that is not base64url', '!!!'],
    ['an empty cursor', ''],
    ['a cursor of a list keyed by UUID', randomCursor(32)],
    ['one character too many', randomCursor(55)],
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
