import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';
import { onSessionEnd } from '../session/session';

/**
 * Server state lives here, in memory, and nowhere else; it is dropped whole when the
 * session ends. Refusals are not retried; only an unreachable or unavailable API is.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      gcTime: 5 * 60_000,
      refetchOnWindowFocus: true,
      retry: (failures, error) => failures < 2 && error instanceof ApiError && error.isUnavailable,
    },
    mutations: { retry: false },
  },
});

onSessionEnd(() => queryClient.clear());
