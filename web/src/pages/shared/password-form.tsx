import { type FormEvent, useState } from 'react';
import { TextField } from '../../components/Field';
import { FormError } from '../admin/field-errors';

/** The API's password policy, as far as the portal can check it before sending (the API checks the rest). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export const PASSWORD_HINT = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters, not containing your e-mail address. A passphrase of several words is easy to remember and hard to guess. Nobody else, your administrator included, ever knows it.`;

export interface NewPasswordErrors {
  password?: string;
  confirmation?: string;
}

/** What the form says before sending: the length, one repeated character, the confirmation. */
export function checkNewPassword(password: string, confirmation: string): NewPasswordErrors {
  const errors: NewPasswordErrors = {};
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX)
    errors.password = `Choose a password of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;
  else if (new Set(password).size === 1) errors.password = 'Choose a password that is not one character repeated.';
  if (!errors.password && confirmation !== password)
    errors.confirmation = 'The two passwords are not the same: type the new password again.';
  return errors;
}

/** The new password and its confirmation, labelled, with their errors tied to them. */
export function NewPasswordFields({
  label = 'New password',
  password,
  confirmation,
  errors,
  onPassword,
  onConfirmation,
}: {
  label?: string;
  password: string;
  confirmation: string;
  errors: NewPasswordErrors;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
}) {
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        required
        maxLength={PASSWORD_MAX}
        hint={PASSWORD_HINT}
        value={password}
        onChange={(event) => onPassword(event.target.value)}
        error={errors.password}
      />
      <TextField
        label={`Confirm the ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        required
        maxLength={PASSWORD_MAX}
        value={confirmation}
        onChange={(event) => onConfirmation(event.target.value)}
        error={errors.confirmation}
      />
    </>
  );
}

/**
 * The token of an e-mailed link, read once from `?token=` and then taken out of the
 * address bar and the history (the page keeps it in memory only): a link to a password is
 * not something to leave in a browser's history.
 */
export function takeLinkToken(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token !== null) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  return token;
}

/**
 * A page that sets a password from an e-mailed link (activation, reset): the link's token,
 * the two fields checked here first, then `send` with the token; the API's refusal of the
 * password shown at its field, any other error above the button. `result` is what `send`
 * answered, once it succeeded.
 */
export function useLinkPasswordForm<T>(send: (token: string, password: string) => Promise<T>) {
  const [token] = useState(takeLinkToken);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<NewPasswordErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ answer: T } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkNewPassword(password, confirmation);
    setErrors(found);
    setError(null);
    if (found.password || found.confirmation || !token) return;
    setBusy(true);
    try {
      setResult({ answer: await send(token, password) });
    } catch (failure) {
      if (failure instanceof FormError && failure.fields.password) setErrors({ password: failure.fields.password });
      else setError(failure instanceof FormError ? failure.apiError : failure);
    } finally {
      setBusy(false);
    }
  };

  const fields = { password, confirmation, errors, onPassword: setPassword, onConfirmation: setConfirmation };
  return { token, fields, error, busy, result, submit };
}
