import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { hospitalName } from '../../components/format';
import { Page } from '../../components/Page';
import { type Duration, DurationFields, durationBody, durationError } from './DurationFields';
import type { GrantsPageState } from './GrantsPage';
import { useUser } from '../../session/use-session';
import { patientKeys, useHospitals } from './patient-data';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  doctorLabel,
  focusFirstInvalid,
  granteeLabel,
  type KnownDoctor,
  purposeLabel,
} from './patient-format';
import { RecordScope, type Scope, scopeError } from './RecordScope';

type GranteeKind = 'doctor' | 'care-team' | 'hospital';
const OTHER_DOCTOR = 'other';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The doctors the patient can pick without typing an ID: those who asked for access or held
 * a grant before (named with their hospital by the requests and grants), and their care team.
 */
function useKnownDoctors(): KnownDoctor[] {
  const user = useUser();
  const requests = useQuery({
    queryKey: patientKeys.allRequests,
    queryFn: () =>
      answer(api.GET('/api/v1/access-requests', { params: { query: { direction: 'incoming', limit: 100 } } })),
  });
  const grants = useQuery({
    queryKey: patientKeys.allGrants,
    queryFn: () => answer(api.GET('/api/v1/grants', { params: { query: { limit: 100 } } })),
  });
  const careTeam = useQuery({
    queryKey: patientKeys.careTeam(user.id),
    queryFn: () => answer(api.GET('/api/v1/patients/{id}/doctors', { params: { path: { id: user.id } } })),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const doctors = new Map<string, KnownDoctor>();
    const add = (doctor: KnownDoctor) => {
      const known = doctors.get(doctor.id);
      doctors.set(doctor.id, {
        id: doctor.id,
        fullName: known?.fullName ?? doctor.fullName,
        hospital: known?.hospital ?? doctor.hospital,
      });
    };
    for (const request of requests.data?.items ?? [])
      add(request.doctor ?? { id: request.doctorId, fullName: null, hospital: null });
    for (const grant of grants.data?.items ?? [])
      if (grant.doctorId) add(grant.doctor ?? { id: grant.doctorId, fullName: null, hospital: null });
    for (const member of careTeam.data?.items ?? [])
      add({ id: member.doctorId, fullName: member.doctorName, hospital: null });
    return [...doctors.values()].sort((a, b) => doctorLabel(a.id, a).localeCompare(doctorLabel(b.id, b)));
  }, [requests.data, grants.data, careTeam.data]);
}

