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
 * The rows the projection must hold, by table, as the ledger's records say them (the
 * rules the projection writes by, api/src/projection): one row per record, an access row per receipt
 * (granted) and per refusal (refused, with no basis nor grantee kind), and of each record's
 * creating transaction one timeline row under the name of the event that transaction emitted.
 */
export function expectedProjection(facts: LedgerFacts): Record<ReconciledTableName, ComparableRow[]> {
  const row = (table: ReconciledTableName, key: string, values: Record<string, unknown>) =>
    comparableRow(RECONCILED_TABLES[table], key, values);
  // An access row's hospital is the report's; a report the ledger did not list leaves it to the patient's.
  const reportHospital = new Map(facts.reports.map((report) => [report.reportId, report.hospitalMspId]));
  const patientHospital = new Map(facts.participants.map((participant) => [participant.uid, participant.mspId]));
  const hospitalOfAccess = (reportId: string, patientId: string) =>
    reportHospital.get(reportId) ?? patientHospital.get(patientId) ?? null;
  const events: ComparableRow[] = [];
  const created = (txId: string, name: string) => events.push(row('events', txId, { name }));

  const participants = facts.participants.map((participant) => {
    created(participant.txId, 'ParticipantRegistered');
    return row('participants', participant.uid, {
      role: participant.role,
      msp_id: participant.mspId,
      registered_at: participant.registeredAt,
      erased_at: participant.erasedAt,
      tx_id: participant.txId,
    });
  });

  const reports = facts.reports.map((report) => {
    created(report.txId, 'ReportRecorded');
    return row('reports', report.reportId, {
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
      // A recorded report carries no void mark (its key holds the report).
      voided_at: null,
      voided_by: null,
      voided_by_msp_id: null,
      tx_id: report.txId,
    });
  });

  const requests = facts.requests.map((request) => {
    created(request.txId, 'AccessRequested');
    return row('requests', request.requestId, {
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
      tx_id: request.txId,
    });
  });

  const grants = facts.grants.map((grant) => {
    created(grant.txId, creatingEventOfGrant(grant));
    return row('grants', grant.grantId, {
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
      // The stored status (revocation only); expiry is read from the time, never stored.
      status: grant.status,
      revoked_at: grant.revokedAt,
      request_id: grant.requestId,
      justification_commitment: grant.justificationCommitment,
      reviewed: grant.reviewed,
      review_outcome: grant.reviewOutcome,
      reviewed_by: grant.reviewedBy,
      reviewed_at: grant.reviewedAt,
      tx_id: grant.txId,
    });
  });

  const careAssignments = facts.careAssignments.map((care) => {
    created(care.txId, 'CareAssigned');
    return row('careAssignments', care.assignmentId, {
      patient_id: care.patientId,
      doctor_id: care.doctorId,
      hospital_msp_id: care.hospitalMspId,
      assigned_by: care.assignedBy,
      started_at: care.startedAt,
      ended_at: care.endedAt,
      ended_by: care.endedBy,
      tx_id: care.txId,
    });
  });

  const erasures = facts.erasures.map((erasure) => {
    created(erasure.txId, 'PatientErased');
    return row('erasures', erasure.patientId, {
      erased_by: erasure.erasedBy,
      erased_by_msp_id: erasure.erasedByMspId,
      erased_at: erasure.erasedAt,
      tx_id: erasure.txId,
    });
  });

  const granted = facts.receipts.map((receipt) => {
    created(receipt.txId, 'ReportAccessed');
    return row('accesses', receipt.txId, {
      at: receipt.at,
      outcome: 'granted',
      refusal_code: null,
      report_id: receipt.reportId,
      patient_id: receipt.patientId,
      patient_msp_id: hospitalOfAccess(receipt.reportId, receipt.patientId),
      actor_id: receipt.readerId,
      actor_role: receipt.readerRole,
      actor_msp_id: receipt.readerMspId,
      basis: receipt.basis,
      grant_id: receipt.grantId,
      grantee_kind: receipt.granteeKind,
      purpose_of_use: receipt.purposeOfUse,
    });
  });

  const refused = facts.refusals.map((refusal) => {
    created(refusal.txId, 'ReportAccessRefused');
    return row('accesses', refusal.txId, {
      at: refusal.at,
      outcome: 'refused',
      refusal_code: refusal.code,
      report_id: refusal.reportId,
      patient_id: refusal.patientId,
      patient_msp_id: hospitalOfAccess(refusal.reportId, refusal.patientId),
      actor_id: refusal.readerId,
      actor_role: refusal.readerRole,
      actor_msp_id: refusal.readerMspId,
      basis: null,
      grant_id: refusal.grantId,
      grantee_kind: null,
      purpose_of_use: refusal.purposeOfUse,
    });
  });

  return {
    participants,
    reports,
    requests,
    grants,
    careAssignments,
    erasures,
    accesses: [...granted, ...refused],
    events,
  };
}

/** The event of the transaction that created a grant: a declared emergency, an approved request, or a direct grant. */
function creatingEventOfGrant(grant: GrantRecord): string {
  if (grant.kind === 'emergency') return 'EmergencyDeclared';
  return grant.requestId !== null ? 'RequestApproved' : 'AccessGranted';
}
