import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { Confirmation } from './Confirmation';

type ErasureRequest = Schemas['ErasureRequestDto'];

const REQUEST_KEY = ['me', 'erasure-request'] as const;

/** The patient's open request, or null when they have none (the API's 404). */
async function openRequest(): Promise<ErasureRequest | null> {
  try {
    return await answer(api.GET('/api/v1/me/erasure-request'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** A delay in words: "7 days", "1 day", "2 hours", "30 seconds". */
function delayInWords(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, unit] = units.find(([candidate]) => seconds >= candidate && seconds % candidate === 0) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

const STATES: Record<ErasureRequest['state'], { label: string; tag: string }> = {
  'pending-confirmation': { label: 'Waiting for your hospital', tag: 'tag tag-warn' },
  confirmed: { label: 'Confirmed: waiting period', tag: 'tag tag-warn' },
  'taking-effect': { label: 'Being carried out', tag: 'tag tag-bad' },
  erased: { label: 'Carried out', tag: 'tag tag-bad' },
  cancelled: { label: 'Cancelled', tag: 'tag' },
};

/**
 * The patient asks for the erasure of their records, sees where the request stands, and
 * cancels it while they still can. The page says plainly what erasure does before the
 * patient asks, and asks them to confirm they understand.
 */
export function ErasurePage() {
  const queryClient = useQueryClient();
  const [done, setDone] = useState<ReactNode>(null);
  const request = useQuery({ queryKey: REQUEST_KEY, queryFn: openRequest });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: REQUEST_KEY });
    void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  };
  const ask = useMutation({
    mutationFn: () => answer(api.POST('/api/v1/me/erasure-request')),
    onSuccess: (created) => {
      queryClient.setQueryData(REQUEST_KEY, created);
      refresh();
      setDone(
        <p>
          <strong>Your erasure request was sent.</strong> An admin of your hospital will confirm it; you can cancel it
          until it takes effect.
        </p>,
      );
    },
  });
  const cancel = useMutation({
    mutationFn: () => answer(api.DELETE('/api/v1/me/erasure-request')),
    onSuccess: () => {
      queryClient.setQueryData(REQUEST_KEY, null);
      refresh();
      setDone(
        <p>
          <strong>Your erasure request is cancelled.</strong> Nothing was erased: your records and your account stay as
          they are.
        </p>,
      );
    },
  });

  return (
    <Page
      title="Erase my records"
      intro="You can ask MedLedger to erase your records and close your account. An admin of your hospital confirms your request, and you can cancel it until it takes effect."
    >
      <Confirmation onDismiss={() => setDone(null)}>{done}</Confirmation>
      <ErrorNotice error={request.error} onRetry={() => void request.refetch()} />
      {request.isPending && <Loading label="Loading your erasure request…" />}
      {request.isSuccess &&
        (request.data ? (
          <RequestStatus
            request={request.data}
            cancelling={cancel.isPending}
            cancelError={cancel.error}
            onCancel={() => cancel.mutate()}
          />
        ) : (
          <>
            <WhatErasureDoes />
            <RequestForm asking={ask.isPending} error={ask.error} onConfirm={() => ask.mutate()} />
          </>
        ))}
    </Page>
  );
}

/** What an erasure does and does not do, in plain words. */
function WhatErasureDoes({ coolingOffSeconds }: { coolingOffSeconds?: number }) {
  return (
    <section className="panel" aria-labelledby="erasure-what">
      <h2 id="erasure-what">What erasure does</h2>
      <ul>
        <li>
          The key that protects your records is destroyed. <strong>Nobody can open them any more</strong>: not your
          doctors, not your hospital, not you. This cannot be undone.
        </li>
        <li>
          Your name, date of birth and e-mail address are removed from MedLedger. Your account is closed and you are
          signed out everywhere. We send one last e-mail to tell you it is done.
        </li>
        <li>
          The ledger keeps a record that your records were erased, when, and by which request, with identifiers only:
          nothing about you or your health.
        </li>
        <li>
          It happens only after an admin of your hospital confirms your request, and then after a waiting period
          {coolingOffSeconds ? ` of ${delayInWords(coolingOffSeconds)}` : ''}. Until then you can cancel it here.
        </li>
      </ul>
      <p>If you want to keep copies of your records, open and save them before you ask.</p>
    </section>
  );
}

/** The confirmation step: the patient says they understand before the request goes. */
function RequestForm({ asking, error, onConfirm }: { asking: boolean; error: Error | null; onConfirm: () => void }) {
  const id = useId();
  const [understood, setUnderstood] = useState(false);
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!understood) {
      setMissing(true);
      return;
    }
    onConfirm();
  };
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Ask for erasure</h2>
      <div className={missing ? 'field field-invalid' : 'field'}>
        <label className="check">
          <input
            type="checkbox"
            checked={understood}
            aria-invalid={missing ? true : undefined}
            aria-describedby={missing ? `${id}-error` : undefined}
            onChange={(event) => {
              setUnderstood(event.target.checked);
              if (event.target.checked) setMissing(false);
            }}
          />
          I understand that my records will be erased for good and my account closed
        </label>
        {missing && (
          <p id={`${id}-error`} className="field-error">
            Tick the box to confirm that you understand what erasure does.
          </p>
        )}
      </div>
      <ErrorNotice error={error} />
      <button type="submit" className="danger primary" disabled={asking}>
        {asking ? 'Sending…' : 'Ask for erasure'}
      </button>
    </form>
  );
}

/** Where the patient's request stands, and its cancellation while it is still possible. */
function RequestStatus({
  request,
  cancelling,
  cancelError,
  onCancel,
}: {
  request: ErasureRequest;
  cancelling: boolean;
  cancelError: Error | null;
  onCancel: () => void;
}) {
  const cancellable = request.state === 'pending-confirmation' || request.state === 'confirmed';
  const state = STATES[request.state];
  return (
    <>
      <section className="panel" aria-labelledby="erasure-status">
        <h2 id="erasure-status">Your erasure request</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={state.tag}>{state.label}</span>
          </dd>
          <dt>Asked</dt>
          <dd>
            <Time value={request.createdAt} />
          </dd>
          <dt>Confirmed by your hospital</dt>
          <dd>{request.confirmedAt ? <Time value={request.confirmedAt} /> : 'Not yet'}</dd>
          <dt>Takes effect</dt>
          <dd>
            {request.effectiveAt ? (
              <Time value={request.effectiveAt} />
            ) : (
              `${delayInWords(request.coolingOffSeconds)} after your hospital confirms it`
            )}
          </dd>
        </dl>
        {request.state === 'pending-confirmation' && (
          <p>An admin of your hospital has been told. Nothing is erased before they confirm your request.</p>
        )}
        {request.state === 'confirmed' && (
          <p>
            Your hospital confirmed your request. Your records will be erased when the waiting period ends; until then
            you can still cancel.
          </p>
        )}
        {request.state === 'taking-effect' && (
          <p className="notice notice-warning">
            Your records are being erased. It can no longer be cancelled, and you will be signed out shortly.
          </p>
        )}
        <ErrorNotice error={cancelError} />
        {cancellable && (
          <button type="button" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel my erasure request'}
          </button>
        )}
      </section>
      <WhatErasureDoes coolingOffSeconds={request.coolingOffSeconds} />
    </>
  );
}
