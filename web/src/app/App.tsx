import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Loading } from '../components/Loading';
import { adminRoutes } from '../pages/admin/routes';
import { auditorRoutes } from '../pages/auditor/routes';
import { doctorRoutes } from '../pages/doctor/routes';
import { patientRoutes } from '../pages/patient/routes';
import { NotFoundPage } from '../pages/shared/NotFoundPage';
import { RegisterPage } from '../pages/shared/RegisterPage';
import { sharedRoutes } from '../pages/shared/routes';
import { SignInPage } from '../pages/shared/SignInPage';
import { restoreSession, type User } from '../session/session';
import { useSession } from '../session/use-session';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';
import type { PortalRoute } from './portal-route';
import { queryClient } from './query-client';

const ROUTES_BY_ROLE: Record<User['role'], PortalRoute[]> = {
  doctor: doctorRoutes,
  patient: patientRoutes,
  admin: adminRoutes,
  auditor: auditorRoutes,
};

export function App() {
  useEffect(() => {
    void restoreSession();
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <ErrorBoundary>
          <Portal />
        </ErrorBoundary>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function Portal() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'restoring') return <Loading label="Opening MedLedger…" />;
  if (session.status === 'signed-out') {
    const back =
      location.pathname === '/' || location.pathname === '/sign-in' ? undefined : location.pathname + location.search;
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage notice={session.notice} />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="*" element={<Navigate to="/sign-in" replace state={back ? { back } : undefined} />} />
      </Routes>
    );
  }
  const routes = [...ROUTES_BY_ROLE[session.user.role], ...sharedRoutes];
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
