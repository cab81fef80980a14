import { Link } from 'react-router';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Page } from '../../components/Page';
import { answerWithFields } from '../admin/field-errors';
import { isInvalidLink, MissingToken } from './ActivatePage';
import { NewPasswordFields, useLinkPasswordForm } from './password-form';

/** The owner of an account chooses a new password from the link of a reset e-mail (`/reset-password?token=…`). */
export function ResetPasswordPage() {
  const form = useLinkPasswordForm(async (token, password) => {
    await answerWithFields(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }));
  });
  const { token, error, busy } = form;
  const done = form.result !== null;

  if (done)
    return (
      <div className="narrow">
        <Page title="Your password is changed">
          <p role="status" className="notice notice-ok">
            Your new password is set, and every session of your account was signed out. Sign in with your new password.
          </p>
          <p>
            <Link className="button primary" to="/sign-in">
              Sign in
            </Link>
          </p>
        </Page>
      </div>
    );

  return (
    <div className="narrow">
      <Page title="Choose a new password" intro="Choosing a new password signs your account out everywhere.">
        {token ? (
          <form onSubmit={(event) => void form.submit(event)} noValidate>
            <NewPasswordFields {...form.fields} />
            <ErrorNotice error={error} />
            {isInvalidLink(error) && (
              <p className="hint">
                A link that was used, replaced by a newer one or has expired no longer works:{' '}
                <Link to="/forgot-password">ask for a new link</Link>.
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Set the new password'}
            </button>
          </form>
        ) : (
          <MissingToken what="reset" />
        )}
      </Page>
    </div>
  );
}
