import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { Confirmation } from './Confirmation';
import { hospitalName } from '../../components/format';
import { patientKeys, useMyRecords } from './patient-data';
import { type Grant, GRANT_KINDS, GRANT_STATUS, granteeLabel, purposeLabel } from './patient-format';
import { recordName } from './RecordScope';

const FILTERS = [
  { value: 'all', label: 'All grants' },
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
] as const;
type Filter = (typeof FILTERS)[number]['value'];

/** What the new-grant page hands over after it created one. */
export interface GrantsPageState {
  created?: { grant: Grant; grantee: string };
}

/** Who may open the patient's records now and before: every grant, its expiry, revoke. */
export function GrantsPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<Filter>('all');
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const created = (location.state as GrantsPageState | null)?.created;
  const [confirmation, setConfirmation] = useState<ReactNode>(() =>
    created ? (
      <p>
        <strong>{created.grantee} may now open your records</strong> until <Time value={created.grant.expiresAt} />.
        Recorded on the ledger in transaction <code className="break">{created.grant.ledger.txId}</code>.
      </p>
    ) : null,
  );
  const grants = useInfiniteQuery({
    queryKey: patientKeys.grants(filter),
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/grants', {
          params: {
            query: {
              limit: 50,
              ...(filter === 'all' ? {} : { status: filter }),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  const items = useMemo(() => grants.data?.pages.flatMap((page) => page.items) ?? [], [grants.data]);
  const label = (grant: Grant) => granteeLabel(grant.grantee, grant.doctor);

  return (
    <Page
      title="My grants"
      intro="Who may open your records, which ones and until when. Revoke a grant at any time; it takes effect at once."
      actions={
        <Link to="/grants/new" className="button primary">
          New grant
        </Link>
      }
    >
      <Confirmation
        onDismiss={() => {
          setConfirmation(null);
          if (created) void navigate('.', { replace: true, state: null });
        }}
      >
        {confirmation}
      </Confirmation>
      <div className="filters">
        <SelectField label="Show" value={filter} onChange={(event) => setFilter(event.target.value as Filter)}>
          {FILTERS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNotice error={grants.error} onRetry={() => void grants.refetch()} />
      {grants.isPending && <Loading label="Loading your grants…" />}
      {grants.isSuccess && items.length === 0 && (
        <p className="empty">
          {filter === 'all' ? 'You have not given anyone access to your records.' : 'There are no grants to show.'}
        </p>
      )}
      {items.length > 0 && <GrantTable grants={items} onRevoke={setRevoking} />}
      {grants.hasNextPage && (
        <button type="button" onClick={() => void grants.fetchNextPage()} disabled={grants.isFetchingNextPage}>
          {grants.isFetchingNextPage ? 'Loading more grants…' : 'Load more'}
        </button>
      )}
      {revoking && (
        <RevokeDialog
          grant={revoking}
          grantee={label(revoking)}
          onClose={() => setRevoking(null)}
          onRevoked={(revoked) => {
            setRevoking(null);
            setConfirmation(
              <p>
                <strong>Access revoked for {label(revoking)}.</strong> From now on they cannot open these records.
                Recorded on the ledger in transaction <code className="break">{revoked.ledger.txId}</code>.
              </p>,
            );
          }}
        />
      )}
    </Page>
  );
}

function GrantTable({ grants, onRevoke }: { grants: Grant[]; onRevoke: (grant: Grant) => void }) {
  return (
    <div className="table-wrap">
      <table className="grant-list">
        <caption>Grants you have given, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Who may open</th>
            <th scope="col">Records</th>
            <th scope="col">Purpose</th>
            <th scope="col">Status</th>
            <th scope="col">Valid</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr key={grant.id}>
              <th scope="row">
                {granteeLabel(grant.grantee, grant.doctor)}
                {grant.doctor && <div className="meta">{hospitalName(grant.doctor.hospital)}</div>}
              </th>
              <td>
                <GrantScope reportIds={grant.reportIds} />
              </td>
              <td>{purposeLabel(grant.purposeOfUse)}</td>
              <td>
                <span className={GRANT_STATUS[grant.status].tag}>{GRANT_STATUS[grant.status].label}</span>
                <div className="meta">
                  {grant.kind === 'emergency' ? (
                    <span className="tag tag-warn">{GRANT_KINDS.emergency}</span>
                  ) : (
                    GRANT_KINDS.consent
                  )}
                </div>
              </td>
              <td>
                <dl className="validity">
                  <dt>From</dt>
                  <dd>
                    <Time value={grant.validFrom} />
                  </dd>
                  {grant.status === 'revoked' ? (
                    <>
                      <dt>Revoked</dt>
                      <dd>
                        <Time value={grant.revokedAt} />
                      </dd>
                    </>
                  ) : (
                    <>
                      <dt>{grant.status === 'expired' ? 'Expired' : 'Expires'}</dt>
                      <dd>
                        <Time value={grant.expiresAt} />
                      </dd>
                    </>
                  )}
                </dl>
              </td>
              <td>
                {grant.status === 'active' && (
                  <button type="button" className="danger" onClick={() => onRevoke(grant)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A grant's records: all of them, or the named ones, each a link. */
function GrantScope({ reportIds }: { reportIds: string[] | null }) {
  const { byId } = useMyRecords();
  if (reportIds === null) return <>All records</>;
  return (
    <ul className="plain-list">
      {reportIds.map((reportId) => {
        const record = byId.get(reportId);
        return (
          <li key={reportId}>
            <Link to={`/reports/${reportId}`}>{record ? recordName(record) : `Record ${reportId.slice(0, 8)}`}</Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The confirmation step of a revocation, as a modal dialog (the browser's: focus kept inside, Escape closes). */
function RevokeDialog({
  grant,
  grantee,
  onClose,
  onRevoked,
}: {
  grant: Grant;
  grantee: string;
  onClose: () => void;
  onRevoked: (grant: Grant) => void;
}) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => answer(api.DELETE('/api/v1/grants/{id}', { params: { path: { id: grant.id } } })),
    onSuccess: (revoked) => {
      void queryClient.invalidateQueries({ queryKey: ['grants'] });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      onRevoked(revoked);
    },
  });
  useEffect(() => {
    const element = dialog.current;
    // Once (React's development double run finds it open); leaving the page removes it.
    if (element && !element.open) element.showModal();
  }, []);
  const scope =
    grant.reportIds === null
      ? 'any of your records'
      : grant.reportIds.length === 1
        ? 'the record this grant covers'
        : `the ${grant.reportIds.length} records this grant covers`;
  return (
    <dialog
      ref={dialog}
      className="modal confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onClose={onClose}
    >
      <h2 id={`${id}-title`}>Revoke this grant?</h2>
      <p id={`${id}-text`}>
        {grantee} will no longer be able to open {scope}, from the next opening on. What they opened before stays in
        your access log. This cannot be undone; you can give a new grant later.
      </p>
      <ErrorNotice error={revoke.error} />
      <div className="actions">
        <button type="button" className="danger primary" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
          {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
        </button>
        <button type="button" onClick={() => dialog.current?.close()} disabled={revoke.isPending} autoFocus>
          Keep the grant
        </button>
      </div>
    </dialog>
  );
}
