import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import {
  type Grant,
  granteeLabel,
  patientLabel,
  purposeLabel,
  STATUS_TAGS,
  statusLabel,
  usePatientNames,
} from './doctor-data';

type Status = Grant['status'];

/** Access patients granted to the doctor (consent) or the doctor declared (emergency), with expiry. */
export function GrantedPage() {
  const [status, setStatus] = useState<Status | ''>('active');
  const grants = useInfiniteQuery({
    queryKey: ['grants', 'held', 'list', status],
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/grants', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  const items = grants.data?.pages.flatMap((page) => page.items) ?? [];
  const names = usePatientNames(items.map((grant) => grant.patientId));

  return (
    <Page
      title="Granted to me"
      intro="Records patients let you see, and emergency access you declared, with their expiry."
    >
      <div className="filters">
        <SelectField label="Status" value={status} onChange={(event) => setStatus(event.target.value as Status | '')}>
          <option value="active">Active</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
          <option value="">All</option>
        </SelectField>
      </div>
      <ErrorNotice error={grants.error} onRetry={() => void grants.refetch()} />
      {grants.isPending && <Loading label="Loading your grants…" />}
      {grants.data && items.length === 0 && (
        <p className="empty">
          {status === 'active' ? 'No patient has granted you access right now.' : 'Nothing to show.'}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Access granted to you{status ? ` (${status})` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Records</th>
                <th scope="col">Purpose</th>
                <th scope="col">Granted to</th>
                <th scope="col">From</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((grant) => {
                const name = patientLabel(names.get(grant.patientId), grant.patientId);
                return (
                  <tr key={grant.id}>
                    <th scope="row">
                      <Link to={`/patients/${grant.patientId}`}>{name}</Link>
                      {grant.kind === 'emergency' && (
                        <>
                          {' '}
                          <span className="tag tag-warn">Emergency</span>
                        </>
                      )}
                    </th>
                    <td>
                      {grant.reportIds === null ? (
                        <Link to={`/patients/${grant.patientId}`} aria-label={`All records of ${name}`}>
                          All records
                        </Link>
                      ) : (
                        <ul className="plain-list">
                          {grant.reportIds.map((id, index) => (
                            <li key={id}>
                              <Link to={`/reports/${id}`} aria-label={`Record ${index + 1} of ${name}`}>
                                Record {index + 1}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{purposeLabel(grant.purposeOfUse)}</td>
                    <td>{granteeLabel(grant.grantee)}</td>
                    <td>
                      <Time value={grant.validFrom} />
                    </td>
                    <td>
                      <Time value={grant.expiresAt} />
                    </td>
                    <td>
                      <span className={STATUS_TAGS[grant.status] ?? 'tag'}>{statusLabel(grant.status)}</span>
                      {grant.revokedAt && (
                        <span className="meta">
                          {' '}
                          <Time value={grant.revokedAt} />
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {grants.hasNextPage && (
        <button type="button" onClick={() => void grants.fetchNextPage()} disabled={grants.isFetchingNextPage}>
          Show more
        </button>
      )}
    </Page>
  );
}
