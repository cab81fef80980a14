import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { answer, api } from '../../api/client';
import type { ReportMetadata } from '../../components/report-kinds';

/** Query keys of the patient's pages; `['reports']`, `['grants']`, `['access-requests']` invalidate them. */
export const patientKeys = {
  records: ['reports', 'mine', 'chooser'] as const,
  requests: (status: string) => ['access-requests', 'incoming', status] as const,
  grants: (status: string) => ['grants', 'given', status] as const,
  allGrants: ['grants', 'given', 'directory'] as const,
  allRequests: ['access-requests', 'incoming', 'directory'] as const,
  careTeam: (patientId: string) => ['care-team', patientId] as const,
  accessLog: (filter: object) => ['access-log', filter] as const,
  hospitals: ['hospitals'] as const,
};

/**
 * All of the patient's own records, page by page (100 a page), for choosing records and for
 * naming them in other lists. `more()` fetches the next page while there is one.
 */
export function useMyRecords() {
  const query = useInfiniteQuery({
    queryKey: patientKeys.records,
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/reports', {
          params: { query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  const records = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const byId = useMemo(() => new Map<string, ReportMetadata>(records.map((record) => [record.id, record])), [records]);
  return { query, records, byId };
}

/** The network's hospitals (public). */
export function useHospitals() {
  return useQuery({
    queryKey: patientKeys.hospitals,
    queryFn: () => answer(api.GET('/api/v1/hospitals')),
    staleTime: 10 * 60_000,
    select: (list) => list.items.map((item) => item.hospital),
  });
}
