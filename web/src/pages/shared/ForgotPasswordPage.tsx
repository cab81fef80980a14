import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';

/**
 * Anyone asks for a password-reset link by e-mail. The answer is the same whether or not the
 * address has an account, and says so.
 */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSent((await answer(api.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } }))).message);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <Page
        title={sent ? 'Check your e-mail' : 'Forgot your password?'}
        intro={sent ? undefined : 'We send a link to choose a new password to your account’s e-mail address.'}
      >
        {sent ? (
          <>
            <p role="status" className="notice notice-ok">
              {sent}
            </p>
            <p>
              Nothing arrived? Check your spam folder, or ask again in a minute. A staff member whose account is not
              active yet gets their link from their hospital’s MedLedger administrator.
            </p>
          </>
        ) : (
          <form onSubmit={(event) => void submit(event)}>
            <TextField
              label="E-mail"
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <ErrorNotice error={error} />
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Sending…' : 'Send me a link'}
            </button>
          </form>
        )}
        <p>
          <Link to="/sign-in">Back to sign-in</Link>
        </p>
      </Page>
    </div>
  );
}
