import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { hospitalName, shortId } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { reportTypeLabel } from '../../components/report-kinds';
import { Time } from '../../components/Time';
import { useUser } from '../../session/use-session';
import { patientKeys, useMyRecords } from './patient-data';
import { type AccessEntry, doctorLabel, focusFirstInvalid, purposeLabel, refusalLabel } from './patient-format';
import { recordName } from './RecordScope';

interface Filter {
  from?: string;
  to?: string;
  outcome?: 'granted' | 'refused';
}

const ROLES: Record<string, string> = {
  doctor: 'doctor',
  patient: 'patient',
  auditor: 'auditor',
  admin: 'administrator',
};

/** What let a reader in, as the patient reads it. */
function basisLabel(entry: AccessEntry): string {
  switch (entry.basis) {
    case 'patient':
      return 'Your own access';
    case 'author':
      return 'Author of the record';
    case 'emergency':
      return 'Emergency access';
    case 'grant':
      switch (entry.granteeKind) {
        case 'hospital':
          return 'Your grant to all doctors of a hospital';
        case 'care-team':
          return 'Your grant to a care team';
        default:
          return 'Your grant to this doctor';
      }
    case null:
      return entry.grantId ? 'A grant you gave, no longer valid' : 'No grant';
    default:
      return entry.basis;
  }
}

/** `datetime-local` (the reader's time zone, to the minute) as an instant the API takes. */
function instant(local: string, endOfMinute: boolean): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) return undefined;
  if (endOfMinute) date.setSeconds(59, 999);
  return date.toISOString();
}

/** Who opened the patient's records and who was refused, from the ledger's access receipts. */
export function AccessLogPage() {
  const user = useUser();
  const { byId } = useMyRecords();
  const [draft, setDraft] = useState({ from: '', to: '', outcome: '' });
  const [filter, setFilter] = useState<Filter>({});
  const [checked, setChecked] = useState(false);
  const rangeError = draft.from && draft.to && draft.from > draft.to ? 'The end must not be before the start.' : null;

  const log = useInfiniteQuery({
    queryKey: patientKeys.accessLog(filter),
    queryFn: ({ pageParam }) =>
      answer(
        api.GET('/api/v1/me/access-log', {
          params: { query: { limit: 50, ...filter, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor || undefined,
  });
  const entries = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (rangeError) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    setFilter({
      ...(draft.from ? { from: instant(draft.from, false) } : {}),
      ...(draft.to ? { to: instant(draft.to, true) } : {}),
      ...(draft.outcome ? { outcome: draft.outcome as Filter['outcome'] } : {}),
    });
  };
  const clear = () => {
    setDraft({ from: '', to: '', outcome: '' });
    setChecked(false);
    setFilter({});
  };
  const filtered = Boolean(filter.from || filter.to || filter.outcome);

  const who = (entry: AccessEntry) => {
    if (entry.actor.id === user.id) return 'You';
    const role = ROLES[entry.actor.role] ?? entry.actor.role;
    const name =
      entry.actor.role === 'doctor'
        ? entry.actor.fullName
          ? doctorLabel(entry.actor.id, { id: entry.actor.id, fullName: entry.actor.fullName, hospital: null })
          : null
        : (entry.actor.fullName ?? null);
    return [name ?? `A ${role} (ID ${shortId(entry.actor.id, 8)})`, name ? role : null].filter(Boolean).join(', ');
  };

  return (
    <Page
      title="Access log"
      intro="Everyone who opened one of your records, and everyone who tried and was refused, as the ledger recorded it."
    >
      <form className="patient-form filters" onSubmit={apply} noValidate aria-label="Filter the access log">
        <div className="form-row">
          <TextField
            label="From"
            type="datetime-local"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <TextField
            label="To"
            type="datetime-local"
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            error={checked ? rangeError : null}
          />
          <SelectField
            label="Outcome"
            value={draft.outcome}
            onChange={(event) => setDraft({ ...draft, outcome: event.target.value })}
          >
            <option value="">Opened and refused</option>
            <option value="granted">Opened only</option>
            <option value="refused">Refused only</option>
          </SelectField>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Show
          </button>
          <button type="button" onClick={clear} disabled={!filtered && !draft.from && !draft.to && !draft.outcome}>
            Clear filters
          </button>
        </div>
      </form>

      <ErrorNotice error={log.error} onRetry={() => void log.refetch()} />
      {log.isPending && <Loading label="Reading the ledger…" />}
      {log.isSuccess && entries.length === 0 && (
        <p className="empty">
          {filtered ? 'Nothing matches these filters.' : 'No one has opened or tried to open your records yet.'}
        </p>
      )}
      {entries.length > 0 && (
        <div className="table-wrap">
          <table className="access-log">
            <caption>
              Openings of your records and refused attempts, newest first{filtered ? ' (filtered)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Record</th>
                <th scope="col">Access under</th>
                <th scope="col">Outcome</th>
                <th scope="col">Ledger transaction</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const record = byId.get(entry.reportId);
                return (
                  <tr key={`${entry.txId}-${entry.reportId}`}>
                    <th scope="row">
                      <Time value={entry.at} />
                    </th>
                    <td>
                      {who(entry)}
                      {entry.actor.hospital && entry.actor.id !== user.id && (
                        <div className="meta">{hospitalName(entry.actor.hospital)}</div>
                      )}
                    </td>
                    <td>
                      <Link to={`/reports/${entry.reportId}`}>
                        {record
                          ? recordName(record)
                          : `${entry.reportType ? reportTypeLabel(entry.reportType) : 'Record'} ${entry.reportId.slice(0, 8)}`}
                      </Link>
                    </td>
                    <td>
                      {basisLabel(entry)}
                      {entry.purposeOfUse && <div className="meta">Purpose: {purposeLabel(entry.purposeOfUse)}</div>}
                    </td>
                    <td>
                      {entry.outcome === 'granted' ? (
                        <span className="tag tag-ok">Opened</span>
                      ) : (
                        <>
                          <span className="tag tag-bad">Refused</span>
                          <div className="meta">{refusalLabel(entry.refusalCode)}</div>
                        </>
                      )}
                    </td>
                    <td>
                      <code className="break" title={entry.txId}>
                        {shortId(entry.txId, 8)}
                      </code>
                      <div className="meta">Block {entry.blockNumber}</div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading more…' : 'Load more'}
        </button>
      )}
    </Page>
  );
}
