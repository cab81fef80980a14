import type { PortalRoute } from '../../app/portal-route';

/** The patient's pages; the first with a nav label is the patient's home. */
export const patientRoutes: PortalRoute[] = [];
