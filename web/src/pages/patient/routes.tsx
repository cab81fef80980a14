import type { PortalRoute } from '../../app/portal-route';
import { AccessLogPage } from './AccessLogPage';
import { ErasurePage } from './ErasurePage';
import { GrantsPage } from './GrantsPage';
import { NewGrantPage } from './NewGrantPage';
import { RecordsPage } from './RecordsPage';
import { RequestsPage } from './RequestsPage';
import { UploadRecordPage } from './UploadRecordPage';
import './patient.css';

/** The patient's pages; the first with a nav label is the patient's home. */
export const patientRoutes: PortalRoute[] = [
  { path: '/records', element: <RecordsPage />, nav: 'My records' },
  { path: '/records/upload', element: <UploadRecordPage /> },
  { path: '/requests', element: <RequestsPage />, nav: 'Access requests' },
  { path: '/grants', element: <GrantsPage />, nav: 'My grants' },
  { path: '/grants/new', element: <NewGrantPage /> },
  { path: '/access-log', element: <AccessLogPage />, nav: 'Access log' },
  { path: '/erasure', element: <ErasurePage />, nav: 'Erase my records' },
];
