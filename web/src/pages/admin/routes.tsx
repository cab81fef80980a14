import type { PortalRoute } from '../../app/portal-route';

/** The admin's pages; the first with a nav label is the admin's home. */
export const adminRoutes: PortalRoute[] = [];
