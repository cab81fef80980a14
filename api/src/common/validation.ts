import { BadRequestException, ValidationPipe } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import type { ValidationError } from 'class-validator';

/**
 * The one way input is validated: the global pipe of every route's DTOs, and the same pipe
 * for bodies a route has to read itself (multipart fields, a JSON case report on the
 * upload route). Unknown fields are refused; failures are a 400 with field errors.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    // The same class-transformer and class-validator instances that the DTOs' decorators
    // registered with: Nest's own dynamic import of them does not see @Type rules.
    transformerPackage: classTransformer,
    validatorPackage: classValidator,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: 'invalid input', errors: fieldErrors(errors) }),
  });
}

const pipe = createValidationPipe();

/** Validates and transforms `value` into an instance of `type`, as a route's @Body() would be. */
export async function validateInput<T extends object>(type: new () => T, value: unknown): Promise<T> {
  return (await pipe.transform(value ?? {}, { type: 'body', metatype: type })) as T;
}

/** `[{ field: 'patientId', messages: ['patientId must be a UUID'] }]`, nested fields dotted. */
function fieldErrors(errors: ValidationError[], parent = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Free text that PostgreSQL can store: no NUL character (a `text` column refuses it, and
 * the request would fail as a 500 instead of a 400 on its field).
 */
export const HasNoNulCharacter = () =>
  // eslint-disable-next-line no-control-regex -- the NUL character is exactly what it refuses
  classValidator.Matches(/^[^\u0000]*$/, { message: ({ property }) => `${property} must not contain NUL characters` });

/**
 * Optional, and when given, checked: unlike IsOptional, which lets `null` through as if the
 * field were absent, while the OpenAPI document says the field is of its type or missing.
 * For body fields that are not nullable.
 */
export const Omittable = () => classValidator.ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Control characters (category Cc: C0, DEL, C1), as a class for OpenAPI patterns. */
const CONTROL = '\\x00-\\x1f\\x7f-\\x9f';
/** What String.prototype.trim() removes besides line breaks and control characters. */
const SPACE = ' \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** What String.prototype.trim() removes. */
const TRIMMED = `\\x09-\\x0d${SPACE}`;

/** Optional white space around text (what String.prototype.trim() removes, control characters aside). */
export const SPACES = `[${SPACE}]*`;
/** One character that is neither white space nor a control character. */
export const SOLID = `[^${SPACE}${CONTROL}]`;
/** Any number of characters that are not control characters. */
export const PRINTABLE_RUN = `[^${CONTROL}]*`;

/**
 * The patterns the OpenAPI document gives for the text rules above and the DTOs' own, written
 * with escapes that ECMAScript, Python and Rust regular expressions read alike (\p{…} classes
 * are not): what the validators refuse is what the document excludes.
 */
export const TEXT_PATTERNS = {
  /** HasNoNulCharacter. */
  noNul: '^[^\\x00]*$',
  /** No control character (`^[^\p{Cc}…]*$`). */
  printable: `^[^${CONTROL}]*$`,
  /** No control character, at least one character. */
  printableNonEmpty: `^[^${CONTROL}]+$`,
  /** One line without control characters, and something besides spaces (a trimmed, non-empty title). */
  printableNonBlank: `^[${SPACE}]*[^${SPACE}${CONTROL}][^${CONTROL}]*$`,
  /** Any text with something besides white space (trimmed, then not empty). */
  nonBlank: `^[\\s\\S]*[^${TRIMMED}][\\s\\S]*$`,
} as const;

const RFC3339_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** Whether year, month and day name a day of the calendar (year 0 to 9999, as RFC 3339 writes them). */
function isCalendarDay(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && d >= 1 && d <= days;
}

/**
 * A date (`2026-11-21`) or a date and time (`2026-11-21T10:00:00Z`, an offset instead of Z,
 * a fraction of a second) exactly as RFC 3339 writes them, as the OpenAPI formats `date` and
 * `date-time` say; unlike IsDateString, which takes every ISO 8601 form (`2026`, `2026-W47`).
 */
export const IsDateOrDateTime = () =>
  classValidator.ValidateBy({
    name: 'isDateOrDateTime',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const match = RFC3339_DATE.exec(value) ?? RFC3339_DATE_TIME.exec(value);
        return match !== null && isCalendarDay(match[1]!, match[2]!, match[3]!);
      },
      defaultMessage: ({ property }: classValidator.ValidationArguments) =>
        `${property} must be a date (2026-11-21) or a date and time (2026-11-21T10:00:00Z)`,
    },
  });

/**
 * A day of the calendar as RFC 3339 writes it (`1990-12-10`), years 1 to 9999 (PostgreSQL's
 * `date` has no year 0), as the OpenAPI format `date` says with CALENDAR_DATE_PATTERN.
 * IsDateString does not do: it reads years below 100 as 19xx and refuses them.
 */
export const IsCalendarDate = (message?: string) =>
  classValidator.ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const match = RFC3339_DATE.exec(value);
        return match !== null && match[1] !== '0000' && isCalendarDay(match[1]!, match[2]!, match[3]!);
      },
      defaultMessage: ({ property }: classValidator.ValidationArguments) =>
        message ?? `${property} must be a date like 1990-12-10`,
    },
  });

/** The form of a calendar date (years 1 to 9999), for the OpenAPI document beside `format: date`. */
export const CALENDAR_DATE_PATTERN = '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$';