/** A grant without a request: to one doctor, the care team at a hospital, or every doctor of a hospital. */
export function NewGrantPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const name = useId();
  const hospitals = useHospitals();
  const doctors = useKnownDoctors();
  const [kind, setKind] = useState<GranteeKind>('doctor');
  const [doctorChoice, setDoctorChoice] = useState('');
  const [doctorId, setDoctorId] = useState('');
  const [hospital, setHospital] = useState('');
  const [scope, setScope] = useState<Scope>({ mode: 'default', ids: [] });
  const [purpose, setPurpose] = useState<ConsentPurpose>('TREAT');
  const [duration, setDuration] = useState<Duration>({ amount: '30', unit: 'days' });
  const [checked, setChecked] = useState(false);

  const chosenDoctor = doctorChoice || (doctors.length > 0 ? (doctors[0]?.id ?? '') : OTHER_DOCTOR);
  const typedDoctor = chosenDoctor === OTHER_DOCTOR;
  const doctor = typedDoctor ? doctorId.trim() : chosenDoctor;
  const chosenHospital = hospital || (hospitals.data?.[0] ?? '');
  const errors = {
    doctor:
      kind === 'doctor' && !UUID.test(doctor)
        ? 'Enter the doctor’s MedLedger ID, a code like 3f2a9c1b-7d4e-4a5b-9c6d-1e2f3a4b5c6d.'
        : null,
    hospital: kind !== 'doctor' && !chosenHospital ? 'Choose a hospital.' : null,
    scope: scopeError(scope),
    duration: durationError(duration),
  };
  const grantee = { kind, id: kind === 'doctor' ? doctor : chosenHospital };
  const granteeText = granteeLabel(
    grantee,
    doctors.find((known) => known.id === doctor),
  );

  const create = useMutation({
    mutationFn: () =>
      answer(
        api.POST('/api/v1/grants', {
          body: {
            ...(kind === 'doctor' ? { doctorId: doctor } : kind === 'hospital' ? { hospital: chosenHospital } : {}),
            ...(kind === 'care-team' ? { careTeamAt: chosenHospital } : {}),
            ...(scope.mode === 'chosen' ? { reportIds: scope.ids } : {}),
            purposeOfUse: purpose,
            ...durationBody(duration),
          },
        }),
      ),
    onSuccess: (grant) => {
      void queryClient.invalidateQueries({ queryKey: ['grants'] });
      const state: GrantsPageState = { created: { grant, grantee: granteeText } };
      void navigate('/grants', { state });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.values(errors).some(Boolean)) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    create.mutate();
  };
  const shown = (error: string | null) => (checked ? error : null);

  return (
    <Page
      title="Give access to your records"
      intro="Share records with a doctor, or with the doctors of a hospital, for a time you choose. You can revoke it at any time."
    >
      <form className="patient-form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Who may open your records?</legend>
          <label className="check">
            <input type="radio" name={`${name}-kind`} checked={kind === 'doctor'} onChange={() => setKind('doctor')} />
            One doctor
          </label>
          <label className="check">
            <input
              type="radio"
              name={`${name}-kind`}
              checked={kind === 'care-team'}
              onChange={() => setKind('care-team')}
            />
            My care team at a hospital (the doctors assigned to me there when they open a record)
          </label>
          <label className="check">
            <input
              type="radio"
              name={`${name}-kind`}
              checked={kind === 'hospital'}
              onChange={() => setKind('hospital')}
            />
            All doctors of a hospital
          </label>
        </fieldset>

        {kind === 'doctor' && (
          <>
            {doctors.length > 0 && (
              <SelectField
                label="Doctor"
                hint="Doctors who asked you for access, held access before, or are in your care team."
                value={chosenDoctor}
                onChange={(event) => setDoctorChoice(event.target.value)}
              >
                {doctors.map((known) => (
                  <option key={known.id} value={known.id}>
                    {doctorLabel(known.id, known)}
                    {known.hospital ? `, ${hospitalName(known.hospital)}` : ''}
                    {known.fullName ? '' : ` (ID ${known.id})`}
                  </option>
                ))}
                <option value={OTHER_DOCTOR}>Another doctor: I have their ID</option>
              </SelectField>
            )}
            {typedDoctor && (
              <TextField
                label="Doctor’s ID"
                hint="Ask the doctor or their hospital for their MedLedger ID, and paste it here."
                autoComplete="off"
                spellCheck={false}
                value={doctorId}
                onChange={(event) => setDoctorId(event.target.value)}
                error={shown(errors.doctor)}
              />
            )}
          </>
        )}

        {kind !== 'doctor' && (
          <SelectField
            label="Hospital"
            value={chosenHospital}
            onChange={(event) => setHospital(event.target.value)}
            error={shown(errors.hospital)}
          >
            {(hospitals.data ?? []).map((item) => (
              <option key={item} value={item}>
                {hospitalName(item)}
              </option>
            ))}
          </SelectField>
        )}
        <ErrorNotice error={hospitals.error} onRetry={() => void hospitals.refetch()} />

        <RecordScope
          legend="Which records may they open?"
          defaultLabel="All my records, including ones I add later"
          value={scope}
          onChange={setScope}
          error={shown(errors.scope)}
        />
        <SelectField
          label="Purpose"
          hint="What the records may be used for. It is recorded with every opening."
          value={purpose}
          onChange={(event) => setPurpose(event.target.value as ConsentPurpose)}
        >
          {CONSENT_PURPOSES.map((code) => (
            <option key={code} value={code}>
              {purposeLabel(code)}
            </option>
          ))}
        </SelectField>
        <DurationFields value={duration} onChange={setDuration} error={shown(errors.duration)} />

        <ErrorNotice error={create.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Giving access…' : 'Give access'}
          </button>
          <Link to="/grants" className="button">
            Cancel
          </Link>
        </div>
      </form>
    </Page>
  );
}
