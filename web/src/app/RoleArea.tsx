import { Navigate, Route, Routes, useLocation } from 'react-router';
import { sharedRoutes } from '../pages/shared/routes';
import { NotFoundPage } from '../pages/shared/NotFoundPage';
import { useSession } from '../session/use-session';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';
import type { PortalRoute } from './portal-route';

/**
 * The pages of one role inside the signed-in frame. Each role's area is its own chunk
 * (App loads it after sign-in), so the sign-in page ships none of them.
 */
export function RoleArea({ routes: roleRoutes }: { routes: PortalRoute[] }) {
  const session = useSession();
  const location = useLocation();
  if (session.status !== 'signed-in') return null;
  const routes = [...roleRoutes, ...sharedRoutes];
  const home = routes.find((route) => route.nav)?.path ?? '/notifications';
  const back = (location.state as { back?: string } | null)?.back;
  return (
    <Layout user={session.user} routes={routes} idleTimeoutSeconds={session.idleTimeoutSeconds}>
      <ErrorBoundary key={location.pathname}>
        <Routes>
          {routes.map((route) => (
            <Route key={route.path} path={route.path} element={route.element} />
          ))}
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route path="/sign-in" element={<Navigate to={back ?? home} replace />} />
          <Route path="/register" element={<Navigate to={home} replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </ErrorBoundary>
    </Layout>
  );
}
