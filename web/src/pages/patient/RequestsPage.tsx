import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextArea } from '../../components/Field';
import { hospitalName } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { Confirmation } from './Confirmation';
import { type Duration, DurationFields, durationBody, durationError } from './DurationFields';
import { patientKeys, useMyRecords } from './patient-data';
import {
  type AccessRequest,
  doctorLabel,
  focusFirstInvalid,
  type Grant,
  purposeLabel,
  REQUEST_STATUS,
  requestedDuration,
} from './patient-format';
import { recordName, RecordScope, type Scope, scopeError } from './RecordScope';

const FILTERS = [
  { value: 'pending', label: 'Waiting for my answer' },
  { value: 'all', label: 'All requests' },
  { value: 'approved', label: 'Approved' },
  { value: 'denied', label: 'Denied' },
  { value: 'cancelled', label: 'Cancelled by the doctor' },
] as const;
type Filter = (typeof FILTERS)[number]['value'];

/** Doctors' requests for access to the patient's records: approve (records, duration, who) or deny. */
export function RequestsPage() {
  const [filter, setFilter] = useState<Filter>('pending');
  const [confirmation, setConfirmation] = useState<ReactNode>(null);
  const requests = useInfiniteQuery({
    queryKey: patientKeys.requests(filter),
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/access-requests', {
          params: {
            query: {
              direction: 'incoming',
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
  const items = useMemo(() => requests.data?.pages.flatMap((page) => page.items) ?? [], [requests.data]);

  return (
    <Page
      title="Access requests"
      intro="Doctors who ask to see your records. Nothing is shared until you approve, and you choose what and for how long."
    >
      <Confirmation onDismiss={() => setConfirmation(null)}>{confirmation}</Confirmation>
      <div className="filters">
        <SelectField label="Show" value={filter} onChange={(event) => setFilter(event.target.value as Filter)}>
          {FILTERS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNotice error={requests.error} onRetry={() => void requests.refetch()} />
      {requests.isPending && <Loading label="Loading the requests…" />}
      {requests.isSuccess && items.length === 0 && (
        <p className="empty">
          {filter === 'pending' ? 'No request is waiting for your answer.' : 'There are no requests to show.'}
        </p>
      )}
      {items.length > 0 && (
        <ul className="cards" aria-label="Access requests">
          {items.map((request) => (
            <RequestCard key={request.id} request={request} onDecided={setConfirmation} />
          ))}
        </ul>
      )}
      {requests.hasNextPage && (
        <button type="button" onClick={() => void requests.fetchNextPage()} disabled={requests.isFetchingNextPage}>
          {requests.isFetchingNextPage ? 'Loading more requests…' : 'Load more'}
        </button>
      )}
    </Page>
  );
}

function RequestCard({ request, onDecided }: { request: AccessRequest; onDecided: (confirmation: ReactNode) => void }) {
  const id = useId();
  const [open, setOpen] = useState<'approve' | 'deny' | null>(null);
  const approveButton = useRef<HTMLButtonElement>(null);
  const denyButton = useRef<HTMLButtonElement>(null);
  const { byId } = useMyRecords();
  const { doctor } = request;
  const who = doctorLabel(request.doctorId, doctor);
  const status = REQUEST_STATUS[request.status];
  const close = () => {
    const button = open === 'approve' ? approveButton.current : denyButton.current;
    setOpen(null);
    button?.focus();
  };
  return (
    <li className="card request-card">
      <h2 className="card-title">
        {who} asks for access <span className={status.tag}>{status.label}</span>
      </h2>
      <dl className="facts">
        <dt>Doctor</dt>
        <dd>
          {who}
          {doctor?.hospital && <>, {hospitalName(doctor.hospital)}</>}
          <span className="meta-inline">
            {' '}
            · ID <code>{request.doctorId}</code>
          </span>
        </dd>
        <dt>Reason</dt>
        <dd className="prose">{request.reason ?? <em>No longer kept</em>}</dd>
        <dt>Purpose</dt>
        <dd>{purposeLabel(request.purposeOfUse)}</dd>
        <dt>Records asked for</dt>
        <dd>
          {request.reportIds === null ? (
            'All your records'
          ) : (
            <ul className="plain-list">
              {request.reportIds.map((reportId) => {
                const record = byId.get(reportId);
                return (
                  <li key={reportId}>
                    <Link to={`/reports/${reportId}`}>
                      {record ? recordName(record) : `Record ${reportId.slice(0, 8)}`}
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </dd>
        <dt>For how long</dt>
        <dd>{requestedDuration(request)}</dd>
        <dt>Asked</dt>
        <dd>
          <Time value={request.requestedAt} />
        </dd>
        {request.decidedAt && (
          <>
            <dt>Answered</dt>
            <dd>
              <Time value={request.decidedAt} />
              {request.grantId && (
                <>
                  {' · '}
                  <Link to="/grants">See the grant</Link>
                </>
              )}
            </dd>
          </>
        )}
        {request.denialReason && (
          <>
            <dt>Your reason for denying</dt>
            <dd className="prose">{request.denialReason}</dd>
          </>
        )}
      </dl>
      {request.status === 'pending' && (
        <div className="actions">
          <button
            ref={approveButton}
            type="button"
            className="primary"
            aria-expanded={open === 'approve'}
            aria-controls={`${id}-panel`}
            onClick={() => setOpen(open === 'approve' ? null : 'approve')}
          >
            Approve…
          </button>
          <button
            ref={denyButton}
            type="button"
            className="danger"
            aria-expanded={open === 'deny'}
            aria-controls={`${id}-panel`}
            onClick={() => setOpen(open === 'deny' ? null : 'deny')}
          >
            Deny…
          </button>
        </div>
      )}
      <div id={`${id}-panel`}>
        {open === 'approve' && (
          <ApproveForm
            request={request}
            who={who}
            onCancel={close}
            onDone={(grant) => {
              setOpen(null);
              onDecided(
                <p>
                  <strong>You approved the request of {who}.</strong> They may open{' '}
                  {grant.reportIds === null
                    ? 'all your records, including ones you add later,'
                    : grant.reportIds.length === 1
                      ? '1 record'
                      : `${grant.reportIds.length} records`}{' '}
                  until <Time value={grant.expiresAt} />. Recorded on the ledger in transaction{' '}
                  <code className="break">{grant.ledger.txId}</code>. <Link to="/grants">See your grants</Link>
                </p>,
              );
            }}
          />
        )}
        {open === 'deny' && (
          <DenyForm
            request={request}
            who={who}
            onCancel={close}
            onDone={() => {
              setOpen(null);
              onDecided(
                <p>
                  <strong>You denied the request of {who}.</strong> Nothing was shared; the doctor is told.
                </p>,
              );
            }}
          />
        )}
      </div>
    </li>
  );
}

/** Focuses a form's heading when the form opens, so that keyboard and screen-reader users land in it. */
function useFocusOnOpen<T extends HTMLElement>() {
  const heading = useRef<T>(null);
  useEffect(() => heading.current?.focus(), []);
  return heading;
}

function ApproveForm({
  request,
  who,
  onCancel,
  onDone,
}: {
  request: AccessRequest;
  who: string;
  onCancel: () => void;
  onDone: (grant: Grant) => void;
}) {
  const queryClient = useQueryClient();
  const heading = useFocusOnOpen<HTMLHeadingElement>();
  const [scope, setScope] = useState<Scope>({ mode: 'default', ids: request.reportIds ?? [] });
  const askedForSome = request.reportIds !== null;
  const [duration, setDuration] = useState<Duration>({ amount: String(request.durationDays), unit: 'days' });
  const [grantee, setGrantee] = useState<'doctor' | 'care-team' | 'hospital'>('doctor');
  const [checked, setChecked] = useState(false);
  const name = useId();
  const approve = useMutation({
    mutationFn: () =>
      answer(
        api.POST('/api/v1/access-requests/{id}/approve', {
          params: { path: { id: request.id } },
          body: {
            grantee,
            ...durationBody(duration),
            // Nothing: what was asked; null: all the patient's records, also later ones; else the ticked ones.
            ...(scope.mode === 'all' ? { reportIds: null } : {}),
            ...(scope.mode === 'chosen' ? { reportIds: scope.ids } : {}),
          },
        }),
      ),
    // The lists are fresh before the confirmation shows, so the request is no longer offered as pending.
    onSuccess: async (grant) => {
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['access-requests'] }),
        queryClient.invalidateQueries({ queryKey: ['grants'] }),
      ]);
      onDone(grant);
    },
  });
  const errors = { scope: scopeError(scope), duration: durationError(duration) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (errors.scope || errors.duration) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    approve.mutate();
  };
  const asked =
    request.reportIds === null
      ? 'All my records, including ones I add later (as asked)'
      : `The ${request.reportIds.length === 1 ? 'record' : `${request.reportIds.length} records`} asked for`;
  return (
    <form className="patient-form decision" onSubmit={submit} noValidate aria-labelledby={`${name}-title`}>
      <h3 id={`${name}-title`} ref={heading} tabIndex={-1}>
        Approve the request of {who}
      </h3>
      <RecordScope
        legend="Which records may they open?"
        defaultLabel={asked}
        allLabel={askedForSome ? 'All my records, including ones I add later' : undefined}
        value={scope}
        onChange={setScope}
        error={checked ? errors.scope : null}
        highlight={request.reportIds}
      />
      <DurationFields value={duration} onChange={setDuration} error={checked ? errors.duration : null} />
      <fieldset>
        <legend>Who may open them?</legend>
        <label className="check">
          <input
            type="radio"
            name={`${name}-grantee`}
            checked={grantee === 'doctor'}
            onChange={() => setGrantee('doctor')}
          />
          Only {who}
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${name}-grantee`}
            checked={grantee === 'care-team'}
            onChange={() => setGrantee('care-team')}
          />
          My care team at their hospital (the doctors assigned to me there when they open a record)
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${name}-grantee`}
            checked={grantee === 'hospital'}
            onChange={() => setGrantee('hospital')}
          />
          All doctors of their hospital
        </label>
      </fieldset>
      <ErrorNotice error={approve.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={approve.isPending}>
          {approve.isPending ? 'Approving…' : 'Approve and share'}
        </button>
        <button type="button" onClick={onCancel} disabled={approve.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DenyForm({
  request,
  who,
  onCancel,
  onDone,
}: {
  request: AccessRequest;
  who: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const heading = useFocusOnOpen<HTMLHeadingElement>();
  const [reason, setReason] = useState('');
  const name = useId();
  const deny = useMutation({
    mutationFn: () =>
      answer(
        api.POST('/api/v1/access-requests/{id}/deny', {
          params: { path: { id: request.id } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: async () => {
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      await queryClient.invalidateQueries({ queryKey: ['access-requests'] });
      onDone();
    },
  });
  return (
    <form
      className="patient-form decision"
      aria-labelledby={`${name}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        deny.mutate();
      }}
    >
      <h3 id={`${name}-title`} ref={heading} tabIndex={-1}>
        Deny the request of {who}
      </h3>
      <TextArea
        label="Reason (optional)"
        hint="The doctor sees it. It is kept off the ledger."
        maxLength={2000}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <ErrorNotice error={deny.error} />
      <div className="actions">
        <button type="submit" className="danger primary" disabled={deny.isPending}>
          {deny.isPending ? 'Denying…' : 'Deny request'}
        </button>
        <button type="button" onClick={onCancel} disabled={deny.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
