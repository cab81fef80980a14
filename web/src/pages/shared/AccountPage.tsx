import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { useUser } from '../../session/use-session';
import { answerWithFields, FormError } from '../admin/field-errors';
import { checkNewPassword, NewPasswordFields } from './password-form';

interface ChangeErrors {
  currentPassword?: string;
  password?: string;
  confirmation?: string;
}

/** The signed-in user's account: who they are, and a new password (their other sessions end). */
export function AccountPage() {
  const user = useUser();
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<ChangeErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setError(null);
    const found: ChangeErrors = {
      ...checkNewPassword(password, confirmation),
      ...(currentPassword ? {} : { currentPassword: 'Enter your current password.' }),
    };
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    setBusy(true);
    try {
      await answerWithFields(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword: password } }));
      setDone(true);
      setCurrentPassword('');
      setPassword('');
      setConfirmation('');
    } catch (failure) {
      const apiError = failure instanceof FormError ? failure.apiError : failure;
      if (apiError instanceof ApiError && apiError.code === 'WRONG_PASSWORD') {
        setErrors({ currentPassword: 'This is not your current password.' });
        setCurrentPassword('');
      } else if (failure instanceof FormError && failure.fields.newPassword) {
        setErrors({ password: failure.fields.newPassword });
      } else setError(apiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Your account" intro={`${user.fullName}, ${user.email}`}>
      <section className="panel" aria-labelledby="change-password">
        <h2 id="change-password">Change password</h2>
        <p>
          Changing your password signs you out of every other session; this one goes on. See where you are signed in on{' '}
          <Link to="/sessions">Sessions</Link>.
        </p>
        <div role="status" aria-live="polite">
          {done && (
            <p className="notice notice-ok">Your password is changed. Every other session of yours was signed out.</p>
          )}
        </div>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
            error={errors.currentPassword}
          />
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            errors={errors}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
          />
          <ErrorNotice error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </section>
    </Page>
  );
}
