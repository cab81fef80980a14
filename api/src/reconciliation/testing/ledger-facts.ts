import type { LedgerEvent } from '../../ledger/ledger.port.js';
import { eventFactsOf, type LedgerFacts } from '../expected-projection.js';
import {
  comparableRow,
  type ProjectedRow,
  RECONCILED_TABLE_NAMES,
  RECONCILED_TABLES,
  type ReconciledTableName,
} from '../reconciled-tables.js';

/** IDs of a small ledger: one hospital-A patient, their doctor, one report, one grant, one opening, one refusal. */
export const IDS = {
  patient: '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10',
  doctor: '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  admin: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098',
  report: 'c4a2e8f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
  otherReport: 'd5b3f901-2c4e-4f60-9b8c-0d1e2f3a4b5c',
  request: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  grant: 'c0ffee00-1234-4abc-8def-0123456789ab',
  care: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
} as const;

/** A transaction ID (64 hex digits) from a short tag. */
export const txId = (tag: string): string => Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64);

/** The block of each transaction of that small ledger (two in block 1, two in block 4). */
const BLOCKS: Record<string, bigint> = {
  'register-patient': 1n,
  'register-doctor': 1n,
  'assign-care': 2n,
  'record-report': 3n,
  'open-report': 4n,
  'refused-open': 4n,
  'request-access': 5n,
  'approve-request': 6n,
  probe: 6n,
};

/** The block of a transaction of that small ledger, as PostgreSQL answers a bigint: text. */
const blockText = (id: string): string | null => {
  const tag = Object.keys(BLOCKS).find((candidate) => txId(candidate) === id);
  return tag === undefined ? null : String(BLOCKS[tag]);
};

/** Who signed its transactions, as the events' `actor` says. */
export const ACTORS = {
  admin: { id: IDS.admin, role: 'admin', mspId: 'HospitalAMSP' },
  doctor: { id: IDS.doctor, role: 'doctor', mspId: 'HospitalAMSP' },
  patient: { id: IDS.patient, role: 'patient', mspId: 'HospitalAMSP' },
  service: { id: null, role: 'service', mspId: 'HospitalAMSP' },
} as const;

/** The ledger's records and events of that small ledger (each event's timeline row made as the projection makes it). */
export function ledgerFacts(): LedgerFacts {
  const records = ledgerRecords();
  return { ...records, events: eventFactsOf(ledgerEvents(records)) };
}

/**
 * A chaincode event as the blocks hold it: the v2 envelope (`at`, `actor`, `records`) beside
 * the IDs the event has always carried.
 */
export function ledgerEvent(
  tag: string,
  blockNumber: bigint,
  name: string,
  actor: keyof typeof ACTORS,
  at: string,
  records: Record<string, unknown>,
  ids: Record<string, string> = {},
): LedgerEvent {
  return { blockNumber, transactionId: txId(tag), name, payload: { ...ids, at, actor: ACTORS[actor], records } };
}

/** The chaincode events of that small ledger, in ledger order: one per transaction, and a connectivity probe. */
export function ledgerEvents(records: Omit<LedgerFacts, 'events'> = ledgerRecords()): LedgerEvent[] {
  const [patient, doctor] = records.participants;
  const [report] = records.reports;
  const [receipt] = records.receipts;
  const [refusal] = records.refusals;
  const [request] = records.requests;
  const [grant] = records.grants;
  const [care] = records.careAssignments;
  const event = (
    tag: string,
    name: string,
    actor: keyof typeof ACTORS,
    at: string,
    written: Record<string, unknown>,
    ids: Record<string, string> = {},
  ) => ledgerEvent(tag, BLOCKS[tag], name, actor, at, written, ids);
  // A grant as stored: how it stands now (`effectiveStatus`) is the listing's, never written.
  const storedGrant = { ...grant, effectiveStatus: undefined };
  return [
    event('register-patient', 'ParticipantRegistered', 'admin', patient.registeredAt, { participant: patient }),
    event('register-doctor', 'ParticipantRegistered', 'admin', doctor.registeredAt, { participant: doctor }),
    event('assign-care', 'CareAssigned', 'admin', care.startedAt, { care }, { assignmentId: care.assignmentId }),
    event('record-report', 'ReportRecorded', 'doctor', report.recordedAt, { report }, { reportId: report.reportId }),
    event('open-report', 'ReportAccessed', 'doctor', receipt.at, { receipt }, { reportId: receipt.reportId }),
    event('refused-open', 'ReportAccessRefused', 'admin', refusal.at, { refusal }, { reportId: refusal.reportId }),
    event(
      'request-access',
      'AccessRequested',
      'doctor',
      request.requestedAt,
      { request: { ...request, status: 'pending', decidedAt: null, grantId: null } },
      { requestId: request.requestId },
    ),
    event(
      'approve-request',
      'RequestApproved',
      'patient',
      request.decidedAt!,
      { request, grant: storedGrant },
      { requestId: request.requestId, grantId: grant.grantId },
    ),
    // Not part of the projection: no row on either side.
    event('probe', 'ProbeRecorded', 'service', '2025-03-02T10:00:01.000Z', {}),
  ];
}

