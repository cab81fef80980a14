import { canonicalBytes } from '../canonical-json';
import { assignmentId, HOSPITAL_B, legacy, people } from '../testing/fixtures';
import { Report } from './report';

/** A doctor's report as this version stores it. */
const doctorReport = (overrides: Record<string, unknown> = {}) =>
  ({ ...legacy.report(1), authorRole: 'doctor', ...overrides }) as unknown as Report;

/** A patient's own record as this version stores it. */
const patientReport = (overrides: Record<string, unknown> = {}) =>
  doctorReport({
    authorId: people.patientA.uid,
    authorMspId: people.patientA.mspId,
    authorRole: 'patient',
    writeBasis: 'self',
    writeBasisId: people.patientA.uid,
    ...overrides,
  });

describe('Report', () => {
  it('builds a doctor’s report on care or a grant, and a patient’s own on the basis self', () => {
    expect(Report.create(doctorReport()).authorRole).toBe('doctor');
    expect(Report.create(doctorReport({ writeBasis: 'grant', authorMspId: HOSPITAL_B })).writeBasis).toBe('grant');
    expect(Report.create(patientReport())).toMatchObject({ authorRole: 'patient', writeBasis: 'self' });
  });

  it.each([
    ['a patient’s record on a care assignment', patientReport({ writeBasis: 'care', writeBasisId: assignmentId(1) })],
    ['a patient’s record for another patient', patientReport({ authorId: people.otherPatientA.uid })],
    ['a patient’s record naming someone else as its basis', patientReport({ writeBasisId: people.otherPatientA.uid })],
    ['a patient’s record from another hospital', patientReport({ authorMspId: HOSPITAL_B })],
    ['a doctor’s report on the basis self', doctorReport({ writeBasis: 'self' })],
    ['a doctor’s report whose author is the patient', doctorReport({ authorId: people.patientA.uid })],
    ['an unknown author role', doctorReport({ authorRole: 'nurse' })],
  ])('refuses %s (INVALID_ARGUMENT)', (_label, fields) => {
    expect(() => Report.create(fields)).toThrow(/^INVALID_ARGUMENT: /);
  });

  it('requires an author role', () => {
    expect(() => Report.create(legacy.report(1) as unknown as Report)).toThrow(/^INVALID_ARGUMENT: authorRole/);
  });

  it('reads back what this version stores, and a report of the previous version as a doctor’s', () => {
    for (const report of [Report.create(doctorReport()), Report.create(patientReport())]) {
      expect(Report.fromState(canonicalBytes(report))).toEqual(report);
    }
    expect(Report.fromState(canonicalBytes(legacy.report(1)))).toEqual({ ...legacy.report(1), authorRole: 'doctor' });
  });
});
