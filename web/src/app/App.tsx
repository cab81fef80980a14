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

/** The pages of e-mailed links and of a forgotten password, fetched when opened (the sign-in page stays small). */
const ActivatePage = lazy(() =>
  import('../pages/shared/ActivatePage').then((page) => ({ default: page.ActivatePage })),
);
const ForgotPasswordPage = lazy(() =>
  import('../pages/shared/ForgotPasswordPage').then((page) => ({ default: page.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import('../pages/shared/ResetPasswordPage').then((page) => ({ default: page.ResetPasswordPage })),
);

/** Each role's pages, fetched when a user of that role signs in. */
const AREAS: Record<User['role'], ReturnType<typeof lazy>> = {
  doctor: lazy(() => import('../pages/doctor')),
  patient: lazy(() => import('../pages/patient')),
  admin: lazy(() => import('../pages/admin')),
  auditor: lazy(() => import('../pages/auditor')),
};
/** A staff member's session before their second factor is set up: enrolment only. */
const SecondFactorArea = lazy(() => import('../pages/shared/SecondFactorArea'));

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
          <Route
            path="/activate"
            element={
              <Suspense fallback={<Loading />}>
                <ActivatePage />
              </Suspense>
            }
          />
          <Route
            path="/forgot-password"
            element={
              <Suspense fallback={<Loading />}>
                <ForgotPasswordPage />
              </Suspense>
            }
          />
          <Route
            path="/reset-password"
            element={
              <Suspense fallback={<Loading />}>
                <ResetPasswordPage />
              </Suspense>
            }
          />
          <Route path="*" element={<Navigate to="/sign-in" replace state={back ? { back } : undefined} />} />
        </Routes>
      </main>
    );
  }
  if (session.status === 'second-factor-enrolment')
    return (
      <Suspense fallback={<Opening />}>
        <SecondFactorArea />
      </Suspense>
    );
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
