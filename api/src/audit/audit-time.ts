/**
 * `from` and `to` of the audit lists: one instant, an ISO 8601 date and time with `Z` or an
 * offset (`2026-11-21T10:00:00.250+01:00`; seconds and fraction optional). A date alone
 * (`2026-11-21`) is refused: as a `to` it would name that day's first instant, not its end,
 * and leave the day out unnoticed. Calendar-checked (no 31 February, no hour 24), since
 * Date would roll those over silently. An instant outside the years 1 to 9999 in UTC (which
 * PostgreSQL reads as written), such as 0001-01-01T00:00:00+01:00, is held to the nearest
 * of them: as a bound of a period it selects the same ledger events.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;
const MAX_TEXT = 40;

/** The first and last instants PostgreSQL reads as written: 0001-01-01 and the end of 9999, in UTC. */
const EARLIEST = new Date('0001-01-01T00:00:00.000Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The instant an audit time names, or undefined when the text is not one. */
export function parseAuditTime(text: string): Date | undefined {
  if (text.length > MAX_TEXT) return undefined;
  const match = ISO_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone, zoneHours, zoneMinutes] = match;
  const y = Number(year);
  const m = Number(month);
  const daysInMonth = m === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[m - 1];
  if (m < 1 || m > 12 || Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zoneHours !== undefined && (Number(zoneHours) > 23 || Number(zoneMinutes) > 59)) return undefined;
  // Milliseconds are what the ledger records; finer digits are dropped.
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${milliseconds}${zone}`);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Date(Math.min(Math.max(date.getTime(), EARLIEST), LATEST));
}
