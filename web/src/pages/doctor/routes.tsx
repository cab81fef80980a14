import type { PortalRoute } from '../../app/portal-route';

/** The doctor's pages; the first with a nav label is the doctor's home. */
export const doctorRoutes: PortalRoute[] = [];
