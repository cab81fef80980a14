import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { CALENDAR_DATE_PATTERN, IsCalendarDate, IsDateOrDateTime, Omittable, TEXT_PATTERNS } from './validation.js';

class Dated {
  @IsCalendarDate() day!: unknown;
}

class Seen {
  @Omittable() @IsDateOrDateTime() at?: unknown;
}

const valid = async (instance: object) => (await validate(instance)).length === 0;
const dated = (day: unknown) => Object.assign(new Dated(), { day });
const seen = (at: unknown) => Object.assign(new Seen(), { at });

describe('IsCalendarDate', () => {
  it.each(['1990-12-10', '0001-01-01', '0042-11-19', '2000-02-29', '0400-02-29', '9999-12-31'])(
    'takes %s, as the document’s format and pattern do',
    async (day) => {
      expect(await valid(dated(day))).toBe(true);
      expect(new RegExp(CALENDAR_DATE_PATTERN).test(day)).toBe(true);
    },
  );

  it.each([
    '0000-01-01',
    '1900-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-1-01',
    '1990-12-10T00:00:00Z',
    19901210,
    null,
  ])('refuses %p', async (day) => {
    expect(await valid(dated(day))).toBe(false);
  });
});

describe('IsDateOrDateTime', () => {
  it.each(['2026-11-02', '2026-11-21T10:00:00Z', '2026-11-21t10:00:00.123456+05:30', '0001-01-01T00:00:00-01:00'])(
    'takes %s',
    async (at) => expect(await valid(seen(at))).toBe(true),
  );

  it.each(['2026', '2026-W47', '20261121', '2026-11-21T10:00Z', '2026-11-21T24:00:00Z', '2026-02-30', ''])(
    'refuses %p, which ISO 8601 has but RFC 3339 does not',
    async (at) => expect(await valid(seen(at))).toBe(false),
  );
});

describe('Omittable', () => {
  it('lets an absent field through, and checks a null one (which IsOptional would let through)', async () => {
    expect(await valid(new Seen())).toBe(true);
    expect(await valid(seen(null))).toBe(false);
  });
});

describe('TEXT_PATTERNS', () => {
  it.each([
    ['noNul', 'a\u0000b', false],
    ['noNul', 'line\nbreak', true],
    ['printable', 'tab\there', false],
    ['printable', '', true],
    ['printableNonEmpty', '', false],
    ['printableNonBlank', '\u3000 ', false],
    ['printableNonBlank', '  Discharge summary', true],
    ['nonBlank', ' \n\t ', false],
    ['nonBlank', '\n pneumonia \n', true],
  ] as const)('%s on %j: %s', (name, text, matches) => {
    expect(new RegExp(TEXT_PATTERNS[name]).test(text)).toBe(matches);
  });
});
