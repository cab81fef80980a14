import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { useUser } from '../../session/use-session';
import { answerWithFields, type FieldErrors, FormError } from './field-errors';
import type { UsersPageState } from './UsersPage';

type StaffRole = 'doctor' | 'auditor' | 'admin';
/** POST /admin/users's body (the generated type is a union that TypeScript cannot narrow). No password: admins never set one. */
interface NewStaff {
  fullName: string;
  email: string;
  role: StaffRole;
  licenseNumber?: string;
}

const LICENSE = /^[A-Za-z0-9-]{3,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the form checks before sending: what the API would refuse anyway, said beside the field. */
function check(form: NewStaff): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.fullName.trim()) errors.fullName = 'Enter the person’s full name.';
  if (!EMAIL.test(form.email.trim())) errors.email = 'Enter an e-mail address such as name@hospital.example.';
  if (form.role === 'doctor' && !LICENSE.test(form.licenseNumber ?? ''))
    errors.licenseNumber = 'Enter the licence number: 3 to 32 letters, digits or dashes.';
  return errors;
}

/** An admin creates a doctor, auditor or admin of their own hospital. */
export function NewUserPage() {
  const me = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<NewStaff>({
    fullName: '',
    email: '',
    role: 'doctor',
    licenseNumber: '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused submission, the first field in error takes the focus once it shows as such.
  const [focusRequest, setFocusRequest] = useState(0);
  const focusFirstInvalid = () => setFocusRequest((count) => count + 1);
  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const create = useMutation({
    mutationFn: (staff: NewStaff) => answerWithFields(api.POST('/api/v1/admin/users', { body: staff })),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
      const state: UsersPageState = { created: { fullName: user.fullName, role: user.role, email: user.email } };
      void navigate(`/admin/users?${new URLSearchParams({ query: user.email }).toString()}`, { state });
    },
    onError: (error) => {
      if (error instanceof FormError) {
        setErrors(
          error.apiError.code === 'EMAIL_TAKEN'
            ? { ...error.fields, email: 'An account with this e-mail address exists: use another.' }
            : error.fields,
        );
        focusFirstInvalid();
      }
    },
  });

  const set = (field: keyof NewStaff) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: '' }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = check(form);
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      focusFirstInvalid();
      return;
    }
    create.mutate({
      fullName: form.fullName.trim(),
      email: form.email.trim(),
      role: form.role,
      ...(form.role === 'doctor' ? { licenseNumber: form.licenseNumber?.trim() } : {}),
    });
  };

  const apiError = create.error instanceof FormError ? create.error.apiError : create.error;
  return (
    <Page
      title="Create a staff account"
      intro={`A doctor, auditor or administrator of ${me.hospital}. Patients register themselves.`}
      actions={<Link to="/admin/users">Back to users</Link>}
    >
      <section className="panel">
        <form ref={formRef} onSubmit={submit} noValidate>
          <TextField
            label="Full name"
            autoComplete="off"
            value={form.fullName}
            onChange={set('fullName')}
            error={errors.fullName}
            required
          />
          <TextField
            label="E-mail"
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={set('email')}
            error={errors.email}
            required
          />
          <SelectField
            label="Role"
            value={form.role}
            onChange={(event) => setForm((current) => ({ ...current, role: event.target.value as StaffRole }))}
            error={errors.role}
          >
            <option value="doctor">Doctor</option>
            <option value="auditor">Auditor</option>
            <option value="admin">Administrator</option>
          </SelectField>
          {form.role === 'doctor' && (
            <TextField
              label="Licence number"
              hint="The doctor’s medical licence: 3 to 32 letters, digits or dashes."
              autoComplete="off"
              value={form.licenseNumber ?? ''}
              onChange={set('licenseNumber')}
              error={errors.licenseNumber}
              required
            />
          )}
          <p className="hint">
            No password: MedLedger e-mails the person a one-time link to choose their own, which nobody else, you
            included, ever knows. Until they do, the account is pending.
          </p>
          <ErrorNotice error={apiError} onRetry={() => formRef.current?.requestSubmit()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending}>
              {create.isPending ? 'Creating the account…' : 'Create account'}
            </button>
            <Link to="/admin/users">Cancel</Link>
          </div>
        </form>
      </section>
    </Page>
  );
}
