import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Page } from '../../components/Page';
import { answerWithFields } from '../admin/field-errors';
import { NewPasswordFields, useLinkPasswordForm } from './password-form';

/**
 * A new staff member chooses their password from the link of their activation e-mail
 * (`/activate?token=…`): the account becomes active and they sign in with it.
 */
export function ActivatePage() {
  const form = useLinkPasswordForm(
    async (token, password) =>
      (await answerWithFields(api.POST('/api/v1/auth/activate', { body: { token, password } }))).email,
  );
  const { token, error, busy } = form;
  const activated = form.result?.answer;

  if (activated)
    return (
      <div className="narrow">
        <Page title="Your account is active">
          <p role="status" className="notice notice-ok">
            Your password is set. Sign in with {activated} and the password you just chose.
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
      <Page
        title="Activate your account"
        intro="Your hospital created a MedLedger account for you. Choose the password you will sign in with."
      >
        {token ? (
          <form onSubmit={(event) => void form.submit(event)} noValidate>
            <NewPasswordFields {...form.fields} />
            <ErrorNotice error={error} />
            {isInvalidLink(error) && (
              <p className="hint">
                A link that was used, replaced by a newer one or has expired no longer works: ask your hospital’s
                MedLedger administrator to send you a new activation e-mail.
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Activating…' : 'Activate my account'}
            </button>
          </form>
        ) : (
          <MissingToken what="activation" />
        )}
      </Page>
    </div>
  );
}

/** The page was opened without the link's token (typed in, or reloaded after the token was taken out of the address). */
export function MissingToken({ what }: { what: 'activation' | 'reset' }) {
  return (
    <p role="status" className="notice notice-info">
      {what === 'activation'
        ? 'This page needs the link from your activation e-mail. Open that link again (it works until you have chosen your password), or ask your hospital’s MedLedger administrator for a new one.'
        : 'This page needs the link from your password-reset e-mail. Open that link again, or ask for a new one.'}{' '}
      {what === 'reset' && <Link to="/forgot-password">Ask for a new link</Link>}
    </p>
  );
}

/** The API's answer for a link that is unknown, used, replaced or expired. */
export const isInvalidLink = (error: unknown) => error instanceof ApiError && error.code === 'INVALID_LINK';
