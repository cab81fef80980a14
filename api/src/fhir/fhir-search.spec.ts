import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../common/domain-error.js';
import { UnsupportedSearchError } from './fhir.errors.js';
import { dateBounds, dateRangeOf, parseFhirSearch, referencedId, tokenValues } from './fhir-search.js';

const PATIENT = '4f7c2c1e-3b7e-4d0e-9a51-2f0d5c3a9b11';

describe('parseFhirSearch', () => {
  it('reads the supported parameters, the page size and the cursor', () => {
    const search = parseFhirSearch('DocumentReference', {
      patient: `Patient/${PATIENT}`,
      type: 'http://loinc.org|11502-2',
      _count: '20',
      _cursor: 'abc_DEF-1',
    });

    expect(referencedId(search, 'patient', ['Patient'])).toBe(PATIENT);
    expect(tokenValues(search, 'type')).toEqual([{ system: 'http://loinc.org', code: '11502-2' }]);
    expect(search.count).toBe(20);
    expect(search.cursor).toBe('abc_DEF-1');
  });

  it('pages by 50 when no _count is given', () => {
    expect(parseFhirSearch('Consent', {}).count).toBe(50);
  });

  it.each([
    ['an unknown parameter', 'AuditEvent', { subtype: 'read' }],
    ['a parameter of another resource type', 'Consent', { type: 'lab' }],
    ['a modifier the parameter does not take', 'DocumentReference', { 'patient:missing': 'true' }],
    ['a modifier of a string the facade does not take', 'Patient', { 'name:text': 'ada' }],
    ['a chained parameter', 'DocumentReference', { 'patient.name': 'ada' }],
    ['a date prefix the facade does not take', 'AuditEvent', { date: 'sa2026-01-01' }],
    ['a result parameter it does not support', 'AuditEvent', { _sort: '-date' }],
  ] as const)('refuses %s, never ignores it', (_case, type, query) => {
    expect(() => parseFhirSearch(type, query)).toThrow(UnsupportedSearchError);
  });

  it.each(['0', '101', '1.5', 'ten', '-3'])('refuses _count=%s', (count) => {
    expect(() => parseFhirSearch('Consent', { _count: count })).toThrow(InvalidInputError);
  });

  it('refuses an empty value, a repeated _count and a cursor this server cannot have issued', () => {
    expect(() => parseFhirSearch('Consent', { status: '' })).toThrow(InvalidInputError);
    expect(() => parseFhirSearch('Consent', { _count: ['1', '2'] })).toThrow(InvalidInputError);
    expect(() => parseFhirSearch('Consent', { _cursor: 'a b' })).toThrow(InvalidInputError);
  });
});

describe('referencedId', () => {
  it('takes Type/{id} of an allowed type or the id alone, in lower case', () => {
    const search = (value: string) => parseFhirSearch('AuditEvent', { agent: value });

    expect(referencedId(search(`Practitioner/${PATIENT.toUpperCase()}`), 'agent', ['Practitioner', 'Patient'])).toBe(
      PATIENT,
    );
    expect(referencedId(search(PATIENT), 'agent', ['Practitioner'])).toBe(PATIENT);
    expect(referencedId(parseFhirSearch('AuditEvent', {}), 'agent', ['Practitioner'])).toBeUndefined();
  });

  it.each([`Organization/${PATIENT}`, 'Practitioner/42', `x/Practitioner/${PATIENT}`, 'not-an-id'])(
    'refuses %s',
    (value) => {
      expect(() => referencedId(parseFhirSearch('AuditEvent', { agent: value }), 'agent', ['Practitioner'])).toThrow(
        InvalidInputError,
      );
    },
  );

  it('refuses a reference parameter given twice', () => {
    const search = parseFhirSearch('AuditEvent', { patient: [PATIENT, PATIENT.replace('4f7c', '5f7c')] });
    expect(() => referencedId(search, 'patient', ['Patient'])).toThrow(InvalidInputError);
  });
});

describe('dates', () => {
  it('reads a value as the range its precision covers', () => {
    expect(dateRangeOf('date', '2026')).toEqual({
      start: new Date('2026-01-01T00:00:00.000Z'),
      end: new Date('2026-12-31T23:59:59.999Z'),
    });
    expect(dateRangeOf('date', '2024-02')).toEqual({
      start: new Date('2024-02-01T00:00:00.000Z'),
      end: new Date('2024-02-29T23:59:59.999Z'),
    });
    expect(dateRangeOf('date', '2026-12-02')).toEqual({
      start: new Date('2026-12-02T00:00:00.000Z'),
      end: new Date('2026-12-02T23:59:59.999Z'),
    });
    expect(dateRangeOf('date', '2026-12-02T10:30+01:00')).toEqual({
      start: new Date('2026-12-02T09:30:00.000Z'),
      end: new Date('2026-12-02T09:30:59.999Z'),
    });
    expect(dateRangeOf('date', '2026-12-02T10:30:15.250Z')).toEqual({
      start: new Date('2026-12-02T10:30:15.250Z'),
      end: new Date('2026-12-02T10:30:15.250Z'),
    });
  });

  it.each(['2026-13', '2026-02-30', '2026-12-02T10:30', '12/02/2026', '2026-1-2'])('refuses %s', (value) => {
    expect(() => dateRangeOf('date', value)).toThrow(InvalidInputError);
  });

  it('turns prefixes into inclusive bounds, the narrowest of several', () => {
    const bounds = (values: string[]) => dateBounds(parseFhirSearch('AuditEvent', { date: values }), 'date');

    expect(bounds(['ge2026-12-01', 'lt2026-12-03'])).toEqual({
      from: new Date('2026-12-01T00:00:00.000Z'),
      to: new Date('2026-12-02T23:59:59.999Z'),
    });
    expect(bounds(['gt2026-12-01', 'le2026-12'])).toEqual({
      from: new Date('2026-12-02T00:00:00.000Z'),
      to: new Date('2026-12-31T23:59:59.999Z'),
    });
    expect(bounds(['2026-12-02', 'ge2026-12-02T12:00:00Z'])).toEqual({
      from: new Date('2026-12-02T12:00:00.000Z'),
      to: new Date('2026-12-02T23:59:59.999Z'),
    });
    expect(bounds([])).toEqual({});
  });
});
