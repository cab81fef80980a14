import type { LedgerEvent } from '../ledger/ledger.port.js';
import { type EventEnvelope, type EventRecords, InvalidEventEnvelopeError, readEnvelope } from './event-envelope.js';
import { rowOf } from './record-rows.js';

/**
 * Rows of the projection tables, by column name, as one batch writes them (see
 * ProjectionRepository): each record's row (record-rows.ts) and where the ledger said it.
 * Block numbers are decimal text (they are bigints).
 */

/** Where the ledger said a mutable record: the block of its creating transaction, and the transaction whose version the row shows. */
export interface Versioned {
  /** The block of the creating transaction (`tx_id`); null when the row was first seen in a later version. */
  block_number: string | null;
  last_block_number: string;
  last_tx_id: string;
}

/** An appended record's block. */
interface Appended {
  block_number: string;
}

export type ParticipantRow = ReturnType<typeof rowOf.participant> & Versioned;
/** A recorded report, or a void mark (report ID voided and never recorded: only the `voided_` columns set). */
export type ReportRow = ReturnType<typeof rowOf.report | typeof rowOf.void> & Versioned;
export type RequestRow = ReturnType<typeof rowOf.request> & Versioned;
export type GrantRow = ReturnType<typeof rowOf.grant> & Versioned;
export type CareAssignmentRow = ReturnType<typeof rowOf.care> & Versioned;
export type ErasureRow = ReturnType<typeof rowOf.erasure> & Appended;
/** An opening of a report, or a refused attempt; `patient_msp_id` is the report's hospital, looked up in SQL. */
export type AccessRow = ReturnType<typeof rowOf.receipt | typeof rowOf.refusal> & Appended;

/**
 * A timeline row; a null `patient_msp_id` with a patient or a report is looked up in SQL
 * (the report's hospital, else the patient's participant row).
 */
export interface EventRow {
  tx_id: string;
  block_number: string;
  at: string;
  name: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_msp_id: string;
  patient_id: string | null;
  patient_msp_id: string | null;
  report_id: string | null;
  subject_type: SubjectType;
  subject_id: string;
  other_msp_id: string | null;
  purpose_of_use: string | null;
  outcome: string | null;
  refusal_code: string | null;
}

export type SubjectType = 'participant' | 'report' | 'request' | 'grant' | 'care' | 'erasure' | 'receipt' | 'refusal';

export interface ProjectionRows {
  participants: ParticipantRow[];
  reports: ReportRow[];
  requests: RequestRow[];
  grants: GrantRow[];
  careAssignments: CareAssignmentRow[];
  erasures: ErasureRow[];
  accesses: AccessRow[];
  events: EventRow[];
}

/**
 * An event the projection leaves out, and why: written before the v2 envelope (`legacy`),
 * with an envelope it cannot write (`invalid`, naming the fields), or of a name it does not
 * know (`unknown`).
 */
export interface SkippedEvent {
  transactionId: string;
  name: string;
  reason: 'legacy' | 'invalid' | 'unknown';
  fields?: string[];
}

/** Events that are not part of the projection at all (the system's connectivity probes). */
const NOT_PROJECTED = new Set(['ProbeRecorded']);

/**
 * The rows a batch of events writes: every record each event carries goes to its table,
 * and each event but a probe is one row of `projection_events`. Versions of one record in
 * one batch make one row, the latest (a multi-row upsert may change a row once only); its
 * creating block stays known. Events without the v2 envelope, or that cannot be written,
 * are left out whole and listed in `skipped`.
 */
