import type { PortalRoute } from '../../app/portal-route';
import { AccessesPage } from './AccessesPage';
import './auditor.css';
import { EmergenciesPage } from './EmergenciesPage';
import { IntegrityPage } from './IntegrityPage';
import { ReportHistoryPage } from './ReportHistoryPage';
import { SystemStatusPage } from './SystemStatusPage';

/** The auditor's pages; the first with a nav label is the auditor's home. */
export const auditorRoutes: PortalRoute[] = [
  { path: '/audit/accesses', element: <AccessesPage />, nav: 'Accesses' },
  { path: '/audit/reports/:reportId', element: <ReportHistoryPage /> },
  { path: '/audit/emergencies', element: <EmergenciesPage />, nav: 'Emergencies' },
  { path: '/audit/integrity', element: <IntegrityPage />, nav: 'Integrity' },
  { path: '/system', element: <SystemStatusPage />, nav: 'System status' },
];
