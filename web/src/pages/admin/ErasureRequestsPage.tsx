import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { formatDate, formatDateTime } from '../../components/format';
import { useUser } from '../../session/use-session';
import { ConfirmDialog } from './ConfirmDialog';

type ErasureRequest = Schemas['PatientErasureRequestDto'];

const STATES: Record<ErasureRequest['state'], { label: string; tag: string }> = {
  'pending-confirmation': { label: 'Waiting for confirmation', tag: 'tag tag-warn' },
  confirmed: { label: 'Confirmed: waiting period', tag: 'tag' },
  'taking-effect': { label: 'Being carried out', tag: 'tag tag-bad' },
  erased: { label: 'Carried out', tag: 'tag tag-bad' },
  cancelled: { label: 'Cancelled', tag: 'tag' },
};

/**
 * The erasure requests of the admin's hospital: patients ask, an admin confirms (never
 * starts one), and the erasure takes effect after the waiting period, during which the
 * patient can still cancel.
 */
export function ErasureRequestsPage() {
  const me = useUser();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<ErasureRequest | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const requests = useInfiniteQuery({
    queryKey: ['admin', 'erasure-requests'],
    queryFn: ({ pageParam }) =>
      answer(api.GET('/api/v1/admin/erasure-requests', { params: { query: { limit: 50, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const confirm = useMutation({
    mutationFn: (request: ErasureRequest) =>
      answer(api.POST('/api/v1/admin/erasure-requests/{id}/confirm', { params: { path: { id: request.id } } })),
    onSuccess: (confirmed) => {
      setConfirming(null);
      setDone(
        `The erasure request of ${confirmed.patientName} is confirmed. It takes effect on ${formatDateTime(confirmed.effectiveAt)} unless the patient cancels it before.`,
      );
      void queryClient.invalidateQueries({ queryKey: ['admin', 'erasure-requests'] });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
  const rows = requests.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Page
      title="Erasure requests"
      intro={`Patients of ${me.hospital} who asked for the erasure of their records. Confirm a request once you are sure the patient made it; it takes effect after a waiting period during which the patient can still cancel.`}
    >
      <div role="status" aria-live="polite">
        {done && <p className="notice notice-ok">{done}</p>}
      </div>
      <ErrorNotice error={requests.error} onRetry={() => void requests.refetch()} />
      {requests.isPending && <Loading label="Loading erasure requests…" />}
      {requests.isSuccess && rows.length === 0 && (
        <p className="notice notice-info">No patient of {me.hospital} is waiting for an erasure.</p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              Erasure requests waiting at {me.hospital}, newest first ({rows.length} shown
              {requests.hasNextPage ? ', more to load' : ''})
            </caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Date of birth</th>
                <th scope="col">Asked</th>
                <th scope="col">Status</th>
                <th scope="col">Takes effect</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((request) => (
                <tr key={request.id}>
                  <th scope="row">
                    {request.patientName}
                    <div className="meta break">{request.patientId}</div>
                  </th>
                  <td>{formatDate(request.patientDateOfBirth)}</td>
                  <td>
                    <Time value={request.requestedAt} />
                  </td>
                  <td>
                    <span className={STATES[request.state].tag}>{STATES[request.state].label}</span>
                  </td>
                  <td>{request.effectiveAt ? <Time value={request.effectiveAt} /> : 'After confirmation'}</td>
                  <td>
                    {request.state === 'pending-confirmation' && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Confirm the erasure of ${request.patientName}`}
                        onClick={() => {
                          confirm.reset();
                          setDone(null);
                          setConfirming(request);
                        }}
                      >
                        Confirm
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {requests.hasNextPage && (
        <button type="button" onClick={() => void requests.fetchNextPage()} disabled={requests.isFetchingNextPage}>
          {requests.isFetchingNextPage ? 'Loading…' : 'Load more requests'}
        </button>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Confirm the erasure of ${confirming.patientName}?`}
          confirmLabel="Confirm erasure"
          danger
          busy={confirm.isPending}
          onConfirm={() => confirm.mutate(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            {confirming.patientName} (born {formatDate(confirming.patientDateOfBirth)}) asked on{' '}
            {formatDateTime(confirming.requestedAt)} for their records to be erased. Confirm only if you are sure the
            patient made this request.
          </p>
          <p>
            After the waiting period, their records can no longer be opened by anyone, their name, date of birth and
            e-mail address are removed, and the erasure is recorded on the ledger. The patient can cancel until then.
          </p>
          <ErrorNotice error={confirm.error} onRetry={() => confirm.mutate(confirming)} />
        </ConfirmDialog>
      )}
    </Page>
  );
}
