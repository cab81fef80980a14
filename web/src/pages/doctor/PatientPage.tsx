import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDate, hospitalName } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { ReportList } from '../../components/ReportList';
import { Time } from '../../components/Time';
import { purposeLabel, useKnownPatient } from './doctor-data';

/** A patient: demographics, the records this doctor may see, and what the doctor can do. */
export function PatientPage() {
  const { patientId = '' } = useParams();
  const { access: patient, known } = useKnownPatient(patientId);
  const refused = patient.error instanceof ApiError && (patient.error.status === 403 || patient.error.status === 404);
  const base = `/patients/${patientId}`;

  return (
    <Page
      title={known ? known.fullName : 'Patient'}
      intro={known ? `Born ${formatDate(known.dateOfBirth)} · ${hospitalName(known.hospital)}` : undefined}
      actions={
        <>
          {patient.data && (
            <>
              <Link className="button primary" to={`${base}/upload`} state={{ patient: known }}>
                Upload a record
              </Link>
              <Link className="button" to={`${base}/upload?mode=structured`} state={{ patient: known }}>
                Write a case report
              </Link>
            </>
          )}
          <Link className="button" to={`${base}/request-access`} state={{ patient: known }}>
            Request access
          </Link>
          <Link className="button" to={`${base}/emergency`} state={{ patient: known }}>
            Emergency access
          </Link>
        </>
      }
    >
      {patient.isPending && <Loading label="Loading the patient…" />}
      {patient.isError && (
        <>
          <ErrorNotice error={patient.error} onRetry={() => void patient.refetch()} />
          {refused && (
            <section className="panel" aria-labelledby="no-access-heading">
              <h2 id="no-access-heading">You cannot see this patient’s records</h2>
              <p>
                {known ? known.fullName : 'This patient'} is not in your care and has not granted you access, or the ID
                is not right.
              </p>
              <ul>
                <li>
                  <Link to={`${base}/request-access`} state={{ patient: known }}>
                    Request access
                  </Link>{' '}
                  — the patient decides, and chooses which records and for how long.
                </li>
                <li>
                  <Link to={`${base}/emergency`} state={{ patient: known }}>
                    Emergency access
                  </Link>{' '}
                  — only when the patient needs care now and cannot be asked. It is recorded on the ledger and reviewed.
                </li>
              </ul>
            </section>
          )}
        </>
      )}
      {patient.data && (
        <>
          <section className="panel" aria-labelledby="demographics-heading">
            <h2 id="demographics-heading">Patient details</h2>
            <dl className="dl-grid">
              <dt>Name</dt>
              <dd>{patient.data.fullName}</dd>
              <dt>Date of birth</dt>
              <dd>{formatDate(patient.data.dateOfBirth)}</dd>
              <dt>Hospital</dt>
              <dd>{hospitalName(patient.data.hospital)}</dd>
              <dt>Patient ID</dt>
              <dd>
                <code className="break">{patient.data.id}</code>
              </dd>
            </dl>
          </section>
          <ActiveGrants patientId={patientId} />
          <section aria-labelledby="records-heading">
            <h2 id="records-heading">Records</h2>
            <ReportList
              patientId={patientId}
              caption={`Records of ${patient.data.fullName} you may see`}
              empty="There are no records of this patient that you may see."
            />
          </section>
        </>
      )}
    </Page>
  );
}

/** The doctor's active grants for this patient (consent or emergency), with their expiry. */
function ActiveGrants({ patientId }: { patientId: string }) {
  const grants = useQuery({
    queryKey: ['grants', 'held', 'active'],
    queryFn: () => answer(api.GET('/api/v1/grants', { params: { query: { status: 'active', limit: 100 } } })),
  });
  const mine = grants.data?.items.filter((grant) => grant.patientId === patientId) ?? [];
  if (grants.isError) return <ErrorNotice error={grants.error} onRetry={() => void grants.refetch()} />;
  if (mine.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="access-heading">
      <h2 id="access-heading">Your access</h2>
      <ul>
        {mine.map((grant) => (
          <li key={grant.id}>
            {grant.kind === 'emergency' ? <strong>Emergency access</strong> : 'Access granted by the patient'} to{' '}
            {grant.reportIds ? `${grant.reportIds.length} chosen record(s)` : 'all records'}, for{' '}
            {purposeLabel(grant.purposeOfUse)}, until <Time value={grant.expiresAt} />.
          </li>
        ))}
      </ul>
    </section>
  );
}
