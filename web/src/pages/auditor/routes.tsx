import type { PortalRoute } from '../../app/portal-route';

/** The auditor's pages; the first with a nav label is the auditor's home. */
export const auditorRoutes: PortalRoute[] = [];