/** The ledger's records of that small ledger, as the service identities list them. */
export function ledgerRecords(): Omit<LedgerFacts, 'events'> {
  return {
    participants: [
      {
        uid: IDS.patient,
        role: 'patient',
        mspId: 'HospitalAMSP',
        registeredAt: '2025-03-01T09:00:00.000Z',
        erasedAt: null,
        txId: txId('register-patient'),
      },
      {
        uid: IDS.doctor,
        role: 'doctor',
        mspId: 'HospitalAMSP',
        registeredAt: '2025-03-01T09:01:00.000Z',
        erasedAt: null,
        txId: txId('register-doctor'),
      },
    ],
    reports: [
      {
        reportId: IDS.report,
        patientId: IDS.patient,
        hospitalMspId: 'HospitalAMSP',
        authorId: IDS.doctor,
        authorMspId: 'HospitalAMSP',
        authorRole: 'doctor',
        type: 'lab',
        cid: 'bafkreiexamplecid',
        ciphertextSha256: 'a'.repeat(64),
        plaintextCommitment: 'b'.repeat(64),
        size: 10240,
        encryptionScheme: 'aes-256-gcm-chunked-v1',
        recordedAt: '2025-03-01T10:00:00.000Z',
        writeBasis: 'care',
        writeBasisId: IDS.care,
        txId: txId('record-report'),
      },
    ],
    receipts: [
      {
        txId: txId('open-report'),
        reportId: IDS.report,
        patientId: IDS.patient,
        readerId: IDS.doctor,
        readerMspId: 'HospitalAMSP',
        readerRole: 'doctor',
        basis: 'author',
        grantId: null,
        granteeKind: null,
        purposeOfUse: 'TREAT',
        at: '2025-03-01T11:00:00.000Z',
      },
    ],
    refusals: [
      {
        txId: txId('refused-open'),
        reportId: IDS.report,
        patientId: IDS.patient,
        readerId: IDS.admin,
        readerMspId: 'HospitalAMSP',
        readerRole: 'admin',
        code: 'FORBIDDEN',
        purposeOfUse: null,
        grantId: null,
        at: '2025-03-01T11:30:00.000Z',
      },
    ],
    requests: [
      {
        requestId: IDS.request,
        patientId: IDS.patient,
        patientMspId: 'HospitalAMSP',
        doctorId: IDS.doctor,
        doctorMspId: 'HospitalAMSP',
        reportIds: [IDS.report, IDS.otherReport],
        durationDays: 7,
        purposeOfUse: 'TREAT',
        reasonCommitment: 'c'.repeat(64),
        status: 'approved',
        requestedAt: '2025-03-02T09:00:00.000Z',
        decidedAt: '2025-03-02T10:00:00.000Z',
        grantId: IDS.grant,
        txId: txId('request-access'),
      },
    ],
    grants: [
      {
        grantId: IDS.grant,
        kind: 'consent',
        patientId: IDS.patient,
        patientMspId: 'HospitalAMSP',
        granteeKind: 'doctor',
        doctorId: IDS.doctor,
        doctorMspId: 'HospitalAMSP',
        granteeMspId: null,
        reportIds: [IDS.report, IDS.otherReport],
        purposeOfUse: 'TREAT',
        validFrom: '2025-03-02T10:00:00.000Z',
        expiresAt: '2025-03-09T10:00:00.000Z',
        status: 'active',
        revokedAt: null,
        requestId: IDS.request,
        justificationCommitment: null,
        reviewed: null,
        reviewOutcome: null,
        reviewedBy: null,
        reviewedAt: null,
        effectiveStatus: 'expired',
        txId: txId('approve-request'),
      },
    ],
    careAssignments: [
      {
        assignmentId: IDS.care,
        patientId: IDS.patient,
        doctorId: IDS.doctor,
        hospitalMspId: 'HospitalAMSP',
        assignedBy: IDS.admin,
        startedAt: '2025-03-01T09:30:00.000Z',
        endedAt: null,
        endedBy: null,
        txId: txId('assign-care'),
      },
    ],
    erasures: [],
  };
}

