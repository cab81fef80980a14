import { Navigate, Route, Routes } from 'react-router';
import { ErrorBoundary } from '../../app/ErrorBoundary';
import { IdleWarning } from '../../session/IdleWarning';
import { signOut } from '../../session/session';
import { useSession } from '../../session/use-session';
import SecondFactorPage from './SecondFactorPage';

/**
 * What a staff member without a confirmed second factor sees after signing in: the
 * enrolment and sign-out, nothing else (the API refuses everything else to the session).
 * Its own chunk, with the QR code's library.
 */
export default function SecondFactorArea() {
  const session = useSession();
  if (session.status !== 'second-factor-enrolment') return null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">MedLedger</span>
        <div className="account">
          {session.user && <span>{session.user.fullName}</span>}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <ErrorBoundary>
          <Routes>
            <Route path="/second-factor" element={<SecondFactorPage mandatory />} />
            <Route path="*" element={<Navigate to="/second-factor" replace />} />
          </Routes>
        </ErrorBoundary>
      </main>
      <IdleWarning idleTimeoutSeconds={session.idleTimeoutSeconds} />
    </>
  );
}
