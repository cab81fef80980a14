import type { PortalRoute } from '../../app/portal-route';
import { AccountPage } from './AccountPage';
import { ActivatePage } from './ActivatePage';
import { ForgotPasswordPage } from './ForgotPasswordPage';
import { NotificationsPage } from './NotificationsPage';
import { ReportPage } from './ReportPage';
import { ResetPasswordPage } from './ResetPasswordPage';
import SecondFactorPage from './SecondFactorPage';
import { SessionsPage } from './SessionsPage';

/** Pages every signed-in user has, after their role's own. */
export const sharedRoutes: PortalRoute[] = [
  { path: '/notifications', element: <NotificationsPage /> },
  { path: '/sessions', element: <SessionsPage /> },
  { path: '/account', element: <AccountPage /> },
  // The e-mailed links work in a browser where someone is signed in, too.
  { path: '/activate', element: <ActivatePage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/second-factor', element: <SecondFactorPage /> },
  { path: '/reports/:reportId', element: <ReportPage /> },
];
