import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { signIn } from '../../session/session';

export function SignInPage({ notice }: { notice: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <Page title="Sign in to MedLedger" intro="Medical records on a ledger that every hospital endorses.">
        {notice && (
          <p role="status" className="notice notice-info">
            {notice}
          </p>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate={false}>
          <TextField
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <SignInError error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p>
          New patient? <Link to="/register">Create your account</Link>
        </p>
      </Page>
    </div>
  );
}

/** The throttle and a wrong password in plain words; anything else as any other error. */
function SignInError({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return <ErrorNotice error={error} />;
  if (error.status === 429) {
    const minutes = error.retryAfterSeconds ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : null;
    const plain = `Too many failed sign-ins. For your account's safety, signing in is paused${minutes ? ` for ${minutes} minute${minutes === 1 ? '' : 's'}` : ' for a while'}.`;
    return <ErrorNotice error={new ApiError(429, error.code, plain, error.requestId, error.retryAfterSeconds)} />;
  }
  if (error.status === 401) {
    return (
      <ErrorNotice
        error={
          new ApiError(
            401,
            error.code,
            'The e-mail or the password is not right, or the account is not active.',
            error.requestId,
          )
        }
      />
    );
  }
  return <ErrorNotice error={error} />;
}
