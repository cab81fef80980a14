import type { Schemas } from '../../api/client';
import { hospitalName } from '../../components/format';

export type Grant = Schemas['GrantDto'];
export type Grantee = Schemas['GranteeDto'];
export type AccessRequest = Schemas['AccessRequestDto'];
export type AccessEntry = Schemas['AccessEntryDto'];

/** HL7 v3 PurposeOfUse codes as a patient reads them. */
export const PURPOSES: Record<Grant['purposeOfUse'], string> = {
  TREAT: 'Treatment',
  ETREAT: 'Emergency treatment',
  CAREMGT: 'Care management',
  PATRQT: 'At my request',
  HRESCH: 'Healthcare research',
};

/** The purposes a patient may name in a grant (the emergency's own is for break-glass only). */
export const CONSENT_PURPOSES = ['TREAT', 'CAREMGT', 'PATRQT', 'HRESCH'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export function purposeLabel(code: string | null | undefined): string {
  if (!code) return '—';
  return PURPOSES[code as Grant['purposeOfUse']] ?? code;
}

/** A doctor as the portal knows them: their name and hospital when the API has said. */
export interface KnownDoctor {
  id: string;
  fullName: string | null;
  hospital: string | null;
}

/** "Dr Ada Lovelace", or the doctor's shortened ID when the portal does not know the name. */
export function doctorLabel(id: string, doctor?: KnownDoctor | null): string {
  const name = doctor?.fullName?.trim();
  if (name) return /^dr\.?\s/i.test(name) ? name : `Dr ${name}`;
  return `Doctor ${id.slice(0, 8)}`;
}

/** Whom a grant lets in, as the patient reads it. */
export function granteeLabel(grantee: Grantee, doctor?: KnownDoctor | null): string {
  switch (grantee.kind) {
    case 'doctor':
      return `${doctorLabel(grantee.id, doctor)} (doctor)`;
    case 'care-team':
      return `Care team at ${hospitalName(grantee.id)}`;
    case 'hospital':
      return `All doctors of ${hospitalName(grantee.id)}`;
  }
}

export const GRANT_STATUS: Record<Grant['status'], { label: string; tag: string }> = {
  active: { label: 'Active', tag: 'tag tag-ok' },
  expired: { label: 'Expired', tag: 'tag' },
  revoked: { label: 'Revoked', tag: 'tag tag-bad' },
};

export const GRANT_KINDS: Record<Grant['kind'], string> = {
  consent: 'Consent',
  emergency: 'Emergency access',
};

export const REQUEST_STATUS: Record<AccessRequest['status'], { label: string; tag: string }> = {
  pending: { label: 'Waiting for your answer', tag: 'tag tag-warn' },
  approved: { label: 'Approved', tag: 'tag tag-ok' },
  denied: { label: 'Denied', tag: 'tag tag-bad' },
  cancelled: { label: 'Cancelled by the doctor', tag: 'tag' },
};

/** Why the ledger refused an opening, in words. */
export function refusalLabel(code: AccessEntry['refusalCode']): string {
  switch (code) {
    case 'GRANT_EXPIRED':
      return 'The grant had expired';
    case 'GRANT_REVOKED':
      return 'The grant had been revoked';
    case 'FORBIDDEN':
      return 'No grant covered this record';
    default:
      return 'Not allowed';
  }
}

/** "3 days", "1 day", "90 minutes", "2 hours". */
export function durationLabel({ days, minutes }: { days?: number; minutes?: number }): string {
  if (days !== undefined) return days === 1 ? '1 day' : `${days} days`;
  if (minutes === undefined) return '—';
  if (minutes % (24 * 60) === 0) return durationLabel({ days: minutes / (24 * 60) });
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** How long a request asked for, from `durationDays`. */
export const requestedDuration = (request: AccessRequest) => durationLabel({ days: request.durationDays });

/** After a refused submit, takes the keyboard to the first field that needs fixing (once React has shown the errors). */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
