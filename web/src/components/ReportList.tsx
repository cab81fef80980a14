import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../api/client';
import { AuthorMark } from './AuthorMark';
import { ErrorNotice } from './ErrorNotice';
import { formatBytes } from './format';
import { Loading } from './Loading';
import { type ReportMetadata, reportRecordedAt, reportTypeLabel } from './report-kinds';
import { Time } from './Time';
import './reports.css';

/** The query key of report lists: invalidate `['reports']` after an upload. */
export const reportsQueryKey = (patientId?: string) => ['reports', { patientId: patientId ?? null }] as const;

/**
 * The records the caller may see, fetched page by page: a doctor's for one patient
 * (`patientId`), a patient's own (no `patientId`).
 */
export function ReportList({
  patientId,
  caption,
  empty = 'There are no records to show.',
  actions,
}: {
  patientId?: string;
  caption: string;
  empty?: ReactNode;
  /** An extra cell per report (e.g. a "Verify" button). */
  actions?: (report: ReportMetadata) => ReactNode;
}) {
  const reports = useInfiniteQuery({
    queryKey: reportsQueryKey(patientId),
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/reports', {
          params: {
            query: { ...(patientId ? { patientId } : {}), limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  if (reports.isPending) return <Loading label="Loading the records…" />;
  if (reports.isError) return <ErrorNotice error={reports.error} onRetry={() => void reports.refetch()} />;
  const items = reports.data.pages.flatMap((page) => page.items);
  return (
    <>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ReportTable reports={items} caption={caption} actions={actions} />
      )}
      {reports.hasNextPage && (
        <button type="button" onClick={() => void reports.fetchNextPage()} disabled={reports.isFetchingNextPage}>
          {reports.isFetchingNextPage ? 'Loading more records…' : 'Show more records'}
        </button>
      )}
    </>
  );
}

/** Records as a table: type, title (the link to open it), who wrote it, when it was recorded, size. */
export function ReportTable({
  reports,
  caption,
  actions,
}: {
  reports: ReportMetadata[];
  caption: string;
  actions?: (report: ReportMetadata) => ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="report-list">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Type</th>
            <th scope="col">Author</th>
            <th scope="col">Recorded</th>
            <th scope="col">Size</th>
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {reports.map((report) => (
            <tr key={report.id}>
              <th scope="row">
                <Link to={`/reports/${report.id}`}>
                  {report.title ?? `Untitled ${reportTypeLabel(report.type).toLowerCase()}`}
                </Link>
              </th>
              <td>{reportTypeLabel(report.type)}</td>
              <td>
                <AuthorMark authorRole={report.authorRole} />
              </td>
              <td>
                <Time value={reportRecordedAt(report)} />
              </td>
              <td>{report.size === null ? '—' : formatBytes(report.size)}</td>
              {actions && <td>{actions(report)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
