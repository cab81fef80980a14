import { type Filter, parseSearchRequest, splitSearchOnComma } from '@medplum/core';
import { InvalidInputError } from '../common/domain-error.js';
import { UnsupportedSearchError } from './fhir.errors.js';
import { UUID } from './fhir-ids.js';

type SearchParameterType = 'string' | 'token' | 'date' | 'reference';

/** One search parameter the facade supports: its FHIR type, the modifiers it takes, what it matches here. */
export interface SearchParameterSpec {
  type: SearchParameterType;
  documentation: string;
  /** Modifiers beyond the plain parameter (`name:contains`). */
  modifiers?: readonly string[];
}

/**
 * Every search the facade answers, and nothing else: the search routes read their parameters
 * here, and the CapabilityStatement lists exactly these. A parameter, modifier or prefix not
 * listed is refused (400), never ignored.
 */
export const FHIR_SEARCHES = {
  Patient: {
    name: {
      type: 'string',
      modifiers: ['contains', 'exact'],
      documentation:
        'A part of the name: a word of it starting with the text (`:contains`: anywhere in it; `:exact`: the whole name)',
    },
    birthdate: { type: 'date', documentation: 'The date of birth (eq only)' },
    identifier: { type: 'token', documentation: 'The patient id, `system|value` or the value alone' },
    _id: { type: 'token', documentation: 'The patient id' },
  },
  DocumentReference: {
    patient: { type: 'reference', documentation: 'The patient: `Patient/{id}` or the id' },
    type: {
      type: 'token',
      documentation: 'The document type: a LOINC code or a MedLedger report type (`lab`), with or without its system',
    },
    date: { type: 'date', documentation: 'When the ledger recorded the document (eq, ge, gt, le, lt)' },
  },
  Consent: {
    patient: { type: 'reference', documentation: 'The patient who gave the consent: `Patient/{id}` or the id' },
    actor: { type: 'reference', documentation: 'The doctor it names: `Practitioner/{id}` or the id' },
    status: { type: 'token', documentation: '`active` or `inactive` (revoked or expired), at ledger time' },
  },
  AuditEvent: {
    patient: { type: 'reference', documentation: 'The patient whose record was opened: `Patient/{id}` or the id' },
    agent: {
      type: 'reference',
      documentation: 'Who opened it or was refused: `Practitioner/{id}`, `Patient/{id}` or the id',
    },
    entity: { type: 'reference', documentation: 'The document: `DocumentReference/{id}` or the id' },
    date: { type: 'date', documentation: 'Ledger time of the opening or refusal (eq, ge, gt, le, lt)' },
  },
} as const satisfies Record<string, Record<string, SearchParameterSpec>>;

export type SearchableType = keyof typeof FHIR_SEARCHES;

/** Page size: `_count`, 1 to 100, 50 when absent. */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 100;

/** Parameters of every search besides its own: page size, the next page's cursor, the format. */
export const COMMON_SEARCH_PARAMETERS: Record<string, string> = {
  _count: `Page size, 1 to ${MAX_COUNT} (${DEFAULT_COUNT} by default)`,
  _cursor: 'The next page, as the `next` link of the previous one gives it',
  _format: '`json`, `application/json` or `application/fhir+json` only',
};

/** A search as a route takes it: its filters by parameter, the page size and the cursor. */
export interface FhirSearch {
  filters: ReadonlyMap<string, readonly Filter[]>;
  count: number;
  cursor?: string;
}

const DATE_PREFIXES = new Set(['eq', 'ge', 'gt', 'le', 'lt']);

/**
 * Reads a search's query against what the facade supports: unknown parameters, modifiers and
 * date prefixes are refused, `_count` is checked; Medplum's parser reads prefixes and modifiers.
 */
export function parseFhirSearch(type: SearchableType, query: Record<string, unknown>): FhirSearch {
  const supported: Record<string, SearchParameterSpec> = FHIR_SEARCHES[type];
  const plain: Record<string, string[]> = {};
  for (const [key, raw] of Object.entries(query)) {
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    if (key in COMMON_SEARCH_PARAMETERS) {
      if (values.length > 1) throw new InvalidInputError(`${key} may be given once`);
      continue;
    }
    const [code, modifier, ...rest] = key.split(':');
    const spec = supported[code];
    if (spec === undefined) {
      throw new UnsupportedSearchError(
        `${type} search does not support the parameter "${code}"; it supports ${Object.keys(supported).join(', ')}`,
      );
    }
    if (rest.length > 0 || (modifier !== undefined && !spec.modifiers?.includes(modifier))) {
      throw new UnsupportedSearchError(`${type} search does not support the modifier "${key}"`);
    }
    if (values.some((value) => value === '')) throw new InvalidInputError(`${key} must not be empty`);
    plain[key] = values;
  }
  const parsed = parseSearchRequest(type, plain);
  const filters = new Map<string, Filter[]>();
  for (const filter of parsed.filters ?? []) {
    const spec = supported[filter.code];
    if (spec.type === 'date' && !DATE_PREFIXES.has(filter.operator)) {
      throw new UnsupportedSearchError(`${filter.code} takes the prefixes eq, ge, gt, le and lt only`);
    }
    filters.set(filter.code, [...(filters.get(filter.code) ?? []), filter]);
  }
  return { filters, count: countOf(query._count), cursor: cursorOf(query._cursor) };
}

