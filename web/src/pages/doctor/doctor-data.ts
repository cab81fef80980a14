import { useQueries, useQuery } from '@tanstack/react-query';
import { useLocation } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { hospitalName } from '../../components/format';

export type Patient = Schemas['PatientDto'];
export type Grant = Schemas['GrantDto'];
export type AccessRequest = Schemas['AccessRequestDto'];
export type PurposeOfUse = Grant['purposeOfUse'];

/** HL7 v3 PurposeOfUse codes as people read them. */
export const PURPOSES: Record<PurposeOfUse, string> = {
  TREAT: 'Treatment',
  CAREMGT: 'Care management',
  PATRQT: 'At the patient’s request',
  HRESCH: 'Healthcare research',
  ETREAT: 'Emergency treatment',
};

/** What a doctor may ask for in a request (ETREAT is for emergency access only). */
export const REQUEST_PURPOSES: Schemas['CreateAccessRequestDto']['purposeOfUse'][] = [
  'TREAT',
  'CAREMGT',
  'PATRQT',
  'HRESCH',
];

export const purposeLabel = (code: string): string => `${PURPOSES[code as PurposeOfUse] ?? code} (${code})`;

/** The patient's demographics: 404 when the doctor has neither care nor a grant. */
export function usePatient(patientId: string) {
  return useQuery({
    queryKey: ['patient', patientId],
    queryFn: () => answer(api.GET('/api/v1/patients/{id}', { params: { path: { id: patientId } } })),
    retry: false,
  });
}

/** The patient a link came with (a search result), to name them before or without access. */
export function usePassedPatient(patientId: string): Patient | null {
  const state = useLocation().state as { patient?: Patient } | null;
  return state?.patient?.id === patientId ? state.patient : null;
}

/**
 * Who the patient is, as far as the doctor may know: the demographics when the doctor has
 * care or a grant; else the search result the link came with, or the search by ID (which
 * finds the patients of the doctor's hospital).
 */
export function useKnownPatient(patientId: string) {
  const access = usePatient(patientId);
  const passed = usePassedPatient(patientId);
  const searched = useQuery({
    queryKey: ['patient-by-id', patientId],
    queryFn: () => findById(patientId),
    enabled: access.isError && !passed,
    staleTime: namesKeepWhileFound,
    retry: false,
  });
  return { access, known: access.data ?? passed ?? searched.data ?? null };
}

/**
 * A found name is kept for five minutes; "not found" not at all: it turns into a name as
 * soon as a grant lets the doctor see the patient.
 */
const namesKeepWhileFound = (query: { state: { data: Patient | null | undefined } }) =>
  query.state.data ? 5 * 60_000 : 0;

async function findById(id: string): Promise<Patient | null> {
  const found = await answer(api.GET('/api/v1/patients', { params: { query: { query: id } } }));
  return found.items.find((patient) => patient.id === id) ?? null;
}

/**
 * Names for patient IDs in lists (requests, grants carry only the ID): the search by ID,
 * which finds the patients of the doctor's hospital and those who granted access.
 */
export function usePatientNames(patientIds: string[]): Map<string, Patient | null> {
  const unique = [...new Set(patientIds)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['patient-by-id', id],
      queryFn: () => findById(id),
      staleTime: namesKeepWhileFound,
      retry: false,
    })),
  });
  return new Map(unique.map((id, index) => [id, results[index]?.data ?? null]));
}

/** "Ada Lovelace (born 10 Dec 1990)" or the shortened ID when the name is not known. */
export function patientLabel(patient: Patient | null | undefined, id: string): string {
  return patient ? patient.fullName : `Patient ${id.slice(0, 8)}`;
}

/** Whom a grant lets in, from the doctor's side. */
export function granteeLabel(grantee: Grant['grantee']): string {
  if (grantee.kind === 'doctor') return 'You';
  if (grantee.kind === 'hospital') return `Every doctor of ${hospitalName(grantee.id)}`;
  return `The patient’s care team at ${hospitalName(grantee.id)}`;
}

export const STATUS_TAGS: Record<string, string> = {
  active: 'tag tag-ok',
  pending: 'tag tag-warn',
  approved: 'tag tag-ok',
  expired: 'tag',
  revoked: 'tag tag-bad',
  denied: 'tag tag-bad',
  cancelled: 'tag',
};

export const statusLabel = (status: string): string => status.charAt(0).toUpperCase() + status.slice(1);
