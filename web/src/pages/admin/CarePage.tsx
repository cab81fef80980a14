import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField } from '../../components/Field';
import { LedgerProof } from '../../components/LedgerProof';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { shortId } from '../../components/format';
import { useUser } from '../../session/use-session';
import { ConfirmDialog } from './ConfirmDialog';
import { type Person, PersonPicker } from './PersonPicker';

type Assignment = Schemas['CareAssignmentEntryDto'];
type Recorded = Schemas['CareAssignmentDto'];
type StatusFilter = 'active' | 'ended' | 'all';

/** The list shows the ledger's assignments through the projection: a change appears a moment after it commits. */
const PROJECTION_WAIT_MS = 15_000;

const patientLabel = (assignment: Assignment) =>
  assignment.patientName ?? `Patient of another hospital (${shortId(assignment.patientId, 8)})`;
const doctorLabel = (assignment: Assignment) => assignment.doctorName ?? `Doctor ${shortId(assignment.doctorId, 8)}`;

/** An admin puts doctors of their hospital in patients' care teams, and ends assignments. */
export function CarePage() {
  const me = useUser();
  const queryClient = useQueryClient();
  const [patient, setPatient] = useState<Person | null>(null);
  const [doctor, setDoctor] = useState<Person | null>(null);
  const [errors, setErrors] = useState<{ patient?: string; doctor?: string }>({});
  const [recorded, setRecorded] = useState<{ text: string; proof: Recorded } | null>(null);
  const [status, setStatus] = useState<StatusFilter>('active');
  const [onlyChosen, setOnlyChosen] = useState(false);
  const [ending, setEnding] = useState<Assignment | null>(null);
  const [awaiting, setAwaiting] = useState<{ id: string; ended: boolean; since: number } | null>(null);

  const patientFilter = onlyChosen && patient ? patient.id : undefined;
  const assignments = useInfiniteQuery({
    queryKey: ['admin', 'care-assignments', status, patientFilter],
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/admin/care-assignments', {
          params: {
            query: {
              limit: 50,
              cursor: pageParam,
              patientId: patientFilter,
              status: status === 'all' ? undefined : status,
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // After a change, ask again until the projection shows it (or give up after a while).
    refetchInterval: (query) => {
      if (!awaiting || Date.now() - awaiting.since > PROJECTION_WAIT_MS) return false;
      const rows = query.state.data?.pages.flatMap((page) => page.items) ?? [];
      const row = rows.find((candidate) => candidate.id === awaiting.id);
      const shown = awaiting.ended ? (row ? row.endedAt !== null : status === 'active') : row !== undefined;
      return shown ? false : 500;
    },
  });
  const rows = assignments.data?.pages.flatMap((page) => page.items) ?? [];

  const assign = useMutation({
    mutationFn: (chosen: { patient: Person; doctor: Person }) =>
      answer(
        api.POST('/api/v1/admin/care-assignments', {
          body: { patientId: chosen.patient.id, doctorId: chosen.doctor.id },
        }),
      ),
    onSuccess: (proof, chosen) => {
      setRecorded({
        text: `${chosen.doctor.fullName ?? 'The doctor'} is now in the care team of ${chosen.patient.fullName ?? 'the patient'}.`,
        proof,
      });
      setAwaiting({ id: proof.id, ended: false, since: Date.now() });
      void queryClient.invalidateQueries({ queryKey: ['admin', 'care-assignments'] });
    },
  });
  const end = useMutation({
    mutationFn: (assignment: Assignment) =>
      answer(api.DELETE('/api/v1/admin/care-assignments/{id}', { params: { path: { id: assignment.id } } })),
    onSuccess: (proof, assignment) => {
      setEnding(null);
      setRecorded({
        text: `${doctorLabel(assignment)} is no longer in the care team of ${patientLabel(assignment)}.`,
        proof,
      });
      setAwaiting({ id: assignment.id, ended: true, since: Date.now() });
      void queryClient.invalidateQueries({ queryKey: ['admin', 'care-assignments'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      patient: patient ? undefined : 'Choose the patient.',
      doctor: doctor ? undefined : 'Choose the doctor.',
    };
    setErrors(found);
    if (!patient || !doctor) return;
    setRecorded(null);
    assign.mutate({ patient, doctor });
  };

  return (
    <Page
      title="Care teams"
      intro={`Put a doctor of ${me.hospital} in a patient’s care team: the doctor may then see the patient and their records here. Each assignment and its end are recorded on the ledger.`}
    >
      <section className="panel" aria-labelledby="assign-heading">
        <h2 id="assign-heading">Assign a doctor to a patient</h2>
        <form onSubmit={submit} noValidate>
          <div className="picker-row">
            <PersonPicker
              kind="patient"
              legend="Patient"
              hospital={me.hospital}
              chosen={patient}
              onChoose={(person) => {
                setPatient(person);
                setErrors((current) => ({ ...current, patient: undefined }));
              }}
              error={errors.patient}
            />
            <PersonPicker
              kind="doctor"
              legend="Doctor"
              hospital={me.hospital}
              chosen={doctor}
              onChoose={(person) => {
                setDoctor(person);
                setErrors((current) => ({ ...current, doctor: undefined }));
              }}
              error={errors.doctor}
            />
          </div>
          <ErrorNotice error={assign.error} onRetry={() => patient && doctor && assign.mutate({ patient, doctor })} />
          <button type="submit" className="primary" disabled={assign.isPending}>
            {assign.isPending ? 'Recording on the ledger…' : 'Assign doctor'}
          </button>
        </form>
      </section>

      <div role="status" aria-live="polite">
        {recorded && (
          <div className="notice notice-ok">
            <p>
              <strong>{recorded.text}</strong>
            </p>
            <LedgerProof
              title="Recorded on the ledger"
              proof={{ txId: recorded.proof.txId ?? '—', blockNumber: recorded.proof.blockNumber ?? '—' }}
            />
          </div>
        )}
      </div>

      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Care assignments of {me.hospital}</h2>
        <div className="form-row filters">
          <SelectField label="Show" value={status} onChange={(event) => setStatus(event.target.value as StatusFilter)}>
            <option value="active">Running assignments</option>
            <option value="ended">Ended assignments</option>
            <option value="all">All assignments</option>
          </SelectField>
          {patient && (
            <label className="check">
              <input type="checkbox" checked={onlyChosen} onChange={(event) => setOnlyChosen(event.target.checked)} />
              Only {patient.fullName ?? 'the chosen patient'}
            </label>
          )}
        </div>
        <ErrorNotice error={assignments.error} onRetry={() => void assignments.refetch()} />
        {assignments.isPending && <Loading label="Loading care assignments…" />}
        {assignments.data && rows.length === 0 && <p>No care assignments to show.</p>}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table>
              <caption>
                {status === 'active' ? 'Running' : status === 'ended' ? 'Ended' : 'All'} care assignments, newest first
                ({rows.length} shown{assignments.hasNextPage ? ', more to load' : ''})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Doctor</th>
                  <th scope="col">Since</th>
                  <th scope="col">Ended</th>
                  <th scope="col">Ledger transaction</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((assignment) => (
                  <tr key={assignment.id}>
                    <th scope="row">{patientLabel(assignment)}</th>
                    <td>{doctorLabel(assignment)}</td>
                    <td>
                      <Time value={assignment.startedAt} />
                    </td>
                    <td>
                      {assignment.endedAt ? (
                        <Time value={assignment.endedAt} />
                      ) : (
                        <span className="tag tag-ok">Running</span>
                      )}
                    </td>
                    <td>
                      <code title={assignment.txId}>{shortId(assignment.txId, 8)}</code>{' '}
                      <span className="meta">block {assignment.blockNumber}</span>
                    </td>
                    <td>
                      {!assignment.endedAt && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`End the care of ${patientLabel(assignment)} by ${doctorLabel(assignment)}`}
                          onClick={() => {
                            end.reset();
                            setEnding(assignment);
                          }}
                        >
                          End
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {assignments.hasNextPage && (
          <button
            type="button"
            onClick={() => void assignments.fetchNextPage()}
            disabled={assignments.isFetchingNextPage}
          >
            {assignments.isFetchingNextPage ? 'Loading…' : 'Load more assignments'}
          </button>
        )}
      </section>

      {ending && (
        <ConfirmDialog
          title="End this care assignment?"
          confirmLabel="End assignment"
          danger
          busy={end.isPending}
          onConfirm={() => end.mutate(ending)}
          onCancel={() => setEnding(null)}
        >
          <p>
            {doctorLabel(ending)} will no longer see {patientLabel(ending)} through this care team. Grants the patient
            gave stay as they are. The end is recorded on the ledger.
          </p>
          <ErrorNotice error={end.error} onRetry={() => end.mutate(ending)} />
        </ConfirmDialog>
      )}
    </Page>
  );
}
