import type { PortalRoute } from '../../app/portal-route';
import { SystemStatusPage } from '../auditor/SystemStatusPage';
import './admin.css';
import { CarePage } from './CarePage';
import { ErasureRequestsPage } from './ErasureRequestsPage';
import { NewUserPage } from './NewUserPage';
import { UsersPage } from './UsersPage';

/** The admin's pages; the first with a nav label is the admin's home. */
export const adminRoutes: PortalRoute[] = [
  { path: '/admin/users', element: <UsersPage />, nav: 'Users' },
  { path: '/admin/users/new', element: <NewUserPage /> },
  { path: '/admin/care', element: <CarePage />, nav: 'Care teams' },
  { path: '/admin/erasure-requests', element: <ErasureRequestsPage />, nav: 'Erasure requests' },
  { path: '/system', element: <SystemStatusPage />, nav: 'System status' },
];
