import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import {
  type AccessRequest,
  patientLabel,
  purposeLabel,
  STATUS_TAGS,
  statusLabel,
  usePatientNames,
} from './doctor-data';

type Status = AccessRequest['status'];
const STATUSES: Status[] = ['pending', 'approved', 'denied', 'cancelled'];

/** The doctor's outgoing access requests: their status, and cancelling a pending one. */
export function RequestsPage() {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status | ''>('');
  const requests = useInfiniteQuery({
    queryKey: ['access-requests', 'outgoing', status],
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/access-requests', {
          params: {
            query: {
              direction: 'outgoing',
              limit: 50,
              ...(status ? { status } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => answer(api.DELETE('/api/v1/access-requests/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['access-requests'] }),
  });
  const items = requests.data?.pages.flatMap((page) => page.items) ?? [];
  const names = usePatientNames(items.map((request) => request.patientId));

  return (
    <Page
      title="Your access requests"
      intro="Requests you sent to patients. A pending request can be cancelled until the patient decides."
      actions={
        <Link className="button" to="/patients">
          Find a patient
        </Link>
      }
    >
      <div className="filters">
        <SelectField label="Status" value={status} onChange={(event) => setStatus(event.target.value as Status | '')}>
          <option value="">All</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {statusLabel(value)}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNotice error={requests.error ?? cancel.error} onRetry={() => void requests.refetch()} />
      {cancel.isSuccess && (
        <p className="notice notice-ok" role="status">
          The request is cancelled.
        </p>
      )}
      {requests.isPending && <Loading label="Loading your requests…" />}
      {requests.data && items.length === 0 && <p className="empty">You have no {status || ''} requests.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Access requests you sent{status ? ` (${status})` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Requested</th>
                <th scope="col">Purpose</th>
                <th scope="col">Asked for</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((request) => {
                const name = patientLabel(names.get(request.patientId), request.patientId);
                return (
                  <tr key={request.id}>
                    <th scope="row">
                      <Link to={`/patients/${request.patientId}`}>{name}</Link>
                    </th>
                    <td>
                      <Time value={request.requestedAt} />
                    </td>
                    <td>{purposeLabel(request.purposeOfUse)}</td>
                    <td>
                      {request.reportIds
                        ? `${request.reportIds.length} chosen record${request.reportIds.length === 1 ? '' : 's'}`
                        : 'All records'}
                      , {request.durationDays} day{request.durationDays === 1 ? '' : 's'}
                    </td>
                    <td>
                      <span className={STATUS_TAGS[request.status] ?? 'tag'}>{statusLabel(request.status)}</span>
                      {request.decidedAt && (
                        <span className="meta">
                          {' '}
                          <Time value={request.decidedAt} />
                        </span>
                      )}
                      {request.denialReason && <p className="meta">“{request.denialReason}”</p>}
                    </td>
                    <td>
                      {request.status === 'pending' && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Cancel the request to ${name}`}
                          disabled={cancel.isPending && cancel.variables === request.id}
                          onClick={() => cancel.mutate(request.id)}
                        >
                          Cancel
                        </button>
                      )}
                      {request.status === 'approved' && (
                        <Link to="/granted" aria-label={`See the access ${name} granted`}>
                          See the grant
                        </Link>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {requests.hasNextPage && (
        <button type="button" onClick={() => void requests.fetchNextPage()} disabled={requests.isFetchingNextPage}>
          Show more requests
        </button>
      )}
    </Page>
  );
}
