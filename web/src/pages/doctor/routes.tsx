import type { PortalRoute } from '../../app/portal-route';
import { EmergencyPage } from './EmergencyPage';
import { GrantedPage } from './GrantedPage';
import { PatientPage } from './PatientPage';
import { PatientSearchPage } from './PatientSearchPage';
import { RequestAccessPage } from './RequestAccessPage';
import { RequestsPage } from './RequestsPage';
import { UploadPage } from './UploadPage';
import './doctor.css';

/** The doctor's pages; the first with a nav label is the doctor's home. */
export const doctorRoutes: PortalRoute[] = [
  { path: '/patients', element: <PatientSearchPage />, nav: 'Patients' },
  { path: '/requests', element: <RequestsPage />, nav: 'Requests' },
  { path: '/granted', element: <GrantedPage />, nav: 'Granted to me' },
  { path: '/patients/:patientId', element: <PatientPage /> },
  { path: '/patients/:patientId/upload', element: <UploadPage /> },
  { path: '/patients/:patientId/request-access', element: <RequestAccessPage /> },
  { path: '/patients/:patientId/emergency', element: <EmergencyPage /> },
];
