import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { answer, api } from '../api/client';
import { IdleWarning } from '../session/IdleWarning';
import { signOut, type User } from '../session/session';
import type { PortalRoute } from './portal-route';

const ROLE_NAMES: Record<User['role'], string> = {
  doctor: 'Doctor',
  patient: 'Patient',
  admin: 'Administrator',
  auditor: 'Auditor',
};

/** The frame of every signed-in page: who is signed in, the role's navigation, sign-out. */
export function Layout({
  user,
  routes,
  idleTimeoutSeconds,
  children,
}: {
  user: User;
  routes: PortalRoute[];
  idleTimeoutSeconds: number;
  children: ReactNode;
}) {
  const unread = useQuery({
    queryKey: ['notifications', 'unread-count'],
    queryFn: () => answer(api.GET('/api/v1/notifications', { params: { query: { unread: true, limit: 1 } } })),
    select: (page) => page.unreadCount,
    // Patients learn of a request while they look at another page.
    refetchInterval: 60_000,
  });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">MedLedger</span>
        <nav aria-label="Main">
          <ul>
            {routes
              .filter((route) => route.nav)
              .map((route) => (
                <li key={route.path}>
                  <NavLink to={route.path}>{route.nav}</NavLink>
                </li>
              ))}
            <li>
              <NavLink to="/notifications">
                Notifications
                {unread.data ? (
                  <>
                    <span className="badge" aria-hidden="true">
                      {unread.data}
                    </span>
                    <span className="visually-hidden">{` (${unread.data} unread)`}</span>
                  </>
                ) : null}
              </NavLink>
            </li>
          </ul>
        </nav>
        <div className="account">
          <span>
            {user.fullName}{' '}
            <span className="role">
              ({ROLE_NAMES[user.role]}, {user.hospital})
            </span>
          </span>
          <NavLink to="/account">Account</NavLink>
          <NavLink to="/sessions">Sessions</NavLink>
          <NavLink to="/second-factor">Two-step sign-in</NavLink>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
      <IdleWarning idleTimeoutSeconds={idleTimeoutSeconds} />
    </>
  );
}
