import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { useUser } from '../../session/use-session';

type Notification = Schemas['NotificationDto'];

const KINDS: Record<Notification['kind'], string> = {
  'access-requested': 'A doctor asked for access to records',
  'request-approved': 'An access request was approved',
  'request-denied': 'An access request was denied',
  'request-cancelled': 'An access request was cancelled',
  'grant-created': 'Access to records was granted',
  'grant-revoked': 'Access to records was revoked',
  'emergency-access': 'A doctor used emergency access to records',
  'grant-expiring': 'An access grant expires soon',
  'erasure-requested': 'A patient asked for the erasure of their records',
  'erasure-confirmed': 'Your erasure request was confirmed: you can cancel it until it takes effect',
};

/** Where a notification's subject can be seen, for the reader's role. */
function subjectLink(notification: Notification, role: string): string {
  switch (notification.subject.type) {
    case 'access-request':
      return '/requests';
    case 'grant':
      return role === 'doctor' ? '/granted' : '/grants';
    case 'erasure-request':
      return role === 'admin' ? '/admin/erasure-requests' : '/erasure';
  }
}

export function NotificationsPage() {
  const user = useUser();
  const queryClient = useQueryClient();
  const feed = useQuery({
    queryKey: ['notifications', 'feed'],
    queryFn: () => answer(api.GET('/api/v1/notifications', { params: { query: { limit: 50 } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notifications'] });
  const readOne = useMutation({
    mutationFn: (id: string) => answer(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const readAll = useMutation({
    mutationFn: () => answer(api.POST('/api/v1/notifications/read-all')),
    onSuccess: refresh,
  });
  return (
    <Page
      title="Notifications"
      intro={feed.data ? `${feed.data.unreadCount} unread` : undefined}
      actions={
        <button type="button" onClick={() => readAll.mutate()} disabled={!feed.data?.unreadCount || readAll.isPending}>
          Mark all as read
        </button>
      }
    >
      <ErrorNotice error={feed.error ?? readOne.error ?? readAll.error} onRetry={() => void feed.refetch()} />
      {feed.isPending && <Loading />}
      {feed.data && feed.data.items.length === 0 && <p>You have no notifications.</p>}
      {feed.data && feed.data.items.length > 0 && (
        <ul className="cards">
          {feed.data.items.map((notification) => {
            const link = subjectLink(notification, user.role);
            return (
              <li key={notification.id} className={notification.readAt ? 'card' : 'card unread'}>
                <p>
                  {!notification.readAt && <span className="tag">New</span>} {KINDS[notification.kind]}
                </p>
                <p className="meta">
                  <Time value={notification.createdAt} />
                  {' · '}
                  <Link to={link}>Open</Link>
                </p>
                {!notification.readAt && (
                  <button type="button" onClick={() => readOne.mutate(notification.id)} disabled={readOne.isPending}>
                    Mark as read
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Page>
  );
}
