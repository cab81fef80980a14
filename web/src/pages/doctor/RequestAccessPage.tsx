import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextArea, TextField } from '../../components/Field';
import { LedgerProof } from '../../components/LedgerProof';
import { Page } from '../../components/Page';
import { reportTypeLabel } from '../../components/report-kinds';
import { PURPOSES, REQUEST_PURPOSES, useKnownPatient } from './doctor-data';

type Purpose = NonNullable<Schemas['CreateAccessRequestDto']['purposeOfUse']>;

interface Errors {
  reason?: string;
  duration?: string;
  records?: string;
}

/** Asks the patient for access: why, for what purpose, which records and for how long. */
export function RequestAccessPage() {
  const { patientId = '' } = useParams();
  const queryClient = useQueryClient();
  const { access: patient, known } = useKnownPatient(patientId);
  const name = known?.fullName ?? 'the patient';
  // The records the doctor already sees (care, or a grant of some of them) can be chosen one by one.
  const visible = useQuery({
    queryKey: ['reports', { patientId, purpose: 'request' }],
    queryFn: () => answer(api.GET('/api/v1/reports', { params: { query: { patientId, limit: 100 } } })),
    enabled: patient.isSuccess,
    retry: false,
  });
  const choosable = visible.data?.items ?? [];

  const form = useRef<HTMLFormElement>(null);
  const [reason, setReason] = useState('');
  const [purpose, setPurpose] = useState<Purpose>('TREAT');
  const [scope, setScope] = useState<'all' | 'chosen'>('all');
  const [chosen, setChosen] = useState<string[]>([]);
  const [duration, setDuration] = useState('30');
  const [errors, setErrors] = useState<Errors>({});

  const send = useMutation({
    mutationFn: (body: Schemas['CreateAccessRequestDto']) => answer(api.POST('/api/v1/access-requests', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['access-requests'] }),
  });

  useEffect(() => {
    if (Object.values(errors).some(Boolean)) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const days = Number(duration);
    const found: Errors = {};
    if (reason.trim().length < 3) found.reason = 'Say why you need access (at least 3 characters).';
    if (!Number.isInteger(days) || days < 1 || days > 365)
      found.duration = 'Give a whole number of days from 1 to 365.';
    if (scope === 'chosen' && chosen.length === 0)
      found.records = 'Choose at least one record, or ask for all records.';
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    send.mutate({
      patientId,
      reason: reason.trim(),
      purposeOfUse: purpose,
      durationDays: days,
      ...(scope === 'chosen' ? { reportIds: chosen } : {}),
    });
  };

  if (send.data)
    return (
      <Page title={`Access requested from ${name}`}>
        <p className="notice notice-ok" role="status">
          Your request is sent. {name} is notified and decides whether to grant access, to which records and for how
          long.
        </p>
        <LedgerProof
          title="Recorded on the ledger"
          proof={{ txId: send.data.ledger.txId, blockNumber: send.data.ledger.blockNumber ?? 'pending' }}
        />
        <p className="actions">
          <Link className="button primary" to="/requests">
            See your requests
          </Link>
          <Link className="button" to={`/patients/${patientId}`}>
            Back to the patient
          </Link>
        </p>
      </Page>
    );

  return (
    <Page
      title={`Request access to ${name}’s records`}
      intro="The patient sees your reason and decides. Reasons stay off the ledger; a commitment to them is recorded."
    >
      <form ref={form} onSubmit={submit} noValidate>
        <TextArea
          label="Reason"
          hint="Shown to the patient: why you need their records."
          required
          maxLength={2000}
          value={reason}
          error={errors.reason}
          onChange={(event) => {
            setReason(event.target.value);
            setErrors({ ...errors, reason: undefined });
          }}
        />
        <div className="form-row">
          <SelectField
            label="Purpose of use"
            value={purpose}
            onChange={(event) => setPurpose(event.target.value as Purpose)}
          >
            {REQUEST_PURPOSES.map((code) => (
              <option key={code} value={code}>
                {PURPOSES[code!]} ({code})
              </option>
            ))}
          </SelectField>
          <TextField
            label="Duration in days"
            hint="From 1 to 365 days; the patient may shorten it."
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            step={1}
            required
            value={duration}
            error={errors.duration}
            onChange={(event) => {
              setDuration(event.target.value);
              setErrors({ ...errors, duration: undefined });
            }}
          />
        </div>
        <fieldset aria-describedby={errors.records ? 'records-error' : undefined}>
          <legend>Records</legend>
          <label className="check">
            <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} />
            All of the patient’s records
          </label>
          <label className="check">
            <input
              type="radio"
              name="scope"
              checked={scope === 'chosen'}
              disabled={choosable.length === 0}
              onChange={() => setScope('chosen')}
            />
            Only the records I choose
          </label>
          {choosable.length === 0 && (
            <p className="hint">
              You can choose single records only among those you already see; the patient can also narrow the request
              when approving it.
            </p>
          )}
          {scope === 'chosen' && (
            <ul className="plain-list">
              {choosable.map((report) => (
                <li key={report.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={chosen.includes(report.id)}
                      onChange={(event) =>
                        setChosen(
                          event.target.checked ? [...chosen, report.id] : chosen.filter((id) => id !== report.id),
                        )
                      }
                    />
                    {report.title ?? 'Untitled'} ({reportTypeLabel(report.type)})
                  </label>
                </li>
              ))}
            </ul>
          )}
          {errors.records && (
            <p id="records-error" className="field-error">
              {errors.records}
            </p>
          )}
        </fieldset>
        <ErrorNotice error={send.error} onRetry={() => form.current?.requestSubmit()} />
        <div className="actions">
          <button type="submit" className="primary" disabled={send.isPending}>
            {send.isPending ? 'Sending the request…' : 'Send the request'}
          </button>
          <Link className="button" to={`/patients/${patientId}`}>
            Cancel
          </Link>
        </div>
      </form>
    </Page>
  );
}
