import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { signInWithSecondFactor } from '../../session/session';

/**
 * The second step of a sign-in: the code the authenticator app shows (the browser and the
 * phone may fill it in: `autocomplete="one-time-code"`), or one of the recovery codes.
 */
export function SecondFactorStep({
  challengeId,
  onStartAgain,
  renderError,
}: {
  challengeId: string;
  /** Back to the password step, with the reason when the challenge ran out. */
  onStartAgain: (reason: unknown) => void;
  renderError: (error: unknown) => ReactNode;
}) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const typed = code.trim();
      await signInWithSecondFactor(
        challengeId,
        recovery ? { recoveryCode: typed } : { code: typed.replace(/\s+/g, '') },
      );
    } catch (failure) {
      setCode('');
      // An expired or spent challenge cannot be retried: the password step again.
      if (failure instanceof ApiError && failure.code === 'INVALID_SECOND_FACTOR_CHALLENGE') onStartAgain(failure);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const switchKind = () => {
    setRecovery(!recovery);
    setCode('');
    setError(null);
  };

  return (
    <div className="narrow">
      <Page
        title={recovery ? 'Enter a recovery code' : 'Enter your authentication code'}
        intro={
          recovery
            ? 'Type one of the recovery codes you saved when you set up two-step sign-in. Each code works once.'
            : 'Open the authenticator app on your phone and type the 6-digit code it shows for MedLedger.'
        }
      >
        <form onSubmit={(event) => void submit(event)}>
          {recovery ? (
            <TextField
              key="recovery"
              label="Recovery code"
              hint="For example abcde-fghjk"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          ) : (
            <TextField
              key="code"
              label="Authentication code"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          )}
          {renderError(error)}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Verify'}
          </button>
        </form>
        <p>
          <button type="button" onClick={switchKind}>
            {recovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
          </button>{' '}
          <button type="button" onClick={() => onStartAgain(null)}>
            Start again
          </button>
        </p>
      </Page>
    </div>
  );
}
