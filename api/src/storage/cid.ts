import { CID } from 'multiformats/cid';
import { ContentNotFoundError } from './storage.errors.js';

/** A CID from its text form, or undefined when the text is not one. */
export function tryParseCid(cid: string): CID | undefined {
  try {
    return CID.parse(cid);
  } catch {
    return undefined;
  }
}

/** A CID from its text form; text that is not a CID names no content of this store. */
export function parseCid(cid: string): CID {
  const parsed = tryParseCid(cid);
  if (parsed === undefined) throw new ContentNotFoundError(`'${cid}' is not a CID`);
  return parsed;
}
