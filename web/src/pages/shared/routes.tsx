import type { PortalRoute } from '../../app/portal-route';
import { NotificationsPage } from './NotificationsPage';
import { ReportPage } from './ReportPage';
import { SessionsPage } from './SessionsPage';

/** Pages every signed-in user has, after their role's own. */
export const sharedRoutes: PortalRoute[] = [
  { path: '/notifications', element: <NotificationsPage /> },
  { path: '/sessions', element: <SessionsPage /> },
  { path: '/reports/:reportId', element: <ReportPage /> },
];
