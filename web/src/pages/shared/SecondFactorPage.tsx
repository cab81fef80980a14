import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { completeSecondFactorEnrolment } from '../../session/session';
import './second-factor.css';

type Enrolment = Schemas['SecondFactorEnrolmentDto'];

/**
 * Two-step sign-in (TOTP): scan a QR code (or type the key) into an authenticator app,
 * confirm with its code, then save the recovery codes, which are shown this once.
 * `mandatory`: a staff member's first sign-in, who sees nothing else until it is done.
 */
export default function SecondFactorPage({ mandatory = false }: { mandatory?: boolean }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const status = useQuery({
    queryKey: ['second-factor'],
    queryFn: () => answer(api.GET('/api/v1/auth/second-factor')),
    enabled: !mandatory,
  });
  const start = useMutation({
    mutationFn: () => answer(api.POST('/api/v1/auth/second-factor')),
    onSuccess: setEnrolment,
  });
  const finish = useMutation({
    mutationFn: async () => {
      if (mandatory) await completeSecondFactorEnrolment();
      else await queryClient.invalidateQueries({ queryKey: ['second-factor'] });
    },
    onSuccess: () => {
      setRecoveryCodes(null);
      setEnrolment(null);
      if (mandatory) void navigate('/', { replace: true });
    },
  });

  if (recoveryCodes)
    return (
      <RecoveryCodes
        codes={recoveryCodes}
        busy={finish.isPending}
        error={finish.error}
        onSaved={() => finish.mutate()}
      />
    );
  if (enrolment)
    return (
      <ScanAndConfirm
        enrolment={enrolment}
        onConfirmed={setRecoveryCodes}
        onStartAgain={() => {
          setEnrolment(null);
          start.reset();
        }}
      />
    );

  const title = mandatory ? 'Set up two-step sign-in' : 'Two-step sign-in';
  if (!mandatory && status.isPending)
    return (
      <Page title={title}>
        <Loading />
      </Page>
    );
  if (!mandatory && status.data?.enrolled)
    return (
      <Page title={title}>
        <p role="status" className="notice notice-ok">
          Two-step sign-in is on: signing in asks for a code from your authenticator app.
        </p>
        <p>
          {status.data.recoveryCodesLeft === 1
            ? 'You have 1 recovery code left.'
            : `You have ${status.data.recoveryCodesLeft} recovery codes left.`}
        </p>
      </Page>
    );
  return (
    <Page
      title={title}
      intro={
        mandatory
          ? 'Your role needs a second step when you sign in: a code from an authenticator app on your phone. Set it up now to continue.'
          : 'Protect your account with a code from an authenticator app on your phone each time you sign in.'
      }
    >
      <ErrorNotice error={status.error ?? start.error} onRetry={() => void status.refetch()} />
      <p>
        You need an authenticator app (such as FreeOTP, Google Authenticator, Microsoft Authenticator or 1Password) on a
        phone you keep with you.
      </p>
      <button type="button" className="primary" disabled={start.isPending} onClick={() => start.mutate()}>
        {start.isPending ? 'Preparing…' : 'Set up my authenticator app'}
      </button>
    </Page>
  );
}

function ScanAndConfirm({
  enrolment,
  onConfirmed,
  onStartAgain,
}: {
  enrolment: Enrolment;
  onConfirmed: (codes: string[]) => void;
  onStartAgain: () => void;
}) {
  const qrCode = useQrCode(enrolment.otpauthUri);
  const [code, setCode] = useState('');
  const confirm = useMutation({
    mutationFn: (typed: string) => answer(api.POST('/api/v1/auth/second-factor/confirm', { body: { code: typed } })),
    onSuccess: (confirmed) => onConfirmed(confirmed.recoveryCodes),
    onError: () => setCode(''),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code.replace(/\s+/g, ''));
  };
  return (
    <Page title="Scan the QR code" intro="Add MedLedger to your authenticator app, then type the code it shows.">
      <ol className="second-factor-steps">
        <li>
          <p>In your authenticator app, add an account and scan this QR code:</p>
          {qrCode.url ? (
            <img className="qr-code" src={qrCode.url} alt="QR code to scan with your authenticator app" />
          ) : (
            <ErrorNotice error={qrCode.error} />
          )}
          <p>
            Cannot scan it? Enter this key in the app instead (time-based, 6 digits):{' '}
            <code className="totp-secret">{groupsOfFour(enrolment.secret)}</code>
          </p>
        </li>
        <li>
          <form onSubmit={submit}>
            <TextField
              label="Code from the app"
              hint="The 6 digits the app shows for MedLedger now"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <ErrorNotice error={confirm.error} />
            <button type="submit" className="primary" disabled={confirm.isPending}>
              {confirm.isPending ? 'Checking…' : 'Confirm'}
            </button>{' '}
            <button type="button" onClick={onStartAgain}>
              Start again
            </button>
          </form>
        </li>
      </ol>
    </Page>
  );
}

function RecoveryCodes({
  codes,
  busy,
  error,
  onSaved,
}: {
  codes: string[];
  busy: boolean;
  error: unknown;
  onSaved: () => void;
}) {
  return (
    <Page
      title="Save your recovery codes"
      intro="If you lose your phone, each of these codes signs you in once instead of a code from the app. They are shown only now: print them or keep them in a password manager."
    >
      <p role="status" className="notice notice-ok">
        Two-step sign-in is on.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <ErrorNotice error={error} />
      <button type="button" className="primary" disabled={busy} onClick={onSaved}>
        I have saved them
      </button>
    </Page>
  );
}

/** The QR code of an otpauth URI as a PNG data URL (the portal's CSP allows `img-src data:`); qrcode loads with this page only. */
function useQrCode(uri: string): { url: string | null; error: unknown } {
  const [result, setResult] = useState<{ url: string | null; error: unknown }>({ url: null, error: null });
  useEffect(() => {
    let current = true;
    import('qrcode')
      .then((qrcode) =>
        ((qrcode as unknown as { default?: typeof qrcode }).default ?? qrcode).toDataURL(uri, {
          errorCorrectionLevel: 'M',
          margin: 2,
          width: 240,
        }),
      )
      .then(
        (url) => current && setResult({ url, error: null }),
        (error: unknown) => current && setResult({ url: null, error }),
      );
    return () => {
      current = false;
    };
  }, [uri]);
  return result;
}

const groupsOfFour = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;
