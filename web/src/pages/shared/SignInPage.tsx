import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { signIn } from '../../session/session';
import { SecondFactorStep } from './SecondFactorStep';

export function SignInPage({ notice }: { notice: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** The password was right and the account has a second factor: the code step. */
  const [challengeId, setChallengeId] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const outcome = await signIn(email, password);
      if (outcome.secondFactorRequired) setChallengeId(outcome.challengeId);
    } catch (failure) {
      setError(failure);
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  if (challengeId)
    return (
      <SecondFactorStep
        challengeId={challengeId}
        onStartAgain={(reason) => {
          setChallengeId(null);
          setError(reason);
        }}
        renderError={(failure) => <SignInError error={failure} />}
      />
    );

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
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <p>
          New patient? <Link to="/register">Create your account</Link>
        </p>
      </Page>
    </div>
  );
}

/** The throttle and a wrong password in plain words; anything else as any other error. */
export function SignInError({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return <ErrorNotice error={error} />;
  if (error.status === 429) {
    const minutes = error.retryAfterSeconds ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : null;
    const plain = `Too many failed sign-ins. For your account's safety, signing in is paused${minutes ? ` for ${minutes} minute${minutes === 1 ? '' : 's'}` : ' for a while'}.`;
    return <ErrorNotice error={new ApiError(429, error.code, plain, error.requestId, error.retryAfterSeconds)} />;
  }
  if (error.code === 'INVALID_SECOND_FACTOR_CODE') {
    return (
      <ErrorNotice
        error={
          new ApiError(
            401,
            error.code,
            'That code is not right, or it was used already. Enter the code your app shows now (or wait for the next one).',
            error.requestId,
          )
        }
      />
    );
  }
  if (error.code === 'INVALID_SECOND_FACTOR_CHALLENGE') {
    return (
      <ErrorNotice
        error={
          new ApiError(
            401,
            error.code,
            'That sign-in took too long and has expired. Please sign in again.',
            error.requestId,
          )
        }
      />
    );
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
