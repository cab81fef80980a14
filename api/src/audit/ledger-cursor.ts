import { InvalidInputError } from '../common/domain-error.js';

/**
 * A position in a list ordered by ledger time then transaction ID (the projection's keyset,
 * `(at, tx_id)`): the last row of the page before. Not common/keyset-cursor's, whose id is
 * a UUID: a Fabric transaction ID is not.
 */
export interface LedgerPosition {
  at: Date;
  txId: string;
}

/**
 * What a transaction ID may be: Fabric's are 64 lowercase hexadecimal digits; a little more
 * is taken (the repository compares it as text, which no text can break), nothing that
 * could not be one.
 */
const TX_ID = /^[0-9A-Za-z._:-]{1,128}$/;
const EARLIEST_YEAR = 1970;
const LATEST_YEAR = 9999;

/** The opaque `nextCursor` after a row. */
export function encodeLedgerCursor(position: LedgerPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.txId])).toString('base64url');
}

/** Reads a cursor that encodeLedgerCursor issued; anything else is a 400 on `cursor`. */
export function decodeLedgerCursor(cursor: string): LedgerPosition {
  const position = ledgerPositionOf(cursor);
  if (position === undefined) {
    throw new InvalidInputError('invalid cursor', {
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  }
  return position;
}

function ledgerPositionOf(cursor: string): LedgerPosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [at, txId] = decoded as unknown[];
  if (typeof at !== 'string' || typeof txId !== 'string' || !TX_ID.test(txId)) return undefined;
  const date = new Date(at);
  // Only the exact text toISOString writes, and four-digit years from the epoch on, so that
  // PostgreSQL reads it as the timestamptz it was.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) return undefined;
  const year = date.getUTCFullYear();
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return undefined;
  return { at: date, txId };
}
