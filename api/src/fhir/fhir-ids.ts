import { NotFoundError } from '../common/domain-error.js';

/** MedLedger's ids: UUIDs (users, reports, grants); an AuditEvent's is a Fabric transaction ID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRANSACTION_ID = /^[0-9a-f]{64}$/i;

/**
 * The id of a read, as MedLedger ids are (a UUID; a Fabric transaction ID for an
 * AuditEvent): any other FHIR id names nothing here, a 404 like an unknown one.
 */
export function knownId(id: string, kind: 'uuid' | 'transaction' = 'uuid'): string {
  if (!(kind === 'uuid' ? UUID : TRANSACTION_ID).test(id))
    throw new NotFoundError('no resource you may see has this id');
  return id.toLowerCase();
}

/** Every page of a list, read cursor after cursor (an export: `$everything`). */
export async function allPages<T>(
  read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
