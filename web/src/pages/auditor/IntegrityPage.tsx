import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { Page } from '../../components/Page';
import { shortId } from '../../components/format';
import { UUID } from './audit-time';

type Mismatch = Schemas['IntegrityMismatchDto'];

/** Reports verified per request: each is streamed from IPFS and checked on the ledger, a few at a time. */
const BATCH_SIZE = 25;

interface Run {
  patientId: string | null;
  state: 'running' | 'done' | 'stopped' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  batches: number;
  checked: number;
  verified: number;
  failed: number;
  mismatches: Mismatch[];
  /** Where the next batch starts; kept after a failure so that "Continue" resumes there. */
  cursor: string | null;
  error: unknown;
}

const elapsed = (milliseconds: number) => {
  const seconds = Math.floor(milliseconds / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const FAILED_CHECKS: Array<[keyof Mismatch['checks'], string]> = [
  ['ledger', 'not as the ledger recorded it'],
  ['cid', 'content ID differs'],
  ['ciphertext', 'stored content differs from its digest'],
];

/**
 * The integrity report: every stored report checked against the ledger without decrypting,
 * batch after batch (the API verifies one batch per request and gives the cursor of the
 * next), with the counts as they grow, the elapsed time, and every mismatch.
 */
export function IntegrityPage() {
  const [patientId, setPatientId] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const abort = useRef<AbortController | null>(null);
  const running = run?.state === 'running';

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  useEffect(() => () => abort.current?.abort(), []);

  const go = async (start: Run) => {
    const controller = new AbortController();
    abort.current = controller;
    let current: Run = { ...start, state: 'running', error: null, finishedAt: null };
    setRun(current);
    setNow(Date.now());
    for (;;) {
      try {
        const batch = await answer(
          api.GET('/api/v1/audit/integrity-report', {
            params: {
              query: {
                limit: BATCH_SIZE,
                ...(current.patientId ? { patientId: current.patientId } : {}),
                ...(current.cursor ? { cursor: current.cursor } : {}),
              },
            },
            signal: controller.signal,
          }),
        );
        current = {
          ...current,
          batches: current.batches + 1,
          checked: current.checked + batch.checked,
          verified: current.verified + batch.verified,
          failed: current.failed + batch.failed,
          mismatches: [...current.mismatches, ...batch.mismatches],
          cursor: batch.nextCursor,
        };
        if (!batch.nextCursor) {
          setRun({ ...current, state: 'done', finishedAt: Date.now() });
          return;
        }
        setRun(current);
      } catch (error) {
        if (controller.signal.aborted) {
          setRun({ ...current, state: 'stopped', finishedAt: Date.now() });
        } else {
          setRun({ ...current, state: 'failed', finishedAt: Date.now(), error });
        }
        return;
      }
      if (controller.signal.aborted) {
        setRun({ ...current, state: 'stopped', finishedAt: Date.now() });
        return;
      }
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = patientId.trim().toLowerCase();
    if (id && !UUID.test(id)) {
      setInputError('Enter the whole patient ID (a UUID), or leave it empty for every report.');
      return;
    }
    setInputError(null);
    void go({
      patientId: id || null,
      state: 'running',
      startedAt: Date.now(),
      finishedAt: null,
      batches: 0,
      checked: 0,
      verified: 0,
      failed: 0,
      mismatches: [],
      cursor: null,
      error: null,
    });
  };

  const took = run ? elapsed((run.finishedAt ?? now) - run.startedAt) : '';
  return (
    <Page
      title="Integrity report"
      intro="Checks every stored report against the ledger, without decrypting anything: its record, its content ID and the digest of the stored content. Each mismatch also raises an integrity alert."
    >
      <section className="panel" aria-labelledby="run-heading">
        <h2 id="run-heading">Run the report</h2>
        <form onSubmit={submit} noValidate className="inline-form">
          <TextField
            label="Patient ID (optional)"
            hint="Only this patient’s reports; empty for all reports."
            autoComplete="off"
            spellCheck={false}
            value={patientId}
            onChange={(event) => setPatientId(event.target.value)}
            error={inputError}
            disabled={running}
          />
          <button type="submit" className="primary" disabled={running}>
            {running ? 'Running…' : 'Run integrity report'}
          </button>
          {running && (
            <button type="button" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          )}
        </form>
      </section>

      {run && (
        <section className="panel" aria-labelledby="progress-heading" aria-busy={running}>
          <h2 id="progress-heading">
            {run.state === 'running'
              ? 'Checking…'
              : run.state === 'done'
                ? 'Finished'
                : run.state === 'stopped'
                  ? 'Stopped'
                  : 'Interrupted'}
          </h2>
          {running && <progress aria-label="Integrity report in progress" />}
          <p role="status" aria-live="polite" className="integrity-progress">
            {run.state === 'running'
              ? `${plural(run.checked, 'report')} checked so far (${run.batches} batch${run.batches === 1 ? '' : 'es'} of up to ${BATCH_SIZE}), ${run.failed} mismatch${run.failed === 1 ? '' : 'es'}.`
              : run.state === 'done'
                ? `Done: ${plural(run.checked, 'report')} checked${run.patientId ? ' of this patient' : ''}, ${run.verified} verified, ${run.failed} mismatch${run.failed === 1 ? '' : 'es'}.`
                : `${run.state === 'stopped' ? 'Stopped' : 'Interrupted'} after ${plural(run.checked, 'report')}; the counts below cover those only.`}
          </p>
          <p className="meta">
            Elapsed <span className="elapsed">{took}</span>
          </p>
          <dl className="integrity-counts">
            <div>
              <dt>Checked</dt>
              <dd>{run.checked}</dd>
            </div>
            <div>
              <dt>Verified</dt>
              <dd>{run.verified}</dd>
            </div>
            <div className={run.failed > 0 ? 'count-bad' : undefined}>
              <dt>Mismatches</dt>
              <dd>{run.failed}</dd>
            </div>
          </dl>
          <ErrorNotice error={run.error} onRetry={() => void go(run)} />
          {(run.state === 'failed' || run.state === 'stopped') && run.cursor !== null && (
            <button type="button" onClick={() => void go(run)}>
              Continue where it stopped
            </button>
          )}
          {run.state === 'done' && run.failed === 0 && (
            <p className="notice notice-ok">Every checked report matches the ledger.</p>
          )}
        </section>
      )}

      {run && run.mismatches.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Reports that do not match the ledger ({run.mismatches.length})</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Patient</th>
                <th scope="col">What failed</th>
              </tr>
            </thead>
            <tbody>
              {run.mismatches.map((mismatch) => (
                <tr key={mismatch.reportId}>
                  <th scope="row">
                    <Link to={`/audit/reports/${mismatch.reportId}`}>
                      <code>{shortId(mismatch.reportId, 8)}</code>
                      <span className="visually-hidden"> (history)</span>
                    </Link>
                  </th>
                  <td>
                    <code title={mismatch.patientId}>{shortId(mismatch.patientId, 8)}</code>
                  </td>
                  <td>
                    <ul className="plain">
                      {FAILED_CHECKS.filter(([check]) => mismatch.checks[check] === false).map(([check, text]) => (
                        <li key={check}>
                          <span className="tag tag-bad">{check}</span> {text}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
