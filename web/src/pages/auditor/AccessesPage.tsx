import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { formatBytes, shortId } from '../../components/format';
import { isoToLocalInput, localInputToIso, localZone, UUID } from './audit-time';
import { downloadCsv } from './csv-export';
import { basisLabel, hospitalLabel, purposeLabel, REFUSAL_LABELS, roleLabel } from './labels';
import { ReportLookup } from './ReportLookup';

type Access = Schemas['AccessEntryDto'];
type Outcome = NonNullable<Access['outcome']>;

interface Filters {
  actorId?: string;
  patientId?: string;
  outcome?: Outcome;
  from?: string;
  to?: string;
}

const FILTER_KEYS = ['actorId', 'patientId', 'outcome', 'from', 'to'] as const;

function filtersOf(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) (filters as Record<string, string>)[key] = value;
  }
  return filters;
}

/** The accesses route's query string for filters (the CSV export asks the same). */
function queryString(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

/** One page as JSON (the route answers CSV too, with `Accept: text/csv`). */
async function accessPage(filters: Filters, cursor: string | undefined): Promise<Schemas['AccessListDto']> {
  const page = await answer(
    api.GET('/api/v1/audit/accesses', {
      params: { query: { ...filters, limit: 50, cursor } },
      headers: { Accept: 'application/json' },
    }),
  );
  if (typeof page === 'string') throw new Error('The API answered CSV where a page of JSON was asked for.');
  return page;
}

interface Draft {
  actorId: string;
  patientId: string;
  outcome: '' | Outcome;
  from: string;
  to: string;
}

const draftOf = (filters: Filters): Draft => ({
  actorId: filters.actorId ?? '',
  patientId: filters.patientId ?? '',
  outcome: filters.outcome ?? '',
  from: isoToLocalInput(filters.from ?? null),
  to: isoToLocalInput(filters.to ?? null),
});

function check(draft: Draft): Partial<Record<keyof Draft, string>> {
  const errors: Partial<Record<keyof Draft, string>> = {};
  if (draft.actorId.trim() && !UUID.test(draft.actorId.trim()))
    errors.actorId = 'Enter the whole user ID (a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427).';
  if (draft.patientId.trim() && !UUID.test(draft.patientId.trim()))
    errors.patientId = 'Enter the whole patient ID (a UUID).';
  const from = localInputToIso(draft.from);
  const to = localInputToIso(draft.to, true);
  if (draft.from && !from) errors.from = 'Enter a date and time.';
  if (draft.to && !to) errors.to = 'Enter a date and time.';
  if (from && to && from > to) errors.to = 'The end must not be before the start.';
  return errors;
}

function OutcomeTag({ access }: { access: Access }) {
  if (access.outcome === 'granted') return <span className="tag tag-ok">Granted</span>;
  return (
    <span className="tag tag-bad">
      Refused
      {access.refusalCode ? (
        <>
          : {REFUSAL_LABELS[access.refusalCode] ?? access.refusalCode} <code>{access.refusalCode}</code>
        </>
      ) : null}
    </span>
  );
}

/** An auditor's list of report openings and refused attempts, filtered, paged and exported as CSV. */
export function AccessesPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters));
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const navigate = useNavigate();
  const search = params.toString();
  // Back and forward change the filters in the address: the form follows them.
  useEffect(() => {
    setDraft(draftOf(filtersOf(new URLSearchParams(search))));
    setErrors({});
  }, [search]);

  const accesses = useInfiniteQuery({
    queryKey: ['audit', 'accesses', filters],
    queryFn: ({ pageParam }) => accessPage(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = accesses.data?.pages.flatMap((page) => page.items) ?? [];

  const exportCsv = useMutation({
    mutationFn: () => downloadCsv(`/api/v1/audit/accesses?${queryString(filters)}`),
  });

  const apply = (next: Filters) => {
    exportCsv.reset();
    setParams(queryString(next));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = check(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    apply({
      actorId: draft.actorId.trim() || undefined,
      patientId: draft.patientId.trim().toLowerCase() || undefined,
      outcome: draft.outcome || undefined,
      from: localInputToIso(draft.from) ?? undefined,
      to: localInputToIso(draft.to, true) ?? undefined,
    });
  };
  const clear = () => {
    setDraft(draftOf({}));
    setErrors({});
    apply({});
  };
  /** Narrow the list to one actor or patient from a row, keeping the other filters. */
  const narrow = (extra: Filters) => {
    const next = { ...filters, ...extra };
    setDraft(draftOf(next));
    apply(next);
  };
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const filtered = Object.keys(filters).length > 0;

  return (
    <Page
      title="Accesses and refusals"
      intro="Every opening of a record and every refused attempt that involves your hospital, from the ledger, newest first."
    >
      <section className="panel" aria-labelledby="filter-heading">
        <h2 id="filter-heading">Filter</h2>
        <form onSubmit={submit} noValidate>
          <div className="form-row">
            <TextField
              label="Actor ID"
              hint="The user who opened or tried to open."
              autoComplete="off"
              spellCheck={false}
              value={draft.actorId}
              onChange={set('actorId')}
              error={errors.actorId}
            />
            <TextField
              label="Patient ID"
              hint="Whose records."
              autoComplete="off"
              spellCheck={false}
              value={draft.patientId}
              onChange={set('patientId')}
              error={errors.patientId}
            />
            <SelectField label="Outcome" value={draft.outcome} onChange={set('outcome')}>
              <option value="">Granted and refused</option>
              <option value="granted">Granted only</option>
              <option value="refused">Refused only</option>
            </SelectField>
          </div>
          <div className="form-row">
            <TextField
              label="From"
              type="datetime-local"
              hint={`Ledger time, in ${localZone()}; inclusive.`}
              value={draft.from}
              onChange={set('from')}
              error={errors.from}
            />
            <TextField
              label="To"
              type="datetime-local"
              hint="Up to the end of this minute."
              value={draft.to}
              onChange={set('to')}
              error={errors.to}
            />
          </div>
          <div className="actions">
            <button type="submit" className="primary">
              Apply filters
            </button>
            <button type="button" onClick={clear} disabled={!filtered}>
              Clear filters
            </button>
            <button type="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
              {exportCsv.isPending ? 'Exporting…' : 'Export CSV'}
            </button>
          </div>
        </form>
        <div role="status" aria-live="polite">
          {exportCsv.data && (
            <p className="notice notice-ok">
              Saved {exportCsv.data.fileName} ({formatBytes(exportCsv.data.bytes)}): every access matching{' '}
              {filtered ? 'these filters' : 'no filter (all of them)'}.
            </p>
          )}
        </div>
        <ErrorNotice error={exportCsv.error} onRetry={() => exportCsv.mutate()} />
      </section>

      <ReportLookup onOpen={(reportId) => void navigate(`/audit/reports/${reportId}`)} />

      <ErrorNotice error={accesses.error} onRetry={() => void accesses.refetch()} />
      {accesses.isPending && <Loading label="Loading accesses…" />}
      {accesses.data && rows.length === 0 && (
        <p className="notice notice-info">
          {filtered ? 'No access matches these filters.' : 'No access recorded yet.'}
        </p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="accesses-caption">
          <table className="audit-table">
            <caption id="accesses-caption">
              {filtered ? 'Matching accesses' : 'All accesses'}, newest first ({rows.length} shown
              {accesses.hasNextPage ? ', more to load' : ''})
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Report</th>
                <th scope="col">Patient</th>
                <th scope="col">Purpose</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((access) => (
                <tr key={access.txId}>
                  <th scope="row">
                    <Time value={access.at} />
                  </th>
                  <td>
                    <span className="cell-title">
                      {access.actor.fullName ?? `${roleLabel(access.actor.role)} ${shortId(access.actor.id, 8)}`}
                    </span>
                    <span className="meta">
                      {roleLabel(access.actor.role)}, {hospitalLabel(access.actor.hospital)}
                    </span>
                    {filters.actorId !== access.actor.id && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => narrow({ actorId: access.actor.id })}
                      >
                        Only this actor
                        <span className="visually-hidden">
                          {' '}
                          ({access.actor.fullName ?? shortId(access.actor.id, 8)})
                        </span>
                      </button>
                    )}
                  </td>
                  <td>
                    <OutcomeTag access={access} />
                  </td>
                  <td>
                    <Link to={`/audit/reports/${access.reportId}`}>
                      {access.reportType ? `${access.reportType} ` : ''}
                      <code>{shortId(access.reportId, 8)}</code>
                      <span className="visually-hidden"> (history)</span>
                    </Link>
                  </td>
                  <td>
                    <code title={access.patientId}>{shortId(access.patientId, 8)}</code>
                    {filters.patientId !== access.patientId && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => narrow({ patientId: access.patientId })}
                      >
                        Only this patient
                        <span className="visually-hidden"> ({shortId(access.patientId, 8)})</span>
                      </button>
                    )}
                  </td>
                  <td>
                    {purposeLabel(access.purposeOfUse)}
                    {access.basis && <span className="meta">{basisLabel(access.basis, access.granteeKind)}</span>}
                  </td>
                  <td>
                    <code title={access.txId}>{shortId(access.txId, 8)}</code>
                    <span className="meta">block {access.blockNumber}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {accesses.hasNextPage && (
        <button type="button" onClick={() => void accesses.fetchNextPage()} disabled={accesses.isFetchingNextPage}>
          {accesses.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </Page>
  );
}