export function projectionRowsOf(events: LedgerEvent[]): { rows: ProjectionRows; skipped: SkippedEvent[] } {
  const participants = new LatestVersions<ParticipantRow>();
  const reports = new LatestVersions<ReportRow>();
  const requests = new LatestVersions<RequestRow>();
  const grants = new LatestVersions<GrantRow>();
  const careAssignments = new LatestVersions<CareAssignmentRow>();
  const erasures = new Map<string, ErasureRow>();
  const accesses = new Map<string, AccessRow>();
  const timeline = new Map<string, EventRow>();
  const skipped: SkippedEvent[] = [];

  for (const event of events) {
    if (NOT_PROJECTED.has(event.name)) continue;
    const skip = (reason: SkippedEvent['reason'], fields?: string[]) =>
      skipped.push({ transactionId: event.transactionId, name: event.name, reason, ...(fields && { fields }) });
    let envelope: EventEnvelope | null;
    let eventRow: EventRow;
    try {
      envelope = readEnvelope(event.payload);
      if (envelope === null) {
        skip('legacy');
        continue;
      }
      const facts = TIMELINE.get(event.name);
      if (!facts) {
        skip('unknown');
        continue;
      }
      eventRow = { ...eventColumns(event, envelope), ...facts(envelope) };
    } catch (error) {
      if (!(error instanceof InvalidEventEnvelopeError)) throw error;
      skip('invalid', error.fields);
      continue;
    }

    const { records } = envelope;
    const block = event.blockNumber.toString();
    const versioned = <Row extends { tx_id: string }>(row: Row): Row & Versioned => ({
      ...row,
      block_number: row.tx_id === event.transactionId ? block : null,
      last_block_number: block,
      last_tx_id: event.transactionId,
    });
    const appended = <Row extends object>(row: Row): Row & Appended => ({ ...row, block_number: block });
    if (records.participant)
      participants.put(records.participant.uid, versioned(rowOf.participant(records.participant)));
    if (records.report) reports.put(records.report.reportId, versioned(rowOf.report(records.report)));
    if (records.void) reports.put(records.void.reportId, versioned(rowOf.void(records.void)));
    if (records.request) requests.put(records.request.requestId, versioned(rowOf.request(records.request)));
    if (records.grant) grants.put(records.grant.grantId, versioned(rowOf.grant(records.grant)));
    if (records.care) careAssignments.put(records.care.assignmentId, versioned(rowOf.care(records.care)));
    if (records.erasure && !erasures.has(records.erasure.patientId)) {
      erasures.set(records.erasure.patientId, appended(rowOf.erasure(records.erasure)));
    }
    if (records.receipt) accesses.set(records.receipt.txId, appended(rowOf.receipt(records.receipt)));
    if (records.refusal) accesses.set(records.refusal.txId, appended(rowOf.refusal(records.refusal)));
    timeline.set(eventRow.tx_id, eventRow);
  }

  return {
    rows: {
      participants: participants.rows(),
      reports: reports.rows(),
      requests: requests.rows(),
      grants: grants.rows(),
      careAssignments: careAssignments.rows(),
      erasures: [...erasures.values()],
      accesses: [...accesses.values()],
      events: [...timeline.values()],
    },
    skipped,
  };
}

/** The latest version of each record of a batch, in the order the records first came. */
class LatestVersions<Row extends Versioned & { tx_id: string }> {
  private readonly byKey = new Map<string, Row>();

  put(key: string, row: Row): void {
    const earlier = this.byKey.get(key);
    const creationSeen = earlier && row.block_number === null && earlier.tx_id === row.tx_id;
    this.byKey.set(key, creationSeen ? { ...row, block_number: earlier.block_number } : row);
  }

  rows(): Row[] {
    return [...this.byKey.values()];
  }
}

/** The columns of a timeline row that every event has: where, when, by whom. */
const eventColumns = (event: LedgerEvent, envelope: EventEnvelope) => ({
  tx_id: event.transactionId,
  block_number: event.blockNumber.toString(),
  at: envelope.at,
  name: event.name,
  actor_id: envelope.actor.id,
  actor_role: envelope.actor.role,
  actor_msp_id: envelope.actor.mspId,
});

/** What a timeline row says of its event beyond where, when and by whom. */
type EventFacts = Omit<EventRow, keyof ReturnType<typeof eventColumns>>;

/** A timeline row's facts: its subject, and what else the event says (the rest null). */
const factsOf = (subject_type: SubjectType, subject_id: string, said: Partial<EventFacts> = {}): EventFacts => ({
  patient_id: null,
  patient_msp_id: null,
  report_id: null,
  other_msp_id: null,
  purpose_of_use: null,
  outcome: null,
  refusal_code: null,
  subject_type,
  subject_id,
  ...said,
});

/** The record of type `type` the event must carry. */
function need<Type extends keyof EventRecords>(records: EventRecords, type: Type): NonNullable<EventRecords[Type]> {
  const record = records[type];
  if (!record) throw new InvalidEventEnvelopeError([`records.${type}`]);
  return record;
}

