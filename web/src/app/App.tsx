import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Loading } from '../components/Loading';
import { RegisterPage } from '../pages/shared/RegisterPage';
import { SignInPage } from '../pages/shared/SignInPage';
import { restoreSession, type User } from '../session/session';
import { useSession } from '../session/use-session';
import { ErrorBoundary } from './ErrorBoundary';
import { queryClient } from './query-client';

/** Each role's pages, fetched when a user of that role signs in. */
const AREAS: Record<User['role'], ReturnType<typeof lazy>> = {
  doctor: lazy(() => import('../pages/doctor')),
  patient: lazy(() => import('../pages/patient')),
  admin: lazy(() => import('../pages/admin')),
  auditor: lazy(() => import('../pages/auditor')),
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
  if (session.status === 'restoring') return <Opening />;
  if (session.status === 'signed-out') {
    const back =
      location.pathname === '/' || location.pathname === '/sign-in' ? undefined : location.pathname + location.search;
    return (
      <main id="main">
        <Routes>
          <Route path="/sign-in" element={<SignInPage notice={session.notice} />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route path="*" element={<Navigate to="/sign-in" replace state={back ? { back } : undefined} />} />
        </Routes>
      </main>
    );
  }
  const Area = AREAS[session.user.role];
  return (
    <Suspense fallback={<Opening />}>
      <Area />
    </Suspense>
  );
}

function Opening() {
  return (
    <main id="main">
      <Loading label="Opening MedLedger…" />
    </main>
  );
}
