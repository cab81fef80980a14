import type { ReactNode } from 'react';

/** A page of the portal: its path, what it shows, and its label when it is in the main navigation. */
export interface PortalRoute {
  path: string;
  element: ReactNode;
  nav?: string;
}
