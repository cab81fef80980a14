import { useMutation, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { answer, api, type Schemas } from '../../api/client';
import { AuthorMark } from '../../components/AuthorMark';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../components/format';
import { LedgerProof } from '../../components/LedgerProof';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { reportProof, reportTypeLabel } from '../../components/report-kinds';
import { VerifiedBadge } from '../../components/VerifiedBadge';
import { useUser } from '../../session/use-session';
import { type OpenedContent, openReportContent } from './report-content';
import { ReportContent } from './report-document';
import '../../components/reports.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One record (patients and doctors): its metadata and ledger proof, its content opened in
 * the browser and verified against the ledger, and a deeper check on demand.
 */
export function ReportPage() {
  const { reportId = '' } = useParams();
  const valid = UUID.test(reportId);
  const metadata = useQuery({
    queryKey: ['report', reportId],
    queryFn: () => answer(api.GET('/api/v1/reports/{id}', { params: { path: { id: reportId } } })),
    enabled: valid,
  });
  // Opening is recorded on the ledger (an access receipt): once per visit, never again in the
  // background, and the decrypted content leaves the cache with the page.
  const content = useQuery({
    queryKey: ['report-content', reportId],
    queryFn: ({ signal }) => openReportContent(reportId, signal),
    enabled: valid,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const report = metadata.data;
  const title = report ? (report.title ?? `Untitled ${reportTypeLabel(report.type).toLowerCase()}`) : 'Record';

  if (!valid)
    return (
      <Page title="Record not found">
        <p>This address does not name a record.</p>
      </Page>
    );

  return (
    <Page
      title={title}
      intro={
        report ? (
          <>
            {reportTypeLabel(report.type)} · <AuthorMark authorRole={report.authorRole} />
          </>
        ) : undefined
      }
    >
      {metadata.isPending && <Loading label="Loading the record…" />}
      {metadata.isError && !content.isPending && !isStatus(content.error, 403) && (
        <>
          <ErrorNotice error={metadata.error} onRetry={() => void metadata.refetch()} />
          {metadata.error instanceof ApiError && metadata.error.status === 404 && (
            <p>This record does not exist, or it is not one you may see.</p>
          )}
        </>
      )}

      <section aria-labelledby="content-heading" className="report-content">
        <h2 id="content-heading" className={content.data?.caseReport ? 'visually-hidden' : undefined}>
          Content
        </h2>
        {isStatus(metadata.error, 404) && isStatus(content.error, 404) ? (
          <p>Nothing to open.</p>
        ) : (
          <ContentState
            content={content}
            reportId={reportId}
            title={title}
            report={report}
            onRetry={() => void content.refetch()}
          />
        )}
      </section>

      {report && <RecordDetails report={report} />}
      {report && <Verification reportId={reportId} />}
    </Page>
  );
}

const isStatus = (error: unknown, status: number): boolean => error instanceof ApiError && error.status === status;

function ContentState({
  content,
  reportId,
  title,
  report,
  onRetry,
}: {
  content: UseQueryResult<OpenedContent>;
  reportId: string;
  title: string;
  report: Schemas['ReportMetadataDto'] | undefined;
  onRetry: () => void;
}) {
  if (content.isPending) return <Loading label="Opening the record and checking it against the ledger…" />;
  if (content.isError) {
    const error = content.error;
    if (error instanceof ApiError && error.status === 422) return <IntegrityWarning error={error} />;
    if (error instanceof ApiError && error.status === 403)
      return <Refused error={error} reportId={reportId} patientId={report?.patientId} />;
    return <ErrorNotice error={error} onRetry={onRetry} />;
  }
  const opened = content.data;
  if (opened.digestMismatch)
    return (
      <IntegrityWarning
        error={
          new ApiError(
            422,
            'DIGEST_MISMATCH',
            'The received content does not match the digest the server announced',
            null,
          )
        }
      />
    );
  return (
    <>
      {opened.verified && opened.ledgerTxId && <VerifiedBadge txId={opened.ledgerTxId} />}
      {!opened.verified && (
        <p className="notice notice-warning">
          <strong>This content was not confirmed as verified against the ledger.</strong> Treat it with caution and use
          “Verify against the ledger” below.
        </p>
      )}
      {opened.receiptTxId && (
        <p className="meta">
          Your opening of this record is recorded on the ledger: access receipt{' '}
          <code className="break">{opened.receiptTxId}</code>.
        </p>
      )}
      <ReportContent opened={opened} title={title} />
    </>
  );
}

/** 422: the content no longer matches the ledger; nothing of it is shown. */
function IntegrityWarning({ error }: { error: ApiError }) {
  return (
    <div className="integrity-warning">
      <div className="notice notice-error integrity-failed">
        <p>
          <strong>Integrity warning: the content of this record no longer matches the ledger.</strong>
        </p>
        <p>
          It may have been altered or damaged in storage. It is not shown and must not be trusted for care decisions.
          The failure is recorded for the auditors.
        </p>
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}

const REFUSALS: Record<string, string> = {
  GRANT_REVOKED: 'The patient has revoked your access to this record.',
  GRANT_EXPIRED: 'Your access to this record has expired.',
};

/** 403: no active grant (the refusal itself is recorded on the ledger). */
function Refused({ error, reportId, patientId: known }: { error: ApiError; reportId: string; patientId?: string }) {
  const user = useUser();
  // The record's metadata is refused too: a grant the doctor held for it names the patient.
  const held = useQuery({
    queryKey: ['grants', 'held-for-report', reportId],
    queryFn: () => answer(api.GET('/api/v1/grants', { params: { query: { limit: 100 } } })),
    enabled: user.role === 'doctor' && !known,
  });
  const patientId = known ?? held.data?.items.find((grant) => grant.reportIds?.includes(reportId))?.patientId;
  return (
    <div className="refused">
      <ErrorNotice error={error} />
      <p>
        {REFUSALS[error.code] ?? 'You have no active grant that lets you open this record.'} This refused attempt is
        recorded on the ledger.
      </p>
      {user.role === 'doctor' && (
        <p className="actions">
          {patientId ? (
            <>
              <Link className="button primary" to={`/patients/${patientId}/request-access`}>
                Request access
              </Link>
              <Link className="button" to={`/patients/${patientId}/emergency`}>
                Emergency access
              </Link>
            </>
          ) : (
            <Link to="/patients">Find the patient to request access</Link>
          )}
        </p>
      )}
    </div>
  );
}

function RecordDetails({ report }: { report: Schemas['ReportMetadataDto'] }) {
  const user = useUser();
  const proof = reportProof(report);
  return (
    <section className="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">About this record</h2>
      <dl className="report-meta">
        <dt>Type</dt>
        <dd>{reportTypeLabel(report.type)}</dd>
        <dt>Author</dt>
        <dd>
          <AuthorMark authorRole={report.authorRole} />
        </dd>
        <dt>File type</dt>
        <dd>{report.contentType ?? '—'}</dd>
        <dt>Size</dt>
        <dd>{report.size === null ? '—' : formatBytes(report.size)}</dd>
        <dt>SHA-256 of the content</dt>
        <dd>{report.sha256 ? <code className="break">{report.sha256}</code> : '—'}</dd>
        <dt>SHA-256 of the encrypted file</dt>
        <dd>{proof.sha256 ? <code className="break">{proof.sha256}</code> : '—'}</dd>
        {user.role === 'doctor' && (
          <>
            <dt>Patient</dt>
            <dd>
              <Link to={`/patients/${report.patientId}`}>Open the patient’s page</Link>
            </dd>
          </>
        )}
      </dl>
      <LedgerProof proof={{ ...proof, sha256: null }} title="Ledger record" />
    </section>
  );
}

const CHECKS: Array<{ key: keyof Schemas['VerificationChecksDto']; label: string }> = [
  { key: 'ledger', label: 'The stored record matches the ledger' },
  { key: 'cid', label: 'The content ID (CID) matches the ledger' },
  { key: 'ciphertext', label: 'The stored encrypted file matches its digest on the ledger' },
  { key: 'plaintext', label: 'The decrypted content matches its commitment on the ledger' },
];

/** POST /reports/{id}/verify: every check, without opening the content again. */
function Verification({ reportId }: { reportId: string }) {
  const verify = useMutation({
    mutationFn: () => answer(api.POST('/api/v1/reports/{id}/verify', { params: { path: { id: reportId } } })),
  });
  const result = verify.data;
  return (
    <section className="panel" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Check against the ledger</h2>
      <p>Checks the stored record, its content ID and its encrypted and decrypted content against the ledger.</p>
      <button type="button" className="primary" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? 'Verifying…' : 'Verify against the ledger'}
      </button>
      <ErrorNotice error={verify.error} onRetry={() => verify.mutate()} />
      <div role="status" aria-live="polite">
        {result && (
          <>
            <p className={result.verified ? 'notice notice-ok' : 'notice notice-error'}>
              <strong>
                {result.verified
                  ? 'Verified: every check against the ledger passed.'
                  : 'Verification failed: this record does not match the ledger and must not be trusted.'}
              </strong>
            </p>
            <ul className="verify-checks">
              {CHECKS.map(({ key, label }) => {
                const passed = result.checks[key];
                return (
                  <li key={key}>
                    <span className={passed === null ? 'tag' : passed ? 'tag tag-ok' : 'tag tag-bad'}>
                      {passed === null ? 'Not checked' : passed ? 'Passed' : 'Failed'}
                    </span>
                    <span>{label}</span>
                  </li>
                );
              })}
            </ul>
            <p className="meta">
              Ledger transaction <code className="break">{result.ledger.txId}</code>
            </p>
          </>
        )}
      </div>
    </section>
  );
}
