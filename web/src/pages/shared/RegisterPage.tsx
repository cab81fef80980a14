import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { hospitalName } from '../../components/format';
import { Page } from '../../components/Page';

/** Patients open their own account at the hospital that treats them. */
export function RegisterPage() {
  const hospitals = useQuery({ queryKey: ['hospitals'], queryFn: () => answer(api.GET('/api/v1/hospitals')) });
  const [form, setForm] = useState({ email: '', password: '', fullName: '', dateOfBirth: '', hospital: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** The API's answer, the same whether or not the address had an account. */
  const [accepted, setAccepted] = useState<string | null>(null);
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [field]: event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await answer(
        api.POST('/api/v1/auth/register', {
          body: {
            ...form,
            // One of GET /hospitals (the document lists them as an enum); the API refuses any other.
            hospital: (form.hospital ||
              (hospitals.data?.items[0]?.hospital ?? '')) as Schemas['RegisterDto']['hospital'],
          },
        }),
      );
      setAccepted(form.email);
      setForm({ email: '', password: '', fullName: '', dateOfBirth: '', hospital: '' });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  // The same words whether or not the address had an account: the API does not say, and neither does the page.
  if (accepted)
    return (
      <div className="narrow">
        <Page title="Thank you">
          <div role="status" className="notice notice-ok">
            <p>
              <strong>If {accepted} had no MedLedger account,</strong> your patient account is ready: you can now sign
              in with this address and the password you chose.
            </p>
            <p>
              <strong>If it already had an account,</strong> nothing was changed: check your e-mail, where a message
              tells you so. You can sign in with that account’s password, or reset it if you have forgotten it.
            </p>
          </div>
          <p>
            <Link className="button primary" to="/sign-in">
              Sign in
            </Link>
          </p>
          <p>
            <Link to="/forgot-password">Forgot your password?</Link>
          </p>
        </Page>
      </div>
    );

  return (
    <div className="narrow">
      <Page
        title="Create your patient account"
        intro="Doctors and hospital staff receive their accounts from their hospital's administrator."
      >
        <form onSubmit={(event) => void submit(event)}>
          <TextField
            label="Full name"
            autoComplete="name"
            required
            maxLength={200}
            value={form.fullName}
            onChange={set('fullName')}
          />
          <TextField
            label="Date of birth"
            type="date"
            autoComplete="bday"
            required
            value={form.dateOfBirth}
            onChange={set('dateOfBirth')}
          />
          <TextField
            label="E-mail"
            type="email"
            autoComplete="email"
            required
            value={form.email}
            onChange={set('email')}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={128}
            hint="At least 12 characters. A passphrase of several words is easy to remember and hard to guess."
            value={form.password}
            onChange={set('password')}
          />
          <SelectField
            label="Your hospital"
            required
            value={form.hospital || (hospitals.data?.items[0]?.hospital ?? '')}
            onChange={set('hospital')}
          >
            {(hospitals.data?.items ?? []).map((hospital) => (
              <option key={hospital.hospital} value={hospital.hospital}>
                {hospitalName(hospital.hospital)}
              </option>
            ))}
          </SelectField>
          <ErrorNotice error={hospitals.error ?? error} onRetry={() => void hospitals.refetch()} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating your account…' : 'Create account'}
          </button>
        </form>
        <p>
          Already registered? <Link to="/sign-in">Sign in</Link>
        </p>
      </Page>
    </div>
  );
}
