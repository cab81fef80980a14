import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';

/** The user's signed-in devices, each of which they can end. */
export function SessionsPage() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: () => answer(api.GET('/api/v1/auth/sessions')) });
  const end = useMutation({
    mutationFn: (id: string) => answer(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <Page title="Your sessions" intro="Where you are signed in. End any session you do not recognise.">
      <ErrorNotice error={sessions.error ?? end.error} onRetry={() => void sessions.refetch()} />
      {sessions.isPending && <Loading />}
      {sessions.data && (
        <table>
          <caption>Signed-in sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">Ends at the latest</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.items.map((session) => (
              <tr key={session.id}>
                <td>{session.userAgent ?? 'Unknown device'}</td>
                <td>{session.ip ?? '—'}</td>
                <td>
                  <Time value={session.createdAt} />
                </td>
                <td>
                  <Time value={session.lastSeenAt} />
                </td>
                <td>
                  <Time value={session.expiresAt} />
                </td>
                <td>
                  {session.current ? (
                    <span className="tag">This session</span>
                  ) : (
                    <button type="button" onClick={() => end.mutate(session.id)} disabled={end.isPending}>
                      End session
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
