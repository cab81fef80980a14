import { REVIEW_OUTCOMES } from '../access/consent-terms.js';

/**
 * What the audit trail answers: ledger facts read from the projection tables, each with
 * the block, the transaction and the ledger time that recorded it. No PHI but, where this
 * node has the account of a member of staff (doctor, admin, auditor), the acting user's
 * full name (shown to auditors and to the patient whose record it is); never a patient's.
 */

/** How an attempt to open a report ended on the ledger. */
export const ACCESS_OUTCOMES = ['granted', 'refused'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/**
 * The outcome of a timeline event: an opening's (ReportAccessed: granted,
 * ReportAccessRefused: refused) or an emergency review's (EmergencyReviewed: appropriate or
 * inappropriate); other events have none.
 */
export const TIMELINE_OUTCOMES = [...ACCESS_OUTCOMES, ...REVIEW_OUTCOMES] as const;

/** Why the ledger refused an opening (the AccessRefusal record's `code`). */
export const REFUSAL_CODES = ['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'] as const;

/**
 * Who did it, as the ledger's certificate said, and their hospital by this API's name
 * (`hospital-a`; null for an MSP this network profile does not list).
 */
export interface AuditActor {
  id: string;
  role: string;
  hospital: string | null;
  /** The full name of a member of staff whose account this node has; null otherwise (always for a patient). */
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
  /** `hospital`: null for a signer without one, or of an MSP this network profile does not list. */
  actor: { id: string | null; role: string | null; hospital: string | null };
  reportId: string | null;
  purposeOfUse: string | null;
  /** One of TIMELINE_OUTCOMES, for an opening or an emergency review; null otherwise. */
  outcome: string | null;
  refusalCode: string | null;
}

/** A page of a list, newest first; `nextCursor` continues it. */
export interface AuditPage<T> {
  items: T[];
  nextCursor: string | null;
}
