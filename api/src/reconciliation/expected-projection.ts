import type {
  AccessRequestRecord,
  CareAssignmentRecord,
  ErasureRecord,
  GrantRecord,
  InspectedParticipant,
  InspectedReceipt,
  InspectedRefusal,
  InspectedReport,
} from '../ledger/ledger.port.js';
import { rowOf } from '../projection/record-rows.js';
import { type ComparableRow, comparableRow, RECONCILED_TABLES, type ReconciledTableName } from './reconciled-tables.js';

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
}

/**
 * The rows the projection must hold, by table, as the ledger's records say them: each
 * record's row as the projection writes it (record-rows.ts), an access row's hospital the
 * report's (as the projection looks it up), and of each record's creating transaction one
 * timeline row under the name of the event that transaction emitted.
 */
export function expectedProjection(facts: LedgerFacts): Record<ReconciledTableName, ComparableRow[]> {
  const events: ComparableRow[] = [];
  /** Each record's row of `table`, keyed by the table's key column; its creating transaction's timeline row. */
  const rowsOf = <LedgerRecord extends { txId: string }>(
    table: ReconciledTableName,
    records: LedgerRecord[],
    columns: (record: LedgerRecord) => { [column: string]: unknown },
    createdBy: (record: LedgerRecord) => string,
  ): ComparableRow[] =>
    records.map((record) => {
      events.push(comparableRow(RECONCILED_TABLES.events, record.txId, { name: createdBy(record) }));
      const spec = RECONCILED_TABLES[table];
      const values = columns(record);
      return comparableRow(spec, values[spec.key], values);
    });
  // An access row's hospital is the report's; a report the ledger did not list leaves it to the patient's.
  const reportHospital = new Map(facts.reports.map((report) => [report.reportId, report.hospitalMspId]));
  const patientHospital = new Map(facts.participants.map((participant) => [participant.uid, participant.mspId]));
  const hospitalOfAccess = (opening: { reportId: string; patientId: string }) => ({
    patient_msp_id: reportHospital.get(opening.reportId) ?? patientHospital.get(opening.patientId) ?? null,
  });

  const tables = {
    participants: rowsOf('participants', facts.participants, rowOf.participant, () => 'ParticipantRegistered'),
    reports: rowsOf('reports', facts.reports, rowOf.report, () => 'ReportRecorded'),
    requests: rowsOf('requests', facts.requests, rowOf.request, () => 'AccessRequested'),
    grants: rowsOf('grants', facts.grants, rowOf.grant, creatingEventOfGrant),
    careAssignments: rowsOf('careAssignments', facts.careAssignments, rowOf.care, () => 'CareAssigned'),
    erasures: rowsOf('erasures', facts.erasures, rowOf.erasure, () => 'PatientErased'),
    accesses: [
      ...rowsOf(
        'accesses',
        facts.receipts,
        (receipt) => ({ ...rowOf.receipt(receipt), ...hospitalOfAccess(receipt) }),
        () => 'ReportAccessed',
      ),
      ...rowsOf(
        'accesses',
        facts.refusals,
        (refusal) => ({ ...rowOf.refusal(refusal), ...hospitalOfAccess(refusal) }),
        () => 'ReportAccessRefused',
      ),
    ],
  };
  return { ...tables, events };
}

/** The event of the transaction that created a grant: a declared emergency, an approved request, or a direct grant. */
function creatingEventOfGrant(grant: GrantRecord): string {
  if (grant.kind === 'emergency') return 'EmergencyDeclared';
  return grant.requestId !== null ? 'RequestApproved' : 'AccessGranted';
}
