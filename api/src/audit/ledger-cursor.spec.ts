import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../common/domain-error.js';
import { decodeLedgerCursor, encodeLedgerCursor } from './ledger-cursor.js';

const TX_ID = 'a3f1c0d2e4b5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('ledger cursors', () => {
  it('reads back the position it wrote', () => {
    const position = { at: new Date('2026-11-21T10:00:00.250Z'), txId: TX_ID };
    expect(decodeLedgerCursor(encodeLedgerCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['an empty cursor', ''],
    ['an object', encode({ at: '2026-11-21T10:00:00.000Z', txId: TX_ID })],
    ['three elements', encode(['2026-11-21T10:00:00.000Z', TX_ID, 1])],
    ['a time in another format', encode(['2026-11-21 10:00:00', TX_ID])],
    ['a time with an offset', encode(['2026-11-21T10:00:00.000+01:00', TX_ID])],
    ['a time that is no time', encode(['2026-13-45T99:00:00.000Z', TX_ID])],
    ['a year past 9999', encode([new Date(Date.UTC(10000, 0, 1)).toISOString(), TX_ID])],
    ['a year before 1970', encode(['1969-12-31T23:59:59.999Z', TX_ID])],
    ['an empty transaction ID', encode(['2026-11-21T10:00:00.000Z', ''])],
    ['a transaction ID with a quote', encode(['2026-11-21T10:00:00.000Z', "x' OR '1'='1"])],
    ['a transaction ID with a NUL', encode(['2026-11-21T10:00:00.000Z', 'ab\u0000cd'])],
    ['a transaction ID too long', encode(['2026-11-21T10:00:00.000Z', 'a'.repeat(129)])],
    ['a number for the transaction', encode(['2026-11-21T10:00:00.000Z', 42])],
  ])('refuses %s with a 400 on cursor', (_case, cursor) => {
    let refusal: unknown;
    try {
      decodeLedgerCursor(cursor);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  });
});