/**
 * The projection's rows of the same ledger as PostgreSQL answers them: times as Date
 * objects, big integers and UUIDs as text, ID lists in the order the database keeps, every
 * version written at block 5; the timeline rows of its events written out by hand.
 */
export function projectionOf(facts: LedgerFacts, versionBlock = 5n): Record<ReconciledTableName, ProjectedRow[]> {
  const time = (iso: string | null) => (iso === null ? null : new Date(iso));
  const [patient, doctor] = facts.participants;
  const [report] = facts.reports;
  const [receipt] = facts.receipts;
  const [refusal] = facts.refusals;
  const [request] = facts.requests;
  const [care] = facts.careAssignments;
  /** A timeline row: where, when, by whom, and what the event says (the rest null, as comparableRow reads it). */
  const timeline = (
    tag: string,
    at: string,
    name: string,
    actor: keyof typeof ACTORS,
    said: Record<string, unknown>,
  ): [string, Record<string, unknown>] => [
    txId(tag),
    {
      block_number: blockText(txId(tag)),
      at: time(at),
      name,
      actor_id: ACTORS[actor].id,
      actor_role: ACTORS[actor].role,
      actor_msp_id: ACTORS[actor].mspId,
      ...said,
    },
  ];
  const rows: Record<ReconciledTableName, Array<[string, Record<string, unknown>]>> = {
    participants: facts.participants.map((p) => [
      p.uid,
      {
        role: p.role,
        msp_id: p.mspId,
        registered_at: time(p.registeredAt),
        erased_at: time(p.erasedAt),
        tx_id: p.txId,
        block_number: blockText(p.txId),
      },
    ]),
    reports: facts.reports.map((r) => [
      r.reportId,
      {
        patient_id: r.patientId,
        hospital_msp_id: r.hospitalMspId,
        author_id: r.authorId,
        author_role: r.authorRole,
        author_msp_id: r.authorMspId,
        type: r.type,
        cid: r.cid,
        ciphertext_sha256: r.ciphertextSha256,
        plaintext_commitment: r.plaintextCommitment,
        size: String(r.size),
        recorded_at: time(r.recordedAt),
        write_basis: r.writeBasis,
        write_basis_id: r.writeBasisId,
        voided_at: null,
        voided_by: null,
        voided_by_msp_id: null,
        tx_id: r.txId,
        block_number: blockText(r.txId),
      },
    ]),
    requests: facts.requests.map((r) => [
      r.requestId,
      {
        patient_id: r.patientId,
        patient_msp_id: r.patientMspId,
        doctor_id: r.doctorId,
        doctor_msp_id: r.doctorMspId,
        report_ids: r.reportIds && [...r.reportIds].reverse(),
        duration_days: r.durationDays,
        purpose_of_use: r.purposeOfUse,
        reason_commitment: r.reasonCommitment,
        status: r.status,
        requested_at: time(r.requestedAt),
        decided_at: time(r.decidedAt),
        grant_id: r.grantId,
        tx_id: r.txId,
        block_number: blockText(r.txId),
      },
    ]),
    grants: facts.grants.map((g) => [
      g.grantId,
      {
        kind: g.kind,
        patient_id: g.patientId,
        patient_msp_id: g.patientMspId,
        grantee_kind: g.granteeKind,
        doctor_id: g.doctorId,
        doctor_msp_id: g.doctorMspId,
        grantee_msp_id: g.granteeMspId,
        report_ids: g.reportIds && [...g.reportIds].reverse(),
        purpose_of_use: g.purposeOfUse,
        valid_from: time(g.validFrom),
        expires_at: time(g.expiresAt),
        status: g.status,
        revoked_at: time(g.revokedAt),
        request_id: g.requestId,
        justification_commitment: g.justificationCommitment,
        reviewed: g.reviewed,
        review_outcome: g.reviewOutcome,
        reviewed_by: g.reviewedBy,
        reviewed_at: time(g.reviewedAt),
        tx_id: g.txId,
        block_number: blockText(g.txId),
      },
    ]),
    careAssignments: facts.careAssignments.map((c) => [
      c.assignmentId,
      {
        patient_id: c.patientId,
        doctor_id: c.doctorId,
        hospital_msp_id: c.hospitalMspId,
        assigned_by: c.assignedBy,
        started_at: time(c.startedAt),
        ended_at: time(c.endedAt),
        ended_by: c.endedBy,
        tx_id: c.txId,
        block_number: blockText(c.txId),
      },
    ]),
    erasures: facts.erasures.map((e) => [
      e.patientId,
      {
        erased_by: e.erasedBy,
        erased_by_msp_id: e.erasedByMspId,
        erased_at: time(e.erasedAt),
        tx_id: e.txId,
        block_number: blockText(e.txId),
      },
    ]),
    accesses: [
      ...facts.receipts.map((r): [string, Record<string, unknown>] => [
        r.txId,
        {
          block_number: blockText(r.txId),
          at: time(r.at),
          outcome: 'granted',
          refusal_code: null,
          report_id: r.reportId,
          patient_id: r.patientId,
          patient_msp_id: 'HospitalAMSP',
          actor_id: r.readerId,
          actor_role: r.readerRole,
          actor_msp_id: r.readerMspId,
          basis: r.basis,
          grant_id: r.grantId,
          grantee_kind: r.granteeKind,
          purpose_of_use: r.purposeOfUse,
        },
      ]),
      ...facts.refusals.map((r): [string, Record<string, unknown>] => [
        r.txId,
        {
          block_number: blockText(r.txId),
          at: time(r.at),
          outcome: 'refused',
          refusal_code: r.code,
          report_id: r.reportId,
          patient_id: r.patientId,
          patient_msp_id: 'HospitalAMSP',
          actor_id: r.readerId,
          actor_role: r.readerRole,
          actor_msp_id: r.readerMspId,
          basis: null,
          grant_id: r.grantId,
          grantee_kind: null,
          purpose_of_use: r.purposeOfUse,
        },
      ]),
    ],
    events: [
      timeline('register-patient', patient.registeredAt, 'ParticipantRegistered', 'admin', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        subject_type: 'participant',
        subject_id: IDS.patient,
      }),
      timeline('register-doctor', doctor.registeredAt, 'ParticipantRegistered', 'admin', {
        subject_type: 'participant',
        subject_id: IDS.doctor,
      }),
      // The care record names the care team's hospital; the patient's is looked up.
      timeline('assign-care', care.startedAt, 'CareAssigned', 'admin', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        other_msp_id: 'HospitalAMSP',
        subject_type: 'care',
        subject_id: IDS.care,
      }),
      timeline('record-report', report.recordedAt, 'ReportRecorded', 'doctor', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        report_id: IDS.report,
        subject_type: 'report',
        subject_id: IDS.report,
      }),
      // An opening's hospital is its report's, looked up.
      timeline('open-report', receipt.at, 'ReportAccessed', 'doctor', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        report_id: IDS.report,
        subject_type: 'receipt',
        subject_id: txId('open-report'),
        purpose_of_use: 'TREAT',
        outcome: 'granted',
      }),
      timeline('refused-open', refusal.at, 'ReportAccessRefused', 'admin', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        report_id: IDS.report,
        subject_type: 'refusal',
        subject_id: txId('refused-open'),
        outcome: 'refused',
        refusal_code: 'FORBIDDEN',
      }),
      timeline('request-access', request.requestedAt, 'AccessRequested', 'doctor', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        subject_type: 'request',
        subject_id: IDS.request,
        purpose_of_use: 'TREAT',
      }),
      timeline('approve-request', request.decidedAt!, 'RequestApproved', 'patient', {
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        subject_type: 'request',
        subject_id: IDS.request,
        purpose_of_use: 'TREAT',
      }),
    ],
  };
  return Object.fromEntries(
    RECONCILED_TABLE_NAMES.map((name) => [
      name,
      rows[name].map(([key, values]) => ({
        ...comparableRow(RECONCILED_TABLES[name], key, values),
        versionBlock,
      })),
    ]),
  ) as Record<ReconciledTableName, ProjectedRow[]>;
}
