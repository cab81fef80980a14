import { InvalidInputError } from './domain-error.js';

/** A position in a list ordered by (time, id): the last item of the page before. */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/** The opaque `nextCursor` of a list ordered by (time, id). */
export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/** Reads a cursor that encodeKeysetCursor issued; anything else is a 400 on `cursor`. */
export function decodeKeysetCursor(cursor: string): KeysetPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new InvalidInputError('invalid cursor', {
      details: { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] },
    });
  }
}
