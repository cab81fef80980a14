import { useId } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../components/format';
import { Loading } from '../../components/Loading';
import { reportTypeLabel, type ReportMetadata } from '../../components/report-kinds';
import { useMyRecords } from './patient-data';

/**
 * Which records a grant covers: what the first option says (all, or what was asked), all of
 * the patient's records (when the first option is what was asked), or the ticked ones.
 */
export interface Scope {
  mode: 'default' | 'all' | 'chosen';
  ids: string[];
}

export const recordName = (record: ReportMetadata) =>
  record.title ?? `Untitled ${reportTypeLabel(record.type).toLowerCase()}`;

/**
 * The records a grant covers: the first option (all my records, or what the doctor asked
 * for), all of them (`allLabel`, offered when the first option is not already all), or only
 * the records the patient ticks from their own list. `highlight` marks the records a doctor
 * asked for.
 */
export function RecordScope({
  legend,
  defaultLabel,
  allLabel,
  value,
  onChange,
  error,
  highlight,
}: {
  legend: string;
  defaultLabel: string;
  allLabel?: string;
  value: Scope;
  onChange: (scope: Scope) => void;
  error?: string | null;
  highlight?: readonly string[] | null;
}) {
  const id = useId();
  const { query, records } = useMyRecords();
  const errorId = `${id}-error`;
  const toggle = (recordId: string, checked: boolean) =>
    onChange({
      mode: 'chosen',
      ids: checked ? [...value.ids, recordId] : value.ids.filter((chosen) => chosen !== recordId),
    });
  return (
    <fieldset aria-describedby={error ? errorId : undefined} className={error ? 'field-invalid' : undefined}>
      <legend>{legend}</legend>
      <label className="check">
        <input
          type="radio"
          name={`${id}-mode`}
          checked={value.mode === 'default'}
          onChange={() => onChange({ ...value, mode: 'default' })}
        />
        {defaultLabel}
      </label>
      {allLabel && (
        <label className="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={value.mode === 'all'}
            onChange={() => onChange({ ...value, mode: 'all' })}
          />
          {allLabel}
        </label>
      )}
      <label className="check">
        <input
          type="radio"
          name={`${id}-mode`}
          checked={value.mode === 'chosen'}
          onChange={() => onChange({ ...value, mode: 'chosen' })}
        />
        Only the records I tick below
      </label>
      {value.mode === 'chosen' && (
        <fieldset className="record-choices">
          <legend>Choose records</legend>
          {query.isPending && <Loading label="Loading your records…" />}
          <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
          {query.isSuccess && records.length === 0 && <p>You have no records yet.</p>}
          {records.map((record) => (
            <label key={record.id} className="check">
              <input
                type="checkbox"
                checked={value.ids.includes(record.id)}
                onChange={(event) => toggle(record.id, event.target.checked)}
                aria-invalid={error ? true : undefined}
              />
              <span>
                {recordName(record)}{' '}
                <span className="meta-inline">
                  ({reportTypeLabel(record.type)}
                  {record.authorRole === 'patient' ? ', added by you' : ', by a clinician'},{' '}
                  {formatDateTime(record.ledger.recordedAt)})
                </span>
                {highlight?.includes(record.id) && <span className="tag">Asked for</span>}
              </span>
            </label>
          ))}
          {query.hasNextPage && (
            <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? 'Loading more records…' : 'Show more records'}
            </button>
          )}
        </fieldset>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Why the scope cannot be sent, or null. */
export function scopeError(scope: Scope): string | null {
  if (scope.mode === 'chosen' && scope.ids.length === 0) return 'Tick at least one record, or choose the first option.';
  if (scope.ids.length > 100 && scope.mode === 'chosen') return 'Choose at most 100 records in one grant.';
  return null;
}
