import { InvalidInputError } from '../common/domain-error.js';
import type { PatientCriterion } from '../users/users.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The shortest name search: one letter would list most of a hospital. */
export const MIN_NAME_SEARCH_LENGTH = 2;

/**
 * What a doctor's search text asks for: a patient id (a UUID), a date of birth
 * (`1990-12-10`), or else terms of a name, each to be found anywhere in it ("lovel" finds
 * Ada Lovelace; "ada love" too).
 *
 * @throws InvalidInputError for an impossible date, or a name shorter than 2 characters.
 */
export function patientCriterion(query: string): PatientCriterion {
  const text = query.trim();
  if (UUID.test(text)) return { id: text.toLowerCase() };
  const date = DATE.exec(text);
  if (date) {
    if (!isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]))) {
      throw invalid('query has the form of a date of birth (1990-12-10), but no such date exists');
    }
    return { dateOfBirth: text };
  }
  // Counted in characters (code points), as the OpenAPI document's pattern counts them.
  if ([...text].length < MIN_NAME_SEARCH_LENGTH) {
    throw invalid(`query must have at least ${MIN_NAME_SEARCH_LENGTH} characters besides spaces`);
  }
  return { nameTerms: text.split(/\s+/u) };
}

/** A date PostgreSQL stores as a `date` (year 1 to 9999; no 31 April, 29 February only in leap years). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function invalid(message: string): InvalidInputError {
  return new InvalidInputError(message, { details: { errors: [{ field: 'query', messages: [message] }] } });
}
