import { canonicalBytes } from '../canonical-json';
import { people, reportId } from '../testing/fixtures';
import { ReportVoid } from './report-void';

/** A void mark as this version stores it: voided by doctorA, then by patientB. */
const markFields = (overrides: Record<string, unknown> = {}) =>
  ({
    reportId: reportId(1),
    voidedBy: people.doctorA.uid,
    voidedByMspId: people.doctorA.mspId,
    voidedAt: '2026-01-01T00:00:00.000Z',
    alsoVoidedBy: [people.patientB.uid],
    txId: 'e'.repeat(64),
    ...overrides,
  }) as unknown as ReportVoid;

describe('ReportVoid', () => {
  it('names its voiders: the first, then those after, each blocked by it', () => {
    const mark = ReportVoid.create(markFields());
    expect(mark).toMatchObject({ voided: true, voidedBy: people.doctorA.uid, alsoVoidedBy: [people.patientB.uid] });
    expect(ReportVoid.isVoidedBy(mark, people.doctorA.uid)).toBe(true);
    expect(ReportVoid.isVoidedBy(mark, people.patientB.uid)).toBe(true);
    expect(ReportVoid.isVoidedBy(mark, people.otherDoctorA.uid)).toBe(false);
  });

  it.each([
    ['a voider twice', [people.patientB.uid, people.patientB.uid]],
    ['the first voider again', [people.doctorA.uid]],
    ['a malformed uid', ['patient-b']],
    ['no list', null],
  ])('refuses later voiders naming %s (INVALID_ARGUMENT)', (_label, alsoVoidedBy) => {
    expect(() => ReportVoid.create(markFields({ alsoVoidedBy }))).toThrow(/^INVALID_ARGUMENT: alsoVoidedBy/);
  });

  it('reads back what this version stores, and a mark of the previous version with no later voiders', () => {
    const mark = ReportVoid.create(markFields());
    expect(ReportVoid.fromState(canonicalBytes(mark))).toEqual(mark);
    const previous: Record<string, unknown> = { ...markFields(), voided: true };
    delete previous.alsoVoidedBy;
    expect(ReportVoid.fromState(canonicalBytes(previous))).toEqual(ReportVoid.create(markFields({ alsoVoidedBy: [] })));
    expect(() => ReportVoid.fromState(canonicalBytes({ ...previous, alsoVoidedBy: 'x' }))).toThrow(
      /^CORRUPT_STATE: stored report void is invalid/,
    );
  });
});
