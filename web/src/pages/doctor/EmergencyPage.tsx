import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextArea } from '../../components/Field';
import { LedgerProof } from '../../components/LedgerProof';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { useKnownPatient } from './doctor-data';

/** The shortest justification the API accepts. */
export const MIN_JUSTIFICATION = 20;

/**
 * Break-glass access: a justification, then a second step that says plainly what happens
 * (recorded on the ledger, the patient notified, reviewed by an auditor), then the grant.
 */
export function EmergencyPage() {
  const { patientId = '' } = useParams();
  const queryClient = useQueryClient();
  const { known } = useKnownPatient(patientId);
  const name = known?.fullName ?? 'this patient';
  const subject = known?.fullName ?? 'The patient';
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<'justify' | 'confirm'>('justify');
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const counterId = useId();

  const declare = useMutation({
    mutationFn: () =>
      answer(api.POST('/api/v1/emergency-access', { body: { patientId, justification: justification.trim() } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['grants'] });
      void queryClient.invalidateQueries({ queryKey: ['patient', patientId] });
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
    },
  });

  useEffect(() => {
    if (step === 'confirm') confirmHeading.current?.focus();
  }, [step]);

  const length = justification.trim().length;
  const next = (event: FormEvent) => {
    event.preventDefault();
    if (length < MIN_JUSTIFICATION) {
      setError(`Write at least ${MIN_JUSTIFICATION} characters: ${MIN_JUSTIFICATION - length} more.`);
      return;
    }
    setError(null);
    setStep('confirm');
  };

  if (declare.data) {
    const grant = declare.data;
    return (
      <Page title={`Emergency access to ${name}`}>
        <div className="notice notice-warning" role="status">
          <p>
            <strong>
              Emergency access is active until <Time value={grant.expiresAt} />.
            </strong>
          </p>
          <p>It is recorded on the ledger, {name} is notified, and an auditor will review it.</p>
        </div>
        <LedgerProof
          title="Recorded on the ledger"
          proof={{ txId: grant.ledger.txId, blockNumber: grant.ledger.blockNumber ?? 'pending' }}
        />
        <p className="actions">
          <Link className="button primary" to={`/patients/${patientId}`}>
            Open the patient’s records
          </Link>
        </p>
      </Page>
    );
  }

  const active = declare.error instanceof ApiError && declare.error.code === 'EMERGENCY_ACTIVE';
  return (
    <Page
      title={`Emergency access to ${name}`}
      intro="Only when the patient needs care now and cannot be asked for consent."
    >
      {step === 'justify' ? (
        <form onSubmit={next} noValidate>
          <TextArea
            label="Justification"
            hint={
              <>
                Why the patient’s records are needed now, without their consent. An auditor reads it; it stays off the
                ledger.{' '}
                <span id={counterId} className={length < MIN_JUSTIFICATION ? 'counter counter-short' : 'counter'}>
                  {length} characters
                  {length < MIN_JUSTIFICATION ? ` (at least ${MIN_JUSTIFICATION})` : ''}.
                </span>
              </>
            }
            required
            minLength={MIN_JUSTIFICATION}
            maxLength={2000}
            rows={5}
            value={justification}
            error={error}
            onChange={(event) => {
              setJustification(event.target.value);
              if (error && event.target.value.trim().length >= MIN_JUSTIFICATION) setError(null);
            }}
          />
          <div className="actions">
            <button type="submit" className="primary">
              Continue
            </button>
            <Link className="button" to={`/patients/${patientId}`}>
              Cancel
            </Link>
          </div>
        </form>
      ) : (
        <section className="panel emergency-confirm" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading" ref={confirmHeading} tabIndex={-1}>
            Confirm emergency access
          </h2>
          <p>Before you continue, know that:</p>
          <ul>
            <li>
              Emergency access is <strong>recorded on the ledger</strong> under your name, for good.
            </li>
            <li>
              <strong>{subject} is notified</strong> at once.
            </li>
            <li>
              <strong>An auditor will review it</strong> and judge whether it was appropriate.
            </li>
            <li>It lets you open all of the patient’s records for at most 24 hours.</li>
          </ul>
          <p>Your justification:</p>
          <blockquote className="prose">{justification.trim()}</blockquote>
          {active ? (
            <div>
              <ErrorNotice error={declare.error} />
              <p>
                You already have emergency access to {name}: there is no need to declare it again while it lasts.{' '}
                <Link to={`/patients/${patientId}`}>Open the patient’s records</Link> or see its expiry under{' '}
                <Link to="/granted">Granted to me</Link>.
              </p>
            </div>
          ) : (
            <ErrorNotice error={declare.error} onRetry={() => declare.mutate()} />
          )}
          <div className="actions">
            <button
              type="button"
              className="danger primary"
              onClick={() => declare.mutate()}
              disabled={declare.isPending || active}
            >
              {declare.isPending ? 'Declaring emergency access…' : 'Declare emergency access'}
            </button>
            <button type="button" onClick={() => setStep('justify')} disabled={declare.isPending}>
              Go back
            </button>
          </div>
        </section>
      )}
    </Page>
  );
}
