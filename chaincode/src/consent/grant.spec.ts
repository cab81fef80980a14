import { canonicalBytes } from '../canonical-json';
import {
  digest,
  emergencyGrantFields,
  grantFields,
  HOSPITAL_B,
  legacy,
  LegacyGrant,
  organisationGrantFields,
  people,
} from '../testing/fixtures';
import { Grant, granteeOf } from './grant';

const stored = (record: object) => canonicalBytes(record);

describe('Grant', () => {
  describe('create', () => {
    it('builds consent grants of any purpose but ETREAT, and emergency grants of ETREAT', () => {
      for (const purposeOfUse of ['TREAT', 'CAREMGT', 'PATRQT', 'HRESCH'] as const) {
        expect(Grant.create(grantFields(1, { purposeOfUse })).purposeOfUse).toBe(purposeOfUse);
      }
      expect(Grant.create(emergencyGrantFields(1)).purposeOfUse).toBe('ETREAT');
    });

    it.each([
      ['a consent grant for ETREAT', grantFields(1, { purposeOfUse: 'ETREAT' }), /purpose of use is ETREAT exactly/],
      ['an emergency grant for TREAT', emergencyGrantFields(1, { purposeOfUse: 'TREAT' }), /ETREAT exactly/],
      ['an unknown purpose', grantFields(1, { purposeOfUse: 'RESEARCH' as never }), /^INVALID_ARGUMENT: purposeOfUse/],
      [
        'an outcome on an unreviewed emergency grant',
        emergencyGrantFields(1, { reviewOutcome: 'appropriate' }),
        /only a reviewed emergency grant has a review outcome/,
      ],
      [
        'an outcome on a consent grant',
        grantFields(1, { reviewOutcome: 'appropriate' }),
        /a consent grant has no justification and no review/,
      ],
      [
        'an unknown outcome',
        emergencyGrantFields(1, { reviewOutcome: 'fine' as never }),
        /^INVALID_ARGUMENT: reviewOutcome/,
      ],
      [
        'a justification that is not a commitment',
        emergencyGrantFields(1, { justificationCommitment: 'unconscious on arrival' }),
        /^INVALID_ARGUMENT: justificationCommitment/,
      ],
    ])('refuses %s', (_label, fields, message) => {
      expect(() => Grant.create(fields)).toThrow(message);
    });

    it.each(['purposeOfUse', 'justificationCommitment', 'reviewOutcome'] as const)(
      'requires %s, even where the previous version had none',
      (field) => {
        const fields: Partial<Grant> = emergencyGrantFields(1);
        delete fields[field];
        expect(() => Grant.create(fields as Grant)).toThrow(new RegExp(`^INVALID_ARGUMENT: ${field}`));
      },
    );

    it.each(['hospital', 'care-team'] as const)('builds a consent grant to a %s: its hospital, no doctor', (kind) => {
      const grant = Grant.create(organisationGrantFields(1, kind));
      expect(grant).toMatchObject({ granteeKind: kind, granteeMspId: HOSPITAL_B, doctorId: null, doctorMspId: null });
      expect(granteeOf(grant)).toEqual({ kind, mspId: HOSPITAL_B });
      expect(granteeOf(Grant.create(grantFields(2)))).toEqual({
        kind: 'doctor',
        doctorId: people.doctorB.uid,
        mspId: HOSPITAL_B,
      });
    });

    it.each([
      ['a grant to a doctor without the doctor', grantFields(1, { doctorId: null }), /names the doctor/],
      ['a grant to a doctor without their hospital', grantFields(1, { doctorMspId: null }), /names the doctor/],
      [
        'a grant to a doctor naming a grantee hospital',
        grantFields(1, { granteeMspId: HOSPITAL_B }),
        /names the doctor/,
      ],
      [
        'a grant to a hospital naming a doctor',
        organisationGrantFields(1, 'hospital', { doctorId: people.doctorB.uid }),
        /names its hospital .* and no doctor/,
      ],
      [
        'a grant to a care team naming a doctor’s hospital',
        organisationGrantFields(1, 'care-team', { doctorMspId: HOSPITAL_B }),
        /names its hospital .* and no doctor/,
      ],
      [
        'a grant to a hospital without the hospital',
        organisationGrantFields(1, 'hospital', { granteeMspId: null }),
        /names its hospital/,
      ],
      [
        'an emergency grant to a hospital',
        emergencyGrantFields(1, {
          granteeKind: 'hospital',
          doctorId: null,
          doctorMspId: null,
          granteeMspId: HOSPITAL_B,
        }),
        /only consent grants go to a hospital or a care team/,
      ],
      ['an unknown grantee kind', grantFields(1, { granteeKind: 'ward' as never }), /^INVALID_ARGUMENT: granteeKind/],
      [
        'a malformed grantee hospital',
        organisationGrantFields(1, 'hospital', { granteeMspId: 'Hospital B' }),
        /^INVALID_ARGUMENT: granteeMspId/,
      ],
    ])('refuses %s (INVALID_ARGUMENT)', (_label, fields, message) => {
      expect(() => Grant.create(fields)).toThrow(message);
      expect(() => Grant.create(fields)).toThrow(/^INVALID_ARGUMENT: /);
    });

    it('requires granteeKind and granteeMspId, even where the previous version had none', () => {
      for (const field of ['granteeKind', 'granteeMspId'] as const) {
        const fields: Partial<Grant> = grantFields(1);
        delete fields[field];
        expect(() => Grant.create(fields as Grant)).toThrow(new RegExp(`^INVALID_ARGUMENT: ${field}`));
      }
    });

    it('takes a reviewed emergency grant with or without an outcome (a review before outcomes had none)', () => {
      const review = { reviewed: true, reviewedBy: people.auditor.uid, reviewedAt: '2026-01-02T00:00:00.000Z' };
      expect(Grant.create(emergencyGrantFields(1, { ...review, reviewOutcome: 'inappropriate' })).reviewOutcome).toBe(
        'inappropriate',
      );
      expect(Grant.create(emergencyGrantFields(1, { ...review, reviewOutcome: null })).reviewOutcome).toBeNull();
    });
  });

  describe('fromState', () => {
    it('reads back what this version stores, unchanged', () => {
      for (const grant of [
        Grant.create(grantFields(1)),
        Grant.create(emergencyGrantFields(2)),
        Grant.create(organisationGrantFields(3, 'hospital')),
        Grant.create(organisationGrantFields(4, 'care-team')),
      ]) {
        expect(Grant.fromState(stored(grant))).toEqual(grant);
      }
    });

    it('reads a grant of the version before grantee kinds as a grant to its doctor, without a grantee hospital', () => {
      const previous = legacy.grantToDoctor(1);
      expect(previous).not.toHaveProperty('granteeKind');
      expect(Grant.fromState(stored(previous))).toEqual({ ...previous, granteeKind: 'doctor', granteeMspId: null });
      const emergency = { ...legacy.grantToDoctor(2), ...emergencyGrantFields(2) } as Record<string, unknown>;
      delete emergency.granteeKind;
      delete emergency.granteeMspId;
      expect(Grant.fromState(stored(emergency))).toMatchObject({ kind: 'emergency', granteeKind: 'doctor' });
    });

    it('keeps a stored grantee kind: a grant to a hospital that names a doctor is corrupt state', () => {
      const inconsistent = { ...legacy.grantToDoctor(1), granteeKind: 'hospital', granteeMspId: HOSPITAL_B };
      expect(() => Grant.fromState(stored(inconsistent))).toThrow(
        /^CORRUPT_STATE: stored grant is invalid .*no doctor/,
      );
    });

    it('reads a consent grant of the version before purposes as TREAT, to its doctor, without justification or outcome', () => {
      const grant = Grant.fromState(stored(legacy.consentGrant(1)));
      expect(grant).toMatchObject({
        kind: 'consent',
        granteeKind: 'doctor',
        doctorId: people.doctorB.uid,
        granteeMspId: null,
        purposeOfUse: 'TREAT',
        justificationCommitment: null,
        reviewOutcome: null,
      });
      expect(grant).not.toHaveProperty('justificationSha256');
    });

    it('reads an emergency grant of the previous version as ETREAT, its justificationSha256 as the commitment', () => {
      const grant = Grant.fromState(stored(legacy.emergencyGrant(1)));
      expect(grant).toMatchObject({
        kind: 'emergency',
        purposeOfUse: 'ETREAT',
        justificationCommitment: digest('legacy justification'),
        reviewed: false,
        reviewOutcome: null,
      });
      expect(grant).not.toHaveProperty('justificationSha256');
    });

    it('reads a reviewed emergency grant of the previous version as reviewed, with no outcome', () => {
      const reviewed = legacy.emergencyGrant(1, {
        reviewed: true,
        reviewedBy: people.auditor.uid,
        reviewedAt: '2026-01-01T06:00:00.000Z',
      });
      expect(Grant.fromState(stored(reviewed))).toMatchObject({ reviewed: true, reviewOutcome: null });
    });

    it('prefers the new names when a record has both, and keeps a stored purpose', () => {
      const both = { ...legacy.emergencyGrant(1), justificationCommitment: digest('new'), purposeOfUse: 'ETREAT' };
      expect(Grant.fromState(stored(both)).justificationCommitment).toBe(digest('new'));
      // A stored purpose is never replaced by the default, so an inconsistent one is corrupt state.
      expect(() => Grant.fromState(stored({ ...legacy.consentGrant(1), purposeOfUse: 'ETREAT' }))).toThrow(
        /^CORRUPT_STATE: stored grant is invalid/,
      );
    });

    it('still refuses a record of the previous version that was never valid (CORRUPT_STATE)', () => {
      const withoutJustification: Partial<LegacyGrant> = legacy.emergencyGrant(1);
      delete withoutJustification.justificationSha256;
      expect(() => Grant.fromState(stored(withoutJustification))).toThrow(/^CORRUPT_STATE: .*justificationCommitment/);
      expect(() => Grant.fromState(stored(legacy.emergencyGrant(1, { justificationSha256: 'text' })))).toThrow(
        /^CORRUPT_STATE: /,
      );
    });
  });
});
