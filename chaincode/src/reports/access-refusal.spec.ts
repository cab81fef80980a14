import { canonicalBytes } from '../canonical-json';
import { grantId, people, reportId } from '../testing/fixtures';
import { AccessRefusal } from './access-refusal';

const TX = 'c'.repeat(64);

/** A refusal's fields as this version stores them: doctorB refused report 1 of patientA; override any. */
const refusalFields = (overrides: Record<string, unknown> = {}) =>
  ({
    txId: TX,
    reportId: reportId(1),
    patientId: people.patientA.uid,
    readerId: people.doctorB.uid,
    readerMspId: people.doctorB.mspId,
    readerRole: 'doctor',
    code: 'FORBIDDEN',
    grantId: null,
    purposeOfUse: null,
    at: '2026-01-01T12:00:00.000Z',
    ...overrides,
  }) as unknown as AccessRefusal;

describe('AccessRefusal', () => {
  it.each([
    ['FORBIDDEN', null, null],
    ['GRANT_EXPIRED', grantId(1), 'TREAT'],
    ['GRANT_REVOKED', grantId(1), 'ETREAT'],
  ])('records a refusal %s, with the ended grant %p for %p', (code, grant, purpose) => {
    expect(AccessRefusal.create(refusalFields({ code, grantId: grant, purposeOfUse: purpose }))).toMatchObject({
      code,
      grantId: grant,
      purposeOfUse: purpose,
    });
  });

  it.each([
    ['a patient', 'patient'],
    ['an auditor', 'auditor'],
    ['an admin', 'admin'],
  ])('records %s refused FORBIDDEN', (_label, readerRole) => {
    expect(AccessRefusal.create(refusalFields({ readerRole })).readerRole).toBe(readerRole);
  });

  it.each([
    ['an unknown code', { code: 'NOT_FOUND' }],
    ['a code in lower case', { code: 'forbidden' }],
    ['a FORBIDDEN naming a grant', { grantId: grantId(1), purposeOfUse: 'TREAT' }],
    ['an ended grant without its ID', { code: 'GRANT_EXPIRED', purposeOfUse: 'TREAT' }],
    ['an ended grant without its purpose', { code: 'GRANT_REVOKED', grantId: grantId(1) }],
    ['an unknown purpose', { code: 'GRANT_EXPIRED', grantId: grantId(1), purposeOfUse: 'BILLING' }],
    [
      'a patient refused for an ended grant',
      { readerRole: 'patient', code: 'GRANT_EXPIRED', grantId: grantId(1), purposeOfUse: 'TREAT' },
    ],
    [
      'an admin refused for an ended grant',
      { readerRole: 'admin', code: 'GRANT_REVOKED', grantId: grantId(1), purposeOfUse: 'TREAT' },
    ],
    ['an unknown reader role', { readerRole: 'service' }],
    ['a malformed transaction ID', { txId: 'tx-1' }],
    ['a reader that is no UUID', { readerId: 'doctor-b' }],
    ['a time that is not ISO 8601 UTC', { at: '2026-01-01 12:00' }],
  ])('refuses %s (INVALID_ARGUMENT)', (_label, overrides) => {
    expect(() => AccessRefusal.create(refusalFields(overrides))).toThrow(/^INVALID_ARGUMENT: /);
  });

  it('reads back what it stores, unchanged', () => {
    const refusal = AccessRefusal.create(
      refusalFields({ code: 'GRANT_EXPIRED', grantId: grantId(2), purposeOfUse: 'CAREMGT' }),
    );
    expect(AccessRefusal.fromState(canonicalBytes(refusal))).toEqual(refusal);
  });

  it('refuses a stored refusal that is invalid or not JSON (CORRUPT_STATE)', () => {
    expect(() => AccessRefusal.fromState(canonicalBytes(refusalFields({ grantId: grantId(1) })))).toThrow(
      /^CORRUPT_STATE: stored access refusal is invalid \(INVALID_ARGUMENT: /,
    );
    expect(() => AccessRefusal.fromState(Buffer.from('not json'))).toThrow(/^CORRUPT_STATE: /);
  });
});
