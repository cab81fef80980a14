import type {
  AccessRequestRecord,
  CareAssignmentRecord,
  ErasureRecord,
  GrantRecord,
  InspectedParticipant,
  InspectedReceipt,
  InspectedRefusal,
  InspectedReport,
  LedgerEvent,
} from '../ledger/ledger.port.js';
import { type EventRow, projectionRowsOf } from '../projection/projection-rows.js';
import { rowOf } from '../projection/record-rows.js';
import { type ComparableRow, comparableRow, RECONCILED_TABLES, type ReconciledTableName } from './reconciled-tables.js';

/** An event of the chaincode on the ledger: where, its name, and its timeline row as the projection maps it. */
export interface LedgerEventFact {
  txId: string;
  blockNumber: bigint;
  name: string;
  /**
   * Its `projection_events` row, made from its payload by the projection's own mapping
   * (projection-rows.ts), before the projection looks up a hospital the event does not
   * name; null when the projection cannot map it (written before the v2 envelope, an
   * envelope it cannot write, a name it does not know): it is then missing from the
   * projection, and only its name and block can be compared.
   */
  row: EventRow | null;
}

/** Everything the reconciliation read from the ledger, as each hospital's service identity may read it. */
export interface LedgerFacts {
  participants: InspectedParticipant[];
  reports: InspectedReport[];
  receipts: InspectedReceipt[];
  refusals: InspectedRefusal[];
  requests: AccessRequestRecord[];
  grants: GrantRecord[];
  careAssignments: CareAssignmentRecord[];
  erasures: ErasureRecord[];
  /** Every event of the chaincode below the run's height that is part of the projection (all but the probes), in ledger order. */
  events: LedgerEventFact[];
}

/**
 * The facts of chaincode events (LedgerEvent, payload included) as the reconciliation keeps
 * them: each event's timeline row, made now, so that the payloads need not be kept. Events
 * the projection leaves out by design (the connectivity probes) are left out.
 */
export function eventFactsOf(events: LedgerEvent[]): LedgerEventFact[] {
  const { rows, skipped } = projectionRowsOf(events);
  const mapped = new Map(rows.events.map((row) => [row.tx_id, row]));
  const unmapped = new Set(skipped.map((event) => event.transactionId));
  return events.flatMap((event): LedgerEventFact[] => {
    const fact = { txId: event.transactionId, blockNumber: event.blockNumber, name: event.name };
    const row = mapped.get(event.transactionId);
    if (row) return [{ ...fact, row }];
    return unmapped.has(event.transactionId) ? [{ ...fact, row: null }] : [];
  });
}

/** The columns of a timeline row the ledger cannot tell of an event the projection cannot map. */
const UNMAPPED_EVENT_COLUMNS = Object.keys(RECONCILED_TABLES.events.columns).filter(
  (column) => column !== 'name' && column !== 'block_number',
);

/**
 * The rows the projection must hold, by table, as the ledger says them: each listed
 * record's row as the projection writes it (record-rows.ts), in the block of its creating
 * transaction; and each event's timeline row as the projection maps it. Where an access
 * or a timeline row names no hospital, the projection looks up the report's (else the
 * patient's: projection.repository.ts), here in the ledger's listings.
 */
export function expectedProjection(facts: LedgerFacts): Record<ReconciledTableName, ComparableRow[]> {
  const blockOf = new Map(facts.events.map((event) => [event.txId, event.blockNumber]));
  /** Each record's row of `table`, keyed by the table's key column, in its transaction's block. */
  const rowsOf = <LedgerRecord extends { txId: string }>(
    table: ReconciledTableName,
    records: LedgerRecord[],
    columns: (record: LedgerRecord) => { [column: string]: unknown },
  ): ComparableRow[] =>
    records.map((record) => {
      const spec = RECONCILED_TABLES[table];
      const values: { [column: string]: unknown } = {
        ...columns(record),
        block_number: blockOf.get(record.txId) ?? null,
      };
      return comparableRow(spec, values[spec.key], values);
    });

  const reportHospital = new Map(facts.reports.map((report) => [report.reportId.toLowerCase(), report.hospitalMspId]));
  const patientHospital = new Map(
    facts.participants
      .filter((participant) => participant.role === 'patient')
      .map((participant) => [participant.uid.toLowerCase(), participant.mspId]),
  );
  const hospitalOf = (row: { report_id: string | null; patient_id: string | null }): string | null =>
    (row.report_id === null ? undefined : reportHospital.get(row.report_id.toLowerCase())) ??
    (row.patient_id === null ? undefined : patientHospital.get(row.patient_id.toLowerCase())) ??
    null;
  const accessRow = (row: ReturnType<typeof rowOf.receipt | typeof rowOf.refusal>) => ({
    ...row,
    patient_msp_id: hospitalOf(row),
  });

  const spec = RECONCILED_TABLES.events;
  return {
    participants: rowsOf('participants', facts.participants, rowOf.participant),
    reports: rowsOf('reports', facts.reports, rowOf.report),
    requests: rowsOf('requests', facts.requests, rowOf.request),
    grants: rowsOf('grants', facts.grants, rowOf.grant),
    careAssignments: rowsOf('careAssignments', facts.careAssignments, rowOf.care),
    erasures: rowsOf('erasures', facts.erasures, rowOf.erasure),
    accesses: [
      ...rowsOf('accesses', facts.receipts, (receipt) => accessRow(rowOf.receipt(receipt))),
      ...rowsOf('accesses', facts.refusals, (refusal) => accessRow(rowOf.refusal(refusal))),
    ],
    events: facts.events.map((event) =>
      event.row
        ? comparableRow(spec, event.txId, {
            ...event.row,
            patient_msp_id: event.row.patient_msp_id ?? hospitalOf(event.row),
          })
        : {
            ...comparableRow(spec, event.txId, { name: event.name, block_number: event.blockNumber }),
            unknownColumns: UNMAPPED_EVENT_COLUMNS,
          },
    ),
  };
}
