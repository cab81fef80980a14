/**
 * What the audit trail answers: ledger facts read from the projection tables, each with
 * the block, the transaction and the ledger time that recorded it. No PHI but, where this
 * node has the account, the acting user's full name (shown to auditors and to the patient
 * whose record it is).
 */

/** How an attempt to open a report ended on the ledger. */
export const ACCESS_OUTCOMES = ['granted', 'refused'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/** Why the ledger refused an opening (the AccessRefusal record's `code`). */
export const REFUSAL_CODES = ['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'] as const;

/** Who did it, as the ledger's certificate said, and their hospital by this API's name (`hospital-a`). */
export interface AuditActor {
  id: string;
  role: string;
  hospital: string;
  /** The user's full name when this node has their account; null otherwise. */
  fullName: string | null;
}

/** One opening of a report, or one refused attempt, as the ledger recorded it. */
export interface AccessEntry {
  txId: string;
  blockNumber: number;
  at: Date;
  outcome: AccessOutcome;
  refusalCode: string | null;
  reportId: string;
  patientId: string;
  /** The report's type (`lab-result`…); null when the projection does not hold the report. */
  reportType: string | null;
  actor: AuditActor;
  /** Why the ledger let the reader in (patient, author, grant, care…); null for a refusal without one. */
  basis: string | null;
  grantId: string | null;
  granteeKind: string | null;
  purposeOfUse: string | null;
}

/** One ledger event of a report's or a patient's timeline. */
export interface TimelineEntry {
  txId: string;
  blockNumber: number;
  at: Date;
  /** The chaincode event's name (ReportRecorded, AccessGranted, ReportAccessRefused…). */
  event: string;
  subject: { type: string; id: string };
  actor: { id: string | null; role: string | null; hospital: string | null };
  reportId: string | null;
  purposeOfUse: string | null;
  outcome: string | null;
  refusalCode: string | null;
}

/** A page of a list, newest first; `nextCursor` continues it. */
export interface AuditPage<T> {
  items: T[];
  nextCursor: string | null;
}
