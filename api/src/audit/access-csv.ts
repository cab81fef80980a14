import type { AccessEntry } from './audit-entries.js';
import { csvLine } from './csv.js';

/** The columns of the access export, in order: the access row of the contract, flattened. */
const COLUMNS: Array<[string, (entry: AccessEntry) => string | number | null]> = [
  ['at', (entry) => entry.at.toISOString()],
  ['txId', (entry) => entry.txId],
  ['blockNumber', (entry) => entry.blockNumber],
  ['outcome', (entry) => entry.outcome],
  ['refusalCode', (entry) => entry.refusalCode],
  ['reportId', (entry) => entry.reportId],
  ['reportType', (entry) => entry.reportType],
  ['patientId', (entry) => entry.patientId],
  ['actorId', (entry) => entry.actor.id],
  ['actorRole', (entry) => entry.actor.role],
  ['actorHospital', (entry) => entry.actor.hospital],
  ['actorFullName', (entry) => entry.actor.fullName],
  ['basis', (entry) => entry.basis],
  ['grantId', (entry) => entry.grantId],
  ['granteeKind', (entry) => entry.granteeKind],
  ['purposeOfUse', (entry) => entry.purposeOfUse],
];

/** The header line of the access export. */
export const ACCESS_CSV_HEADER = csvLine(COLUMNS.map(([name]) => name));

/** One access as a CSV line. */
export function accessCsvLine(entry: AccessEntry): string {
  return csvLine(COLUMNS.map(([, value]) => value(entry)));
}

/** The export as CSV text: the header line, then one chunk per page of rows. */
export async function* accessCsv(pages: AsyncIterable<AccessEntry[]>): AsyncGenerator<string> {
  yield ACCESS_CSV_HEADER;
  for await (const page of pages) {
    if (page.length > 0) yield page.map(accessCsvLine).join('');
  }
}
