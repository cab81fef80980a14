import { emergencyGrantFields, grantFields, grantId, organisationGrantFields, people } from '../testing/fixtures';
import { Grant } from './grant';
import { activeGrant, grantStateAt, requireActiveGrant, requireNoEmergencyInForce } from './grant-rules';

function consentGrant(n: number, validFrom: string, expiresAt: string, revokedAt: string | null = null): Grant {
  return Grant.create(grantFields(n, { validFrom, expiresAt, status: revokedAt ? 'revoked' : 'active', revokedAt }));
}

describe('grant rules', () => {
  const grant = consentGrant(1, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');

  it.each([
    ['1 ms before validFrom', '2025-12-31T23:59:59.999Z', 'not-yet-valid'],
    ['exactly at validFrom', '2026-01-01T00:00:00.000Z', 'active'],
    ['1 ms before expiresAt', '2026-01-01T23:59:59.999Z', 'active'],
    ['exactly at expiresAt', '2026-01-02T00:00:00.000Z', 'expired'],
    ['after expiresAt', '2026-01-03T00:00:00.000Z', 'expired'],
  ])('a grant %s is %s (active while validFrom <= time < expiresAt)', (_label, time, state) => {
    expect(grantStateAt(grant, time)).toBe(state);
  });

  it('a revoked grant is revoked whatever the time', () => {
    const revoked = consentGrant(1, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-01T06:00:00.000Z');
    expect(grantStateAt(revoked, '2026-01-01T07:00:00.000Z')).toBe('revoked');
    expect(grantStateAt(revoked, '2026-01-05T00:00:00.000Z')).toBe('revoked');
  });

  it('names the grant that stopped counting last: a later expiry beats an earlier revocation', () => {
    const revokedEarly = consentGrant(
      1,
      '2026-01-01T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    );
    const expiredLater = consentGrant(2, '2026-01-01T00:00:00.000Z', '2026-01-03T00:00:00.000Z');
    expect(() => requireActiveGrant([revokedEarly, expiredLater], '2026-01-04T00:00:00.000Z', 'none')).toThrow(
      new RegExp(`^GRANT_EXPIRED: grant ${grantId(2)}`),
    );
    const revokedLate = consentGrant(
      3,
      '2026-01-01T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-03T12:00:00.000Z',
    );
    expect(() => requireActiveGrant([expiredLater, revokedLate], '2026-01-04T00:00:00.000Z', 'none')).toThrow(
      new RegExp(`^GRANT_REVOKED: grant ${grantId(3)}`),
    );
    expect(() => requireActiveGrant([], '2026-01-04T00:00:00.000Z', 'no grant')).toThrow(/^FORBIDDEN: no grant/);
  });

  describe('several active grants: the doctor’s own consent, then a hospital’s or care team’s, then an emergency', () => {
    const at = '2026-01-01T00:30:00.000Z';
    const own = Grant.create(grantFields(3));
    const hospital = Grant.create(organisationGrantFields(2, 'hospital'));
    const careTeam = Grant.create(organisationGrantFields(1, 'care-team'));
    const emergency = Grant.create(emergencyGrantFields(4));

    it.each([
      ['own consent over all', [emergency, careTeam, hospital, own], own],
      ['an organisation over an emergency', [emergency, hospital], hospital],
      ['the first organisation grant on a tie', [careTeam, hospital], careTeam],
      ['an emergency when nothing else', [emergency], emergency],
    ])('%s', (_label, grants, chosen) => {
      expect(activeGrant(grants, at)).toBe(chosen);
    });

    it('refuses over every applicable grant, whatever its grantee: the one that ended last', () => {
      const hospitalRevoked = Grant.create(
        organisationGrantFields(5, 'hospital', { status: 'revoked', revokedAt: '2026-01-01T12:00:00.000Z' }),
      );
      const ownExpired = consentGrant(6, '2026-01-01T00:00:00.000Z', '2026-01-01T06:00:00.000Z');
      expect(() => requireActiveGrant([ownExpired, hospitalRevoked], '2026-01-01T13:00:00.000Z', 'none')).toThrow(
        new RegExp(`^GRANT_REVOKED: grant ${grantId(5)}`),
      );
      expect(() => requireActiveGrant([ownExpired, hospitalRevoked], '2026-01-01T05:00:00.000Z', 'none')).not.toThrow();
    });
  });

  it('refuses to build inconsistent grants', () => {
    expect(() => consentGrant(1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:04:00.000Z')).toThrow(/whole minutes/);
    expect(() => consentGrant(1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:05:30.000Z')).toThrow(/whole minutes/);
    expect(() => consentGrant(1, '2026-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z')).toThrow(/whole minutes/);
    expect(consentGrant(1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:05:00.000Z').expiresAt).toBe(
      '2026-01-01T00:05:00.000Z',
    );
  });

  describe('requireNoEmergencyInForce', () => {
    const emergency = (n: number, overrides: Partial<Grant> = {}) =>
      Grant.create(
        emergencyGrantFields(n, {
          validFrom: '2026-01-01T10:00:00.000Z',
          expiresAt: '2026-01-01T12:00:00.000Z',
          ...overrides,
        }),
      );

    it.each([
      ['active', '2026-01-01T11:00:00.000Z'],
      ['in its last millisecond', '2026-01-01T11:59:59.999Z'],
      ['dated after the time asked about', '2026-01-01T09:59:00.000Z'],
    ])('refuses while an emergency grant of the pair is %s (EMERGENCY_ACTIVE)', (_label, time) => {
      expect(() => requireNoEmergencyInForce([emergency(1)], time)).toThrow(
        new RegExp(`^EMERGENCY_ACTIVE: emergency grant ${grantId(1)} of doctor ${people.doctorB.uid}`),
      );
    });

    it('lets expired and revoked emergency grants and consent grants pass', () => {
      const revoked = emergency(2, { status: 'revoked', revokedAt: '2026-01-01T10:30:00.000Z' });
      const consent = consentGrant(3, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      expect(() => requireNoEmergencyInForce([emergency(1)], '2026-01-01T12:00:00.000Z')).not.toThrow();
      expect(() => requireNoEmergencyInForce([revoked, consent], '2026-01-01T11:00:00.000Z')).not.toThrow();
      expect(() => requireNoEmergencyInForce([], '2026-01-01T11:00:00.000Z')).not.toThrow();
    });
  });
});