/**
 * What an event about consent says: the patient, the purpose, and the other hospital (the
 * asking doctor's, or the one a grant lets in) when it is not the signer's (`actor_msp_id`).
 */
const consentFacts = (
  envelope: EventEnvelope,
  consent: { patientId: string; patientMspId: string; purposeOfUse: string },
  otherMspId: string | null,
): Partial<EventFacts> => ({
  patient_id: consent.patientId,
  patient_msp_id: consent.patientMspId,
  purpose_of_use: consent.purposeOfUse,
  other_msp_id: otherMspId !== envelope.actor.mspId ? otherMspId : null,
});

const requestFacts = (envelope: EventEnvelope): EventFacts => {
  const request = need(envelope.records, 'request');
  return factsOf('request', request.requestId, consentFacts(envelope, request, request.doctorMspId));
};

const grantFacts = (envelope: EventEnvelope): EventFacts => {
  const grant = need(envelope.records, 'grant');
  return factsOf('grant', grant.grantId, consentFacts(envelope, grant, grant.doctorMspId ?? grant.granteeMspId));
};

/**
 * What an event about care says: the patient, whose hospital (not in the record) is looked
 * up in SQL from the patient's participant row, and the care team's hospital (the one whose
 * admins assign and end it, and whose doctor it admits) as the other hospital. The care
 * team's hospital is not the patient's when a hospital takes another hospital's patient in
 * its care: the patient's hospital's auditors see that assignment too.
 */
const careFacts = (envelope: EventEnvelope): EventFacts => {
  const care = need(envelope.records, 'care');
  return factsOf('care', care.assignmentId, {
    patient_id: care.patientId,
    patient_msp_id: null,
    other_msp_id: care.hospitalMspId,
  });
};

/** Each event name's timeline row: its subject, the patient and report it concerns, its outcome. */
const TIMELINE = new Map<string, (envelope: EventEnvelope) => EventFacts>(
  Object.entries({
    ParticipantRegistered: ({ records }) => {
      const participant = need(records, 'participant');
      const patient = participant.role === 'patient';
      return factsOf(
        'participant',
        participant.uid,
        patient ? { patient_id: participant.uid, patient_msp_id: participant.mspId } : {},
      );
    },
    ReportRecorded: ({ records }) => {
      const report = need(records, 'report');
      return factsOf('report', report.reportId, {
        patient_id: report.patientId,
        patient_msp_id: report.hospitalMspId,
        report_id: report.reportId,
      });
    },
    ReportVoided: ({ records }) => {
      const mark = need(records, 'void');
      return factsOf('report', mark.reportId, { report_id: mark.reportId });
    },
    ReportAccessed: ({ records }) => {
      const receipt = need(records, 'receipt');
      return factsOf('receipt', receipt.txId, {
        patient_id: receipt.patientId,
        report_id: receipt.reportId,
        purpose_of_use: receipt.purposeOfUse,
        outcome: 'granted',
      });
    },
    ReportAccessRefused: ({ records }) => {
      const refusal = need(records, 'refusal');
      return factsOf('refusal', refusal.txId, {
        patient_id: refusal.patientId,
        report_id: refusal.reportId,
        purpose_of_use: refusal.purposeOfUse,
        outcome: 'refused',
        refusal_code: refusal.code,
      });
    },
    AccessRequested: requestFacts,
    RequestDenied: requestFacts,
    RequestCancelled: requestFacts,
    RequestApproved: (envelope) => {
      const request = need(envelope.records, 'request');
      // The request is its subject; the grant it created names the hospital it lets in.
      return { ...grantFacts(envelope), subject_type: 'request', subject_id: request.requestId };
    },
    AccessGranted: grantFacts,
    GrantRevoked: grantFacts,
    EmergencyDeclared: grantFacts,
    EmergencyReviewed: (envelope) => ({
      ...grantFacts(envelope),
      outcome: need(envelope.records, 'grant').reviewOutcome,
    }),
    CareAssigned: careFacts,
    CareEnded: careFacts,
    PatientErased: ({ records }) => {
      const erasure = need(records, 'erasure');
      return factsOf('erasure', erasure.patientId, {
        patient_id: erasure.patientId,
        // The admin who records an erasure is of the patient's hospital.
        patient_msp_id: records.participant?.mspId ?? erasure.erasedByMspId,
      });
    },
  }),
);
