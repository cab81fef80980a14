import { hospitalName } from '../../components/format';

/** Why the ledger refused an opening, in words. */
export const REFUSAL_LABELS: Record<string, string> = {
  FORBIDDEN: 'no grant',
  GRANT_EXPIRED: 'grant expired',
  GRANT_REVOKED: 'grant revoked',
};

/** HL7 v3 PurposeOfUse codes the network uses, in words. */
export const PURPOSE_LABELS: Record<string, string> = {
  TREAT: 'Treatment',
  ETREAT: 'Emergency treatment',
  CAREMGT: 'Care management',
  PATRQT: 'Patient request',
  HRESCH: 'Healthcare research',
};

export const purposeLabel = (code: string | null | undefined) =>
  code ? `${PURPOSE_LABELS[code] ?? code} (${code})` : '—';

export const roleLabel = (role: string | null | undefined) =>
  role ? role.charAt(0).toUpperCase() + role.slice(1) : 'Unknown role';

export const hospitalLabel = (hospital: string | null | undefined) =>
  hospital ? hospitalName(hospital) : 'another network member';

/** The chaincode's events, as an auditor reads them in a timeline. */
export const EVENT_LABELS: Record<string, string> = {
  ParticipantRegistered: 'Participant registered',
  ReportRecorded: 'Report recorded',
  ReportVoided: 'Report voided',
  ReportAccessed: 'Report opened',
  ReportAccessRefused: 'Opening refused',
  AccessRequested: 'Access requested',
  RequestApproved: 'Request approved',
  RequestDenied: 'Request denied',
  RequestCancelled: 'Request cancelled',
  AccessGranted: 'Access granted',
  GrantRevoked: 'Grant revoked',
  EmergencyDeclared: 'Emergency access declared',
  EmergencyReviewed: 'Emergency reviewed',
  CareAssigned: 'Care assigned',
  CareEnded: 'Care ended',
  PatientErased: 'Patient erased',
  ProbeRecorded: 'Probe recorded',
};

export const eventLabel = (event: string) => EVENT_LABELS[event] ?? event;

const GRANTEE_LABELS: Record<string, string> = {
  doctor: 'the doctor',
  hospital: 'their hospital',
  'care-team': 'the care team',
};

/** What let a reader in, in words: "as author", "under a grant to the doctor"… */
export function basisLabel(basis: string | null, granteeKind: string | null): string | null {
  const grantee = granteeKind ? (GRANTEE_LABELS[granteeKind] ?? granteeKind) : null;
  switch (basis) {
    case null:
      return null;
    case 'patient':
      return 'as the patient';
    case 'author':
      return 'as author';
    case 'care':
      return 'as care team';
    case 'grant':
      return grantee ? `under a grant to ${grantee}` : 'under a grant';
    case 'emergency':
      return 'under emergency access';
    default:
      return basis;
  }
}
