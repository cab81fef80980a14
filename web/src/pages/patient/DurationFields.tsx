import { useId } from 'react';

export type DurationUnit = 'days' | 'hours' | 'minutes';

export interface Duration {
  amount: string;
  unit: DurationUnit;
}

const MINUTES: Record<DurationUnit, number> = { days: 24 * 60, hours: 60, minutes: 1 };
/** The API's bounds (api/src/access/consent-terms.ts): one consultation (5 minutes) to a year. */
const MIN_MINUTES = 5;
const MAX_MINUTES = 365 * 24 * 60;

/** The body fields for a duration: whole days as `durationDays`, anything shorter as `durationMinutes`. */
export function durationBody(duration: Duration): { durationDays: number } | { durationMinutes: number } {
  const amount = Number(duration.amount);
  return duration.unit === 'days' ? { durationDays: amount } : { durationMinutes: amount * MINUTES[duration.unit] };
}

/** Why the duration cannot be sent, or null. */
export function durationError(duration: Duration): string | null {
  const amount = Number(duration.amount);
  if (duration.amount.trim() === '' || !Number.isInteger(amount) || amount < 1) return 'Enter a whole number.';
  const minutes = amount * MINUTES[duration.unit];
  if (minutes < MIN_MINUTES) return 'The shortest access is 5 minutes.';
  if (minutes > MAX_MINUTES) return 'The longest access is 365 days.';
  return null;
}

/** For how long a grant lasts: a number and its unit, in a fieldset with its error tied to both. */
export function DurationFields({
  legend = 'For how long',
  value,
  onChange,
  error,
}: {
  legend?: string;
  value: Duration;
  onChange: (duration: Duration) => void;
  error?: string | null;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hintId, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <fieldset className={error ? 'duration field-invalid' : 'duration'}>
      <legend>{legend}</legend>
      <p id={hintId} className="hint">
        From 5 minutes (one consultation) to 365 days. Access ends by itself at the end.
      </p>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-amount`}>Duration</label>
          <input
            id={`${id}-amount`}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            required
            value={value.amount}
            onChange={(event) => onChange({ ...value, amount: event.target.value })}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-unit`}>Unit</label>
          <select
            id={`${id}-unit`}
            value={value.unit}
            onChange={(event) => onChange({ ...value, unit: event.target.value as DurationUnit })}
            aria-describedby={describedBy}
          >
            <option value="days">days</option>
            <option value="hours">hours</option>
            <option value="minutes">minutes</option>
          </select>
        </div>
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