function countOf(raw: unknown): number {
  if (raw === undefined) return DEFAULT_COUNT;
  const text = String(raw);
  const count = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT))
    throw new InvalidInputError(`_count must be a whole number from 1 to ${MAX_COUNT}`);
  return count;
}

function cursorOf(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw new InvalidInputError('_cursor is not one this server issued');
  return text;
}

/** The one filter of a parameter that may be given once; undefined when absent. */
export function singleFilter(search: FhirSearch, code: string): Filter | undefined {
  const filters = search.filters.get(code) ?? [];
  if (filters.length > 1) throw new InvalidInputError(`${code} may be given once`);
  return filters[0];
}

/**
 * The id a reference parameter names (`Type/{id}` of one of `types`, or the id alone), one
 * value only; undefined when the parameter is absent. MedLedger's ids are UUIDs.
 */
export function referencedId(search: FhirSearch, code: string, types: readonly string[]): string | undefined {
  const filter = singleFilter(search, code);
  if (filter === undefined) return undefined;
  const [first, second, ...more] = filter.value.split('/');
  const id = second === undefined ? first : second;
  if (more.length > 0 || (second !== undefined && !types.includes(first)) || !UUID.test(id)) {
    throw new InvalidInputError(`${code} must be ${types.map((type) => `${type}/{id}`).join(' or ')}, or the id alone`);
  }
  return id.toLowerCase();
}

/** A token parameter's values (comma-separated: any of them), each with its system when given. */
export function tokenValues(search: FhirSearch, code: string): Array<{ system?: string; code: string }> | undefined {
  const filter = singleFilter(search, code);
  if (filter === undefined) return undefined;
  return splitSearchOnComma(filter.value).map((token) => {
    const bar = token.indexOf('|');
    return bar < 0 ? { code: token } : { system: token.slice(0, bar) || undefined, code: token.slice(bar + 1) };
  });
}

/** Inclusive bounds in time; either may be open. */
export interface TimeBounds {
  from?: Date;
  to?: Date;
}

/** The bounds the filters of a date parameter set together (each prefix on the value's own precision). */
export function dateBounds(search: FhirSearch, code: string): TimeBounds {
  const bounds: TimeBounds = {};
  for (const filter of search.filters.get(code) ?? []) {
    const range = dateRangeOf(code, filter.value);
    const from = { eq: range.start, ge: range.start, gt: new Date(range.end.getTime() + 1) }[filter.operator as string];
    const to = { eq: range.end, le: range.end, lt: new Date(range.start.getTime() - 1) }[filter.operator as string];
    if (from !== undefined && (bounds.from === undefined || from > bounds.from)) bounds.from = from;
    if (to !== undefined && (bounds.to === undefined || to < bounds.to)) bounds.to = to;
  }
  return bounds;
}

const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/**
 * The instants a FHIR date or dateTime value covers, by its precision: `2026` is the whole
 * year, `2026-12-02` the whole day (UTC), `2026-12-02T10:00Z` that minute.
 */
export function dateRangeOf(code: string, value: string): { start: Date; end: Date } {
  const match = DATE_VALUE.exec(value);
  const invalid = () =>
    new InvalidInputError(`${code} must be a FHIR date or dateTime (2026, 2026-12, 2026-12-02, 2026-12-02T10:00:00Z)`);
  if (match === null) throw invalid();
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (hour !== undefined && zone === undefined) throw invalid();
  const startText = `${year}-${month ?? '01'}-${day ?? '01'}T${hour ?? '00'}:${minute ?? '00'}:${second ?? '00'}${fraction ?? ''}${zone ?? 'Z'}`;
  const start = new Date(startText);
  const calendar = new Date(`${year}-${month ?? '01'}-${day ?? '01'}T00:00:00Z`);
  if (Number.isNaN(start.getTime()) || calendar.getUTCDate() !== Number(day ?? '01') || Number(month ?? '01') > 12) {
    throw invalid();
  }
  const end = new Date(start);
  if (month === undefined) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (day === undefined) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (hour === undefined) end.setUTCDate(end.getUTCDate() + 1);
  else if (second === undefined) end.setUTCMinutes(end.getUTCMinutes() + 1);
  else if (fraction === undefined) end.setUTCSeconds(end.getUTCSeconds() + 1);
  else end.setUTCMilliseconds(end.getUTCMilliseconds() + 1);
  return { start, end: new Date(end.getTime() - 1) };
}
