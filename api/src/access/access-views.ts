import type { AccessRequestRecord, Committed, GranteeKind, GrantRecord } from '../ledger/ledger.port.js';
import type { GrantStatus } from './consent-terms.js';

/** Where a change sits on the ledger: its transaction, and its block when this answer committed it. */
export interface LedgerPlace {
  txId: string;
  blockNumber: string | null;
}

/** Where the transaction that just committed a change sits on the ledger. */
export const committedPlace = (committed: Committed<unknown>): LedgerPlace => ({
  txId: committed.transactionId,
  blockNumber: committed.blockNumber.toString(),
});

/**
 * A doctor as a request or a grant names them to the people who already see it: the name and
 * hospital of their account (staff data, not PHI).
 */
export interface NamedDoctor {
  id: string;
  fullName: string;
  hospital: string;
}

/** The doctors of a page of requests or grants, by id: those whose accounts still exist. */
export type DoctorNames = ReadonlyMap<string, NamedDoctor>;

/** An access request as the ledger holds it, with its texts from PostgreSQL (null once erased). */
export interface AccessRequestView extends LedgerPlace {
  record: AccessRequestRecord;
  reason: string | null;
  denialReason: string | null;
  /** The requesting doctor by name; null when their account no longer exists. */
  doctor: NamedDoctor | null;
}

/** Who a grant lets in: a doctor (by id), or every doctor or the care team of a hospital (by name). */
export interface Grantee {
  kind: GranteeKind;
  id: string;
}

/** A grant as the ledger holds it, with its status at ledger time and its grantee. */
export interface GrantView extends LedgerPlace {
  record: GrantRecord;
  status: GrantStatus;
  grantee: Grantee;
  /** The doctor the grant lets in, by name; null for a hospital or care-team grant, or an account that no longer exists. */
  doctor: NamedDoctor | null;
}

/** An emergency grant with the texts auditors review. */
export interface EmergencyView extends GrantView {
  justification: string | null;
  reviewNote: string | null;
}

/**
 * The one doctor a grant lets in: its doctor for a grant to a doctor (and for one recorded
 * before grants named their kind of grantee), none for a hospital or care-team grant.
 */
export function grantedDoctorId(record: GrantRecord): string | null {
  return record.granteeKind === 'doctor' || record.granteeMspId === null ? record.doctorId : null;
}

/** The status of a grant at ledger time: the query's own when the ledger computed one. */
export function grantStatusOf(record: GrantRecord): GrantStatus {
  if (record.status === 'revoked' || record.effectiveStatus === 'revoked') return 'revoked';
  return record.effectiveStatus === 'expired' ? 'expired' : 'active';
}
