import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { shortId } from '../../components/format';
import { UUID } from './audit-time';
import { eventLabel, hospitalLabel, purposeLabel, REFUSAL_LABELS, roleLabel } from './labels';
import { ReportLookup } from './ReportLookup';
import './system-status.css';

type Entry = Schemas['TimelineEntryDto'];

function OutcomeTag({ entry }: { entry: Entry }) {
  switch (entry.outcome) {
    case 'granted':
      return <span className="tag tag-ok">Granted</span>;
    case 'refused':
      return (
        <span className="tag tag-bad">
          Refused
          {entry.refusalCode ? `: ${REFUSAL_LABELS[entry.refusalCode] ?? entry.refusalCode}` : ''}
        </span>
      );
    case 'appropriate':
      return <span className="tag tag-ok">Appropriate</span>;
    case 'inappropriate':
      return <span className="tag tag-bad">Inappropriate</span>;
    default:
      return null;
  }
}

const CHECK_LABELS: Array<[keyof Schemas['VerificationChecksDto'], string]> = [
  ['ledger', 'Recorded on the ledger as stored'],
  ['cid', 'Content ID matches the ledger'],
  ['ciphertext', 'Stored (encrypted) content matches its digest'],
];

/** A report's history as a timeline: its recording and every opening and refused opening, from the ledger. */
export function ReportHistoryPage() {
  const { reportId = '' } = useParams();
  const navigate = useNavigate();
  const valid = UUID.test(reportId);
  const history = useInfiniteQuery({
    queryKey: ['audit', 'report-history', reportId],
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/audit/reports/{id}/history', {
          params: { path: { id: reportId }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: valid,
  });
  const verify = useMutation({
    mutationFn: () => answer(api.POST('/api/v1/reports/{id}/verify', { params: { path: { id: reportId } } })),
  });
  const entries = history.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Page
      title="Report history"
      intro={
        <>
          Report <code className="break">{reportId}</code>: every change on the ledger and every opening or refused
          opening that involves your hospital, newest first.
        </>
      }
      actions={<Link to="/audit/accesses">Back to accesses</Link>}
    >
      {!valid && <p className="notice notice-error">This is not a report ID. Enter the whole ID below.</p>}
      <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
      {history.isPending && valid && <Loading label="Loading the report’s history…" />}
      {history.data && entries.length === 0 && <p>No event of this report is recorded yet.</p>}
      {entries.length > 0 && (
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <ol className="timeline audit-timeline">
            {entries.map((entry) => (
              <li key={entry.txId} className={entry.outcome === 'refused' ? 'timeline-refused' : undefined}>
                <h3 className="timeline-title">
                  {eventLabel(entry.event)} <OutcomeTag entry={entry} />
                </h3>
                <p className="meta">
                  <Time value={entry.at} /> · block {entry.blockNumber}
                </p>
                <dl className="facts compact">
                  <dt>By</dt>
                  <dd>
                    {entry.actor.role ? roleLabel(entry.actor.role) : 'Unknown'}
                    {entry.actor.id && (
                      <>
                        {' '}
                        <code title={entry.actor.id}>{shortId(entry.actor.id, 8)}</code>
                      </>
                    )}
                    , {hospitalLabel(entry.actor.hospital)}
                  </dd>
                  {entry.purposeOfUse && (
                    <>
                      <dt>Purpose</dt>
                      <dd>{purposeLabel(entry.purposeOfUse)}</dd>
                    </>
                  )}
                  {entry.refusalCode && (
                    <>
                      <dt>Refusal code</dt>
                      <dd>
                        <code>{entry.refusalCode}</code>
                      </dd>
                    </>
                  )}
                  <dt>Transaction</dt>
                  <dd>
                    <code className="break">{entry.txId}</code>
                  </dd>
                </dl>
              </li>
            ))}
          </ol>
          {history.hasNextPage && (
            <button type="button" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
              {history.isFetchingNextPage ? 'Loading…' : 'Load older events'}
            </button>
          )}
        </section>
      )}

      {valid && (
        <section className="panel" aria-labelledby="verify-heading">
          <h2 id="verify-heading">Check the stored copy</h2>
          <p className="meta">
            Compares the stored, encrypted content with the ledger’s content ID and digest, without decrypting it.
          </p>
          <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
            {verify.isPending ? 'Checking against the ledger…' : 'Verify against the ledger'}
          </button>
          <ErrorNotice error={verify.error} onRetry={() => verify.mutate()} />
          <div role="status" aria-live="polite">
            {verify.data && (
              <div className={verify.data.verified ? 'notice notice-ok' : 'notice notice-error'}>
                <p>
                  <strong>
                    {verify.data.verified
                      ? 'The stored copy matches the ledger.'
                      : 'The stored copy does NOT match the ledger.'}
                  </strong>{' '}
                  Ledger transaction <code className="break">{verify.data.ledger.txId}</code>.
                </p>
                <ul>
                  {CHECK_LABELS.map(([check, label]) => (
                    <li key={check}>
                      {label}: {verify.data.checks[check] ? 'yes' : 'no'}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </section>
      )}

      <ReportLookup onOpen={(id) => void navigate(`/audit/reports/${id}`)} />
    </Page>
  );
}
