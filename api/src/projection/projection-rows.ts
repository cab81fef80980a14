import type { LedgerEvent } from '../ledger/ledger.port.js';
import {
  type AccessReceiptState,
  type AccessRefusalState,
  type AccessRequestState,
  type CareAssignmentState,
  type ErasureState,
  type EventEnvelope,
  type EventRecords,
  type GrantState,
  InvalidEventEnvelopeError,
  type ParticipantState,
  readEnvelope,
  type ReportState,
  type ReportVoidState,
} from './event-envelope.js';

/**
 * Rows of the projection tables, by column name, as one batch writes them (see
 * ProjectionRepository). Block numbers are decimal text (they are bigints).
 */

/** Where the ledger said a mutable record: its creating transaction, and the one whose version the row shows. */
export interface Versioned {
  /** The block of the creating transaction; null when the row was first seen in a later version. */
  block_number: string | null;
  tx_id: string;
  last_block_number: string;
  last_tx_id: string;
}

export interface ParticipantRow extends Versioned {
  uid: string;
  role: string;
  msp_id: string;
  registered_at: string;
  erased_at: string | null;
}

/** A recorded report, or a void mark (report ID voided and never recorded: only the `voided_` columns set). */
export interface ReportRow extends Versioned {
  report_id: string;
  patient_id: string | null;
  hospital_msp_id: string | null;
  author_id: string | null;
  author_role: string | null;
  author_msp_id: string | null;
  type: string | null;
  cid: string | null;
  ciphertext_sha256: string | null;
  plaintext_commitment: string | null;
  size: number | null;
  recorded_at: string | null;
  write_basis: string | null;
  write_basis_id: string | null;
  voided_at: string | null;
  voided_by: string | null;
  voided_by_msp_id: string | null;
}

export interface RequestRow extends Versioned {
  request_id: string;
  patient_id: string;
  patient_msp_id: string;
  doctor_id: string;
  doctor_msp_id: string;
  report_ids: string[] | null;
  duration_days: number;
  purpose_of_use: string;
  reason_commitment: string;
  status: string;
  requested_at: string;
  decided_at: string | null;
  grant_id: string | null;
}

