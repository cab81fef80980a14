import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextArea } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { shortId } from '../../components/format';
import { hospitalLabel, purposeLabel } from './labels';
import './system-status.css';

type Emergency = Schemas['EmergencyDto'];
type ReviewOutcome = Schemas['ReviewEmergencyDto']['outcome'];

const NOTE_MAX = 2000;

/** The accesses list, narrowed to what this doctor opened of this patient while the emergency ran. */
function accessesDuring(emergency: Emergency): string {
  const params = new URLSearchParams({ patientId: emergency.patientId, from: emergency.validFrom });
  if (emergency.doctorId) params.set('actorId', emergency.doctorId);
  params.set('to', emergency.revokedAt ?? emergency.expiresAt);
  return `/audit/accesses?${params.toString()}`;
}

function ReviewForm({ emergency, onReviewed }: { emergency: Emergency; onReviewed: (text: string) => void }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<ReviewOutcome | ''>('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const name = useId();
  const errorId = useId();
  const review = useMutation({
    mutationFn: (body: Schemas['ReviewEmergencyDto']) =>
      answer(api.POST('/api/v1/audit/emergencies/{id}/review', { params: { path: { id: emergency.id } }, body })),
    onSuccess: (reviewed) => {
      onReviewed(
        `Review recorded: the emergency access of ${shortId(emergency.id, 8)} was ${reviewed.review?.outcome ?? outcome}.`,
      );
      void queryClient.invalidateQueries({ queryKey: ['audit', 'emergencies'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) {
      setError('Choose whether the emergency access was appropriate.');
      return;
    }
    setError(null);
    review.mutate({ outcome, ...(note.trim() ? { note: note.trim() } : {}) });
  };
  return (
    <form onSubmit={submit} noValidate className="review-form">
      <fieldset aria-describedby={error ? errorId : undefined}>
        <legend>Your review</legend>
        <label className="check">
          <input
            type="radio"
            name={name}
            value="appropriate"
            checked={outcome === 'appropriate'}
            onChange={() => setOutcome('appropriate')}
            aria-invalid={error ? true : undefined}
          />
          Appropriate
        </label>
        <label className="check">
          <input
            type="radio"
            name={name}
            value="inappropriate"
            checked={outcome === 'inappropriate'}
            onChange={() => setOutcome('inappropriate')}
            aria-invalid={error ? true : undefined}
          />
          Inappropriate
        </label>
        {error && (
          <p id={errorId} className="field-error">
            {error}
          </p>
        )}
      </fieldset>
      <TextArea
        label="Note"
        hint={`Optional, up to ${NOTE_MAX} characters. Kept off the ledger; the outcome goes on it.`}
        maxLength={NOTE_MAX}
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <ErrorNotice
        error={review.error}
        onRetry={() => outcome && review.mutate({ outcome, note: note.trim() || undefined })}
      />
      <button type="submit" className="primary" disabled={review.isPending}>
        {review.isPending ? 'Recording on the ledger…' : 'Record review'}
      </button>
    </form>
  );
}

function EmergencyCard({ emergency, onReviewed }: { emergency: Emergency; onReviewed: (text: string) => void }) {
  const headingId = useId();
  const review = emergency.review;
  return (
    <li className="card emergency">
      <h2 id={headingId} className="card-title">
        Emergency access <code>{shortId(emergency.id, 8)}</code>{' '}
        {review ? (
          <span className={review.outcome === 'inappropriate' ? 'tag tag-bad' : 'tag tag-ok'}>
            {review.outcome === 'inappropriate'
              ? 'Inappropriate'
              : review.outcome === 'appropriate'
                ? 'Appropriate'
                : 'Reviewed'}
          </span>
        ) : (
          <span className="tag tag-warn">To review</span>
        )}
      </h2>
      <dl className="facts">
        <dt>Doctor</dt>
        <dd>
          {emergency.doctor ? (
            <>
              {emergency.doctor.fullName}, {hospitalLabel(emergency.doctor.hospital)}{' '}
              <code title={emergency.doctor.id}>{shortId(emergency.doctor.id, 8)}</code>
            </>
          ) : (
            <code className="break">{emergency.doctorId ?? emergency.grantee.id}</code>
          )}
        </dd>
        <dt>Patient</dt>
        <dd>
          <code className="break">{emergency.patientId}</code>
        </dd>
        <dt>Declared</dt>
        <dd>
          <Time value={emergency.validFrom} />
        </dd>
        <dt>Access until</dt>
        <dd>
          <Time value={emergency.revokedAt ?? emergency.expiresAt} />
          {emergency.revokedAt ? ' (revoked)' : ''} <span className="tag">{emergency.status}</span>
        </dd>
        <dt>Purpose</dt>
        <dd>{purposeLabel(emergency.purposeOfUse)}</dd>
        <dt>Ledger</dt>
        <dd>
          <code className="break">{emergency.ledger.txId}</code>
          {emergency.ledger.blockNumber ? ` (block ${emergency.ledger.blockNumber})` : ''}
        </dd>
      </dl>
      <h3 className="justification-title">Justification</h3>
      {emergency.justification ? (
        <blockquote className="justification">{emergency.justification}</blockquote>
      ) : (
        <p className="meta">Erased with the patient’s data.</p>
      )}
      <p>
        <Link to={accessesDuring(emergency)}>
          What {emergency.doctor?.fullName ?? 'this doctor'} opened during the emergency
          <span className="visually-hidden"> {shortId(emergency.id, 8)}</span>
        </Link>
      </p>
      {review ? (
        <div className="review-done">
          <h3>Review</h3>
          <p>
            {review.outcome === 'inappropriate'
              ? 'Inappropriate'
              : review.outcome === 'appropriate'
                ? 'Appropriate'
                : 'Reviewed'}
            , by <code title={review.reviewedBy}>{shortId(review.reviewedBy, 8)}</code> on{' '}
            <Time value={review.reviewedAt} />.
          </p>
          {review.note && <blockquote className="justification">{review.note}</blockquote>}
        </div>
      ) : (
        <ReviewForm emergency={emergency} onReviewed={onReviewed} />
      )}
    </li>
  );
}

/** Break-glass accesses that involve the auditor's hospital: the queue to review, and the reviewed ones. */
export function EmergenciesPage() {
  const [params, setParams] = useSearchParams();
  const reviewed = params.get('reviewed') === 'true';
  const [done, setDone] = useState<string | null>(null);
  const emergencies = useInfiniteQuery({
    queryKey: ['audit', 'emergencies', reviewed],
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/audit/emergencies', {
          params: { query: { reviewed: reviewed ? 'true' : 'false', limit: 20, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = emergencies.data?.pages.flatMap((page) => page.items) ?? [];
  const show = (next: boolean) => {
    setDone(null);
    setParams(next ? { reviewed: 'true' } : {});
  };
  return (
    <Page
      title="Emergency accesses"
      intro="Doctors who broke the glass to reach a patient’s records. Review each: was it appropriate?"
    >
      <div role="group" aria-label="Which emergencies" className="segmented">
        <button type="button" aria-pressed={!reviewed} onClick={() => show(false)}>
          To review
        </button>
        <button type="button" aria-pressed={reviewed} onClick={() => show(true)}>
          Reviewed
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p className="notice notice-ok">{done}</p>}
      </div>
      <ErrorNotice error={emergencies.error} onRetry={() => void emergencies.refetch()} />
      {emergencies.isPending && <Loading label="Loading emergencies…" />}
      {emergencies.data && items.length === 0 && (
        <p className="notice notice-info">
          {reviewed ? 'No emergency access has been reviewed yet.' : 'No emergency access is waiting for review.'}
        </p>
      )}
      {items.length > 0 && (
        <ul className="cards" aria-label={reviewed ? 'Reviewed emergencies' : 'Emergencies to review'}>
          {items.map((emergency) => (
            <EmergencyCard key={emergency.id} emergency={emergency} onReviewed={setDone} />
          ))}
        </ul>
      )}
      {emergencies.hasNextPage && (
        <button
          type="button"
          onClick={() => void emergencies.fetchNextPage()}
          disabled={emergencies.isFetchingNextPage}
        >
          {emergencies.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </Page>
  );
}
