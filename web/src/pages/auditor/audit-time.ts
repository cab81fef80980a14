/**
 * The audit routes take instants (ISO 8601 with a zone); people type local times in
 * `datetime-local` inputs (minutes, no zone). These convert between the two in the
 * browser's time zone.
 */

/** `2026-05-01T10:30` (local) → the ISO instant in UTC; `endOfMinute` for an inclusive upper bound. */
export function localInputToIso(value: string, endOfMinute = false): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  if (endOfMinute) date.setSeconds(59, 999);
  return date.toISOString();
}

const two = (value: number) => String(value).padStart(2, '0');

/** An ISO instant → the `datetime-local` value showing it in the browser's zone. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The browser's time zone by name, to say which clock the inputs follow. */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'your local time';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