export interface GrantRow extends Versioned {
  grant_id: string;
  kind: string;
  patient_id: string;
  patient_msp_id: string;
  grantee_kind: string;
  doctor_id: string | null;
  doctor_msp_id: string | null;
  grantee_msp_id: string | null;
  report_ids: string[] | null;
  purpose_of_use: string;
  valid_from: string;
  expires_at: string;
  status: string;
  revoked_at: string | null;
  request_id: string | null;
  justification_commitment: string | null;
  reviewed: boolean | null;
  review_outcome: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface CareAssignmentRow extends Versioned {
  assignment_id: string;
  patient_id: string;
  doctor_id: string;
  hospital_msp_id: string;
  assigned_by: string;
  started_at: string;
  ended_at: string | null;
  ended_by: string | null;
}

export interface ErasureRow {
  patient_id: string;
  erased_by: string;
  erased_by_msp_id: string;
  erased_at: string;
  block_number: string;
  tx_id: string;
}

/** An opening of a report, or a refused attempt; `patient_msp_id` is the report's hospital, looked up in SQL. */
export interface AccessRow {
  tx_id: string;
  block_number: string;
  at: string;
  outcome: 'granted' | 'refused';
  refusal_code: string | null;
  report_id: string;
  patient_id: string;
  actor_id: string;
  actor_role: string;
  actor_msp_id: string;
  basis: string | null;
  grant_id: string | null;
  grantee_kind: string | null;
  purpose_of_use: string | null;
}

/** A timeline row; a null `patient_msp_id` with a patient or a report is looked up in SQL (the report's hospital). */
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
    const version = (txId: string): Versioned => ({
      block_number: txId === event.transactionId ? block : null,
      tx_id: txId,
      last_block_number: block,
      last_tx_id: event.transactionId,
    });
    if (records.participant) participants.put(records.participant.uid, participantRow(records.participant, version));
    if (records.report) reports.put(records.report.reportId, reportRow(records.report, version));
    if (records.void) reports.put(records.void.reportId, voidMarkRow(records.void, version));
    if (records.request) requests.put(records.request.requestId, requestRow(records.request, version));
    if (records.grant) grants.put(records.grant.grantId, grantRow(records.grant, version));
    if (records.care) careAssignments.put(records.care.assignmentId, careRow(records.care, version));
    if (records.erasure && !erasures.has(records.erasure.patientId)) {
      erasures.set(records.erasure.patientId, erasureRow(records.erasure, block));
    }
    if (records.receipt) accesses.set(records.receipt.txId, grantedAccessRow(records.receipt, block));
    if (records.refusal) accesses.set(records.refusal.txId, refusedAccessRow(records.refusal, block));
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
class LatestVersions<Row extends Versioned> {
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

type VersionOf = (txId: string) => Versioned;

const participantRow = (participant: ParticipantState, version: VersionOf): ParticipantRow => ({
  uid: participant.uid,
  role: participant.role,
  msp_id: participant.mspId,
  registered_at: participant.registeredAt,
  erased_at: participant.erasedAt ?? null,
  ...version(participant.txId),
});

const reportRow = (report: ReportState, version: VersionOf): ReportRow => ({
  report_id: report.reportId,
  patient_id: report.patientId,
  hospital_msp_id: report.hospitalMspId,
  author_id: report.authorId,
  author_role: report.authorRole,
  author_msp_id: report.authorMspId,
  type: report.type,
  cid: report.cid,
  ciphertext_sha256: report.ciphertextSha256,
  plaintext_commitment: report.plaintextCommitment,
  size: report.size,
  recorded_at: report.recordedAt,
  write_basis: report.writeBasis,
  write_basis_id: report.writeBasisId,
  voided_at: null,
  voided_by: null,
  voided_by_msp_id: null,
  ...version(report.txId),
});

const voidMarkRow = (mark: ReportVoidState, version: VersionOf): ReportRow => ({
  report_id: mark.reportId,
  patient_id: null,
  hospital_msp_id: null,
  author_id: null,
  author_role: null,
  author_msp_id: null,
  type: null,
  cid: null,
  ciphertext_sha256: null,
  plaintext_commitment: null,
  size: null,
  recorded_at: null,
  write_basis: null,
  write_basis_id: null,
  voided_at: mark.voidedAt,
  voided_by: mark.voidedBy,
  voided_by_msp_id: mark.voidedByMspId,
  ...version(mark.txId),
});

const requestRow = (request: AccessRequestState, version: VersionOf): RequestRow => ({
  request_id: request.requestId,
  patient_id: request.patientId,
  patient_msp_id: request.patientMspId,
  doctor_id: request.doctorId,
  doctor_msp_id: request.doctorMspId,
  report_ids: request.reportIds,
  duration_days: request.durationDays,
  purpose_of_use: request.purposeOfUse,
  reason_commitment: request.reasonCommitment,
  status: request.status,
  requested_at: request.requestedAt,
  decided_at: request.decidedAt,
  grant_id: request.grantId,
  ...version(request.txId),
});

const grantRow = (grant: GrantState, version: VersionOf): GrantRow => ({
  grant_id: grant.grantId,
  kind: grant.kind,
  patient_id: grant.patientId,
  patient_msp_id: grant.patientMspId,
  grantee_kind: grant.granteeKind,
  doctor_id: grant.doctorId,
  doctor_msp_id: grant.doctorMspId,
  grantee_msp_id: grant.granteeMspId,
  report_ids: grant.reportIds,
  purpose_of_use: grant.purposeOfUse,
  valid_from: grant.validFrom,
  expires_at: grant.expiresAt,
  status: grant.status,
  revoked_at: grant.revokedAt,
  request_id: grant.requestId,
  justification_commitment: grant.justificationCommitment,
  reviewed: grant.reviewed,
  review_outcome: grant.reviewOutcome,
  reviewed_by: grant.reviewedBy,
  reviewed_at: grant.reviewedAt,
  ...version(grant.txId),
});

const careRow = (care: CareAssignmentState, version: VersionOf): CareAssignmentRow => ({
  assignment_id: care.assignmentId,
  patient_id: care.patientId,
  doctor_id: care.doctorId,
  hospital_msp_id: care.hospitalMspId,
  assigned_by: care.assignedBy,
  started_at: care.startedAt,
  ended_at: care.endedAt,
  ended_by: care.endedBy,
  ...version(care.txId),
});

const erasureRow = (erasure: ErasureState, block: string): ErasureRow => ({
  patient_id: erasure.patientId,
  erased_by: erasure.erasedBy,
  erased_by_msp_id: erasure.erasedByMspId,
  erased_at: erasure.erasedAt,
  block_number: block,
  tx_id: erasure.txId,
});

const grantedAccessRow = (receipt: AccessReceiptState, block: string): AccessRow => ({
  tx_id: receipt.txId,
  block_number: block,
  at: receipt.at,
  outcome: 'granted',
  refusal_code: null,
  report_id: receipt.reportId,
  patient_id: receipt.patientId,
  actor_id: receipt.readerId,
  actor_role: receipt.readerRole,
  actor_msp_id: receipt.readerMspId,
  basis: receipt.basis,
  grant_id: receipt.grantId,
  grantee_kind: receipt.granteeKind,
  purpose_of_use: receipt.purposeOfUse,
});

const refusedAccessRow = (refusal: AccessRefusalState, block: string): AccessRow => ({
  tx_id: refusal.txId,
  block_number: block,
  at: refusal.at,
  outcome: 'refused',
  refusal_code: refusal.code,
  report_id: refusal.reportId,
  patient_id: refusal.patientId,
  actor_id: refusal.readerId,
  actor_role: refusal.readerRole,
  actor_msp_id: refusal.readerMspId,
  basis: null,
  grant_id: refusal.grantId,
  grantee_kind: null,
  purpose_of_use: refusal.purposeOfUse,
});

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

const NO_FACTS = {
  patient_id: null,
  patient_msp_id: null,
  report_id: null,
  other_msp_id: null,
  purpose_of_use: null,
  outcome: null,
  refusal_code: null,
} as const;

/** The record of type `type` the event must carry. */
function need<Type extends keyof EventRecords>(records: EventRecords, type: Type): NonNullable<EventRecords[Type]> {
  const record = records[type];
  if (!record) throw new InvalidEventEnvelopeError([`records.${type}`]);
  return record;
}

/** A hospital named by the event, when it is not the signer's own (the signer's is `actor_msp_id`). */
const otherThanActor = (envelope: EventEnvelope, mspId: string | null): string | null =>
  mspId !== null && mspId !== envelope.actor.mspId ? mspId : null;

const requestFacts = (envelope: EventEnvelope): EventFacts => {
  const request = need(envelope.records, 'request');
  return {
    ...NO_FACTS,
    subject_type: 'request',
    subject_id: request.requestId,
    patient_id: request.patientId,
    patient_msp_id: request.patientMspId,
    other_msp_id: otherThanActor(envelope, request.doctorMspId),
    purpose_of_use: request.purposeOfUse,
  };
};

const grantFacts = (envelope: EventEnvelope): EventFacts => {
  const grant = need(envelope.records, 'grant');
  return {
    ...NO_FACTS,
    subject_type: 'grant',
    subject_id: grant.grantId,
    patient_id: grant.patientId,
    patient_msp_id: grant.patientMspId,
    other_msp_id: otherThanActor(envelope, grant.doctorMspId ?? grant.granteeMspId),
    purpose_of_use: grant.purposeOfUse,
  };
};

const careFacts = (envelope: EventEnvelope): EventFacts => {
  const care = need(envelope.records, 'care');
  return {
    ...NO_FACTS,
    subject_type: 'care',
    subject_id: care.assignmentId,
    patient_id: care.patientId,
    patient_msp_id: care.hospitalMspId,
  };
};

/** Each event name's timeline row: its subject, the patient and report it concerns, its outcome. */
const TIMELINE = new Map<string, (envelope: EventEnvelope) => EventFacts>(
  Object.entries({
    ParticipantRegistered: (envelope) => {
      const participant = need(envelope.records, 'participant');
      const patient = participant.role === 'patient';
      return {
        ...NO_FACTS,
        subject_type: 'participant',
        subject_id: participant.uid,
        patient_id: patient ? participant.uid : null,
        patient_msp_id: patient ? participant.mspId : null,
      };
    },
    ReportRecorded: (envelope) => {
      const report = need(envelope.records, 'report');
      return {
        ...NO_FACTS,
        subject_type: 'report',
        subject_id: report.reportId,
        patient_id: report.patientId,
        patient_msp_id: report.hospitalMspId,
        report_id: report.reportId,
      };
    },
    ReportVoided: (envelope) => {
      const mark = need(envelope.records, 'void');
      return { ...NO_FACTS, subject_type: 'report', subject_id: mark.reportId, report_id: mark.reportId };
    },
    ReportAccessed: (envelope) => {
      const receipt = need(envelope.records, 'receipt');
      return {
        ...NO_FACTS,
        subject_type: 'receipt',
        subject_id: receipt.txId,
        patient_id: receipt.patientId,
        report_id: receipt.reportId,
        purpose_of_use: receipt.purposeOfUse,
        outcome: 'granted',
      };
    },
    ReportAccessRefused: (envelope) => {
      const refusal = need(envelope.records, 'refusal');
      return {
        ...NO_FACTS,
        subject_type: 'refusal',
        subject_id: refusal.txId,
        patient_id: refusal.patientId,
        report_id: refusal.reportId,
        purpose_of_use: refusal.purposeOfUse,
        outcome: 'refused',
        refusal_code: refusal.code,
      };
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
    PatientErased: (envelope) => {
      const erasure = need(envelope.records, 'erasure');
      return {
        ...NO_FACTS,
        subject_type: 'erasure',
        subject_id: erasure.patientId,
        patient_id: erasure.patientId,
        // The admin who records an erasure is of the patient's hospital.
        patient_msp_id: envelope.records.participant?.mspId ?? erasure.erasedByMspId,
      };
    },
  }),
);
