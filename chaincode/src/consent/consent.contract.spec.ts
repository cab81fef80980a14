import {
  assignmentId,
  commitment,
  contracts,
  days,
  digest,
  grantId,
  HOSPITAL_A,
  HOSPITAL_B,
  legacy,
  people,
  type Person,
  reportArguments,
  reportId,
  requestId,
  Scenario,
} from '../testing/fixtures';

const { consent, care, reports } = contracts;
const REASON = commitment('reason text kept off-chain');
const JUSTIFICATION = commitment('unconscious on arrival');

describe('ConsentContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
  });

  const request = (
    doctor = people.doctorB,
    scope: string[] | null = [reportId(1)],
    days = '30',
    n = 1,
    purposeOfUse = 'TREAT',
  ) =>
    scenario.submit(doctor, (ctx) =>
      consent.RequestAccess(ctx, requestId(n), people.patientA.uid, JSON.stringify(scope), days, purposeOfUse, REASON),
    );

  const declare = (hours: string, n = 1, at?: string, doctor = people.doctorB, patient = people.patientA) =>
    scenario.submit(doctor, (ctx) => consent.DeclareEmergency(ctx, grantId(n), patient.uid, JUSTIFICATION, hours), at);
  const revokeAs = (patient: Person, n: number) =>
    scenario.submit(patient, (ctx) => consent.RevokeGrant(ctx, grantId(n)));
  const review = (outcome: string, n = 1, who = people.auditor) =>
    scenario.submit(who, (ctx) => consent.ReviewEmergency(ctx, grantId(n), outcome));

  describe('access requests', () => {
    it('a doctor of any hospital requests access for a purpose; pending, with the reason’s commitment only', async () => {
      const pending = JSON.parse(await request());
      expect(pending).toEqual({
        requestId: requestId(1),
        patientId: people.patientA.uid,
        patientMspId: HOSPITAL_A,
        doctorId: people.doctorB.uid,
        doctorMspId: HOSPITAL_B,
        reportIds: [reportId(1)],
        durationDays: 30,
        purposeOfUse: 'TREAT',
        reasonCommitment: REASON,
        status: 'pending',
        requestedAt: scenario.ledger.now,
        decidedAt: null,
        grantId: null,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'AccessRequested',
        payload: {
          ...scenario.envelope(people.doctorB, { request: pending }),
          requestId: requestId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          purposeOfUse: 'TREAT',
        },
      });
    });

    it.each(['CAREMGT', 'PATRQT', 'HRESCH'])('a doctor may ask for the purpose %s', async (purpose) => {
      await expect(request(people.doctorB, null, '7', 1, purpose)).resolves.toContain(`"purposeOfUse":"${purpose}"`);
    });

    it.each([
      ['ETREAT, which only a declared emergency carries', 'ETREAT'],
      ['a code in lower case', 'treat'],
      ['an unknown code', 'TREATMENT'],
      ['nothing', ''],
    ])('refuses a request for %s (INVALID_ARGUMENT), recording nothing', async (_label, purpose) => {
      await expect(request(people.doctorB, null, '7', 1, purpose)).rejects.toThrow(/^INVALID_ARGUMENT: purposeOfUse/);
      expect(scenario.ledger.keys('request')).toEqual([]);
    });

    it('refuses non-doctors, duplicates, reports of another patient, and malformed arguments', async () => {
      await expect(request(people.patientA)).rejects.toThrow(/^FORBIDDEN: only doctor/);
      await expect(request(people.auditor)).rejects.toThrow(/^FORBIDDEN: /);
      await request();
      await expect(request()).rejects.toThrow(/^CONFLICT: /);
      await expect(request(people.doctorB, [reportId(9)], '30', 2)).rejects.toThrow(/^REPORT_NOT_OF_PATIENT: report/);
      await expect(request(people.doctorB, null, '0', 2)).rejects.toThrow(/^INVALID_ARGUMENT: durationDays/);
      await expect(request(people.doctorB, null, '366', 2)).rejects.toThrow(/^INVALID_ARGUMENT: durationDays/);
      await expect(
        scenario.submit(people.doctorB, (ctx) =>
          consent.RequestAccess(ctx, requestId(2), people.patientA.uid, 'null', '30', 'TREAT', 'because I need it'),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: reasonCommitment/);
    });

    it('the patient approves: a consent grant from now with the chosen scope and duration, for the request’s purpose', async () => {
      await request(people.doctorB, [reportId(1)], '30', 1, 'CAREMGT');
      const answer = JSON.parse(
        await scenario.submit(
          people.patientA,
          (ctx) => consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(10)), 'doctor'),
          '2026-07-01T00:00:00.000Z',
        ),
      );
      expect(answer.request).toMatchObject({
        status: 'approved',
        grantId: grantId(1),
        decidedAt: '2026-07-01T00:00:00.000Z',
      });
      expect(answer.grant).toEqual({
        grantId: grantId(1),
        kind: 'consent',
        patientId: people.patientA.uid,
        patientMspId: HOSPITAL_A,
        granteeKind: 'doctor',
        doctorId: people.doctorB.uid,
        doctorMspId: HOSPITAL_B,
        granteeMspId: null,
        reportIds: null,
        purposeOfUse: 'CAREMGT',
        validFrom: '2026-07-01T00:00:00.000Z',
        expiresAt: '2026-07-11T00:00:00.000Z',
        status: 'active',
        revokedAt: null,
        requestId: requestId(1),
        justificationCommitment: null,
        reviewed: null,
        reviewOutcome: null,
        reviewedBy: null,
        reviewedAt: null,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'RequestApproved',
        payload: {
          ...scenario.envelope(people.patientA, { request: answer.request, grant: answer.grant }),
          requestId: requestId(1),
          requesterId: people.doctorB.uid,
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          granteeKind: 'doctor',
          granteeMspId: null,
          kind: 'consent',
          purposeOfUse: 'CAREMGT',
          validFrom: '2026-07-01T00:00:00.000Z',
          expiresAt: '2026-07-11T00:00:00.000Z',
        },
      });
      await expect(scenario.access(people.doctorB, reportId(2))).resolves.toMatchObject({
        basis: 'grant',
        purposeOfUse: 'CAREMGT',
      });
    });

    it('the patient approves for the requesting doctor’s whole hospital: every doctor of it opens, doctorId null', async () => {
      await request(people.doctorB, [reportId(1)], '30', 1, 'CAREMGT');
      const answer = JSON.parse(
        await scenario.submit(
          people.patientA,
          (ctx) =>
            consent.ApproveRequest(ctx, requestId(1), grantId(1), JSON.stringify([reportId(1)]), '60', 'hospital'),
          '2026-07-01T00:00:00.000Z',
        ),
      );
      expect(answer.grant).toMatchObject({
        granteeKind: 'hospital',
        doctorId: null,
        doctorMspId: null,
        granteeMspId: HOSPITAL_B,
        purposeOfUse: 'CAREMGT',
        requestId: requestId(1),
        expiresAt: '2026-07-01T01:00:00.000Z',
      });
      expect(answer.request).toMatchObject({ status: 'approved', grantId: grantId(1), doctorId: people.doctorB.uid });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'RequestApproved',
        payload: {
          ...scenario.envelope(people.patientA, { request: answer.request, grant: answer.grant }),
          requestId: requestId(1),
          requesterId: people.doctorB.uid,
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: null,
          granteeKind: 'hospital',
          granteeMspId: HOSPITAL_B,
          kind: 'consent',
          purposeOfUse: 'CAREMGT',
          validFrom: '2026-07-01T00:00:00.000Z',
          expiresAt: '2026-07-01T01:00:00.000Z',
        },
      });
      for (const doctor of [people.doctorB, people.otherDoctorB]) {
        await expect(scenario.access(doctor, reportId(1))).resolves.toMatchObject({
          grantId: grantId(1),
          granteeKind: 'hospital',
          purposeOfUse: 'CAREMGT',
        });
      }
      await expect(scenario.access(people.otherDoctorA, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('the patient approves for the care team at the requesting doctor’s hospital: its members only', async () => {
      await request(people.doctorB, null, '30', 1);
      const answer = JSON.parse(
        await scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(2)), 'care-team'),
        ),
      );
      expect(answer.grant).toMatchObject({ granteeKind: 'care-team', granteeMspId: HOSPITAL_B, doctorId: null });
      // The requester is not let in by having asked: only by being in the team.
      await expect(scenario.access(people.doctorB, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.otherDoctorB);
      await expect(scenario.access(people.otherDoctorB, reportId(1))).resolves.toMatchObject({
        granteeKind: 'care-team',
        grantId: grantId(1),
      });
    });

    it.each([
      ['an unknown grantee kind', 'ward'],
      ['no grantee kind', ''],
    ])('refuses approving with %s (INVALID_ARGUMENT), leaving the request pending', async (_label, kind) => {
      await request();
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1)), kind),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: granteeKind/);
      expect(scenario.ledger.keys('grant')).toEqual([]);
      await expect(
        scenario.query(people.patientA, (ctx) => consent.GetRequest(ctx, requestId(1))),
      ).resolves.toMatchObject({ status: 'pending' });
    });

    it('only the patient addressed decides, once; a decided request cannot be cancelled', async () => {
      await request();
      await expect(
        scenario.submit(people.otherPatientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1)), 'doctor'),
        ),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(scenario.submit(people.doctorB, (ctx) => consent.DenyRequest(ctx, requestId(1)))).rejects.toThrow(
        /^FORBIDDEN: only patient/,
      );
      const denied = JSON.parse(
        await scenario.submit(people.patientA, (ctx) => consent.DenyRequest(ctx, requestId(1))),
      );
      expect(denied).toMatchObject({ status: 'denied', grantId: null });
      expect(scenario.ledger.events.at(-1)?.name).toBe('RequestDenied');
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1)), 'doctor'),
        ),
      ).rejects.toThrow(/^CONFLICT: .*already denied/);
      await expect(scenario.submit(people.doctorB, (ctx) => consent.CancelRequest(ctx, requestId(1)))).rejects.toThrow(
        /^CONFLICT: /,
      );
    });

    it('only the requesting doctor cancels, while pending', async () => {
      await request();
      await expect(scenario.submit(people.doctorA, (ctx) => consent.CancelRequest(ctx, requestId(1)))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
      const cancelled = JSON.parse(
        await scenario.submit(people.doctorB, (ctx) => consent.CancelRequest(ctx, requestId(1))),
      );
      expect(cancelled.status).toBe('cancelled');
      expect(scenario.ledger.events.at(-1)?.name).toBe('RequestCancelled');
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1)), 'doctor'),
        ),
      ).rejects.toThrow(/^CONFLICT: .*already cancelled/);
    });

    it('refuses approving with a grant ID already used (CONFLICT), leaving the request pending', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1));
      await request();
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1)), 'doctor'),
        ),
      ).rejects.toThrow(/^CONFLICT: grant/);
      await expect(
        scenario.query(people.patientA, (ctx) => consent.GetRequest(ctx, requestId(1))),
      ).resolves.toMatchObject({
        status: 'pending',
      });
    });
  });

  describe('grants', () => {
    it('a patient grants directly for whole minutes, from 5 minutes to 365 days', async () => {
      const grant = await scenario.grant(
        people.patientA,
        grantId(1),
        people.doctorB,
        [reportId(2), reportId(1)],
        days(365),
        '2026-01-10T00:00:00.000Z',
      );
      expect(grant).toMatchObject({
        reportIds: [reportId(1), reportId(2)],
        purposeOfUse: 'TREAT',
        expiresAt: '2027-01-10T00:00:00.000Z',
        requestId: null,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'AccessGranted',
        payload: {
          ...scenario.envelope(people.patientA, { grant }),
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          granteeKind: 'doctor',
          granteeMspId: null,
          kind: 'consent',
          purposeOfUse: 'TREAT',
          validFrom: '2026-01-10T00:00:00.000Z',
          expiresAt: '2027-01-10T00:00:00.000Z',
        },
      });
      const consultation = await scenario.grant(
        people.patientA,
        grantId(3),
        people.doctorB,
        null,
        5,
        '2026-01-10T09:00:00.000Z',
      );
      expect(consultation).toMatchObject({
        validFrom: '2026-01-10T09:00:00.000Z',
        expiresAt: '2026-01-10T09:05:00.000Z',
      });
      await expect(scenario.grant(people.patientA, grantId(2), people.doctorB, null, 4)).rejects.toThrow(
        /^INVALID_ARGUMENT: durationMinutes/,
      );
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.GrantAccess(ctx, grantId(2), people.doctorB.uid, 'null', '5.5', 'TREAT'),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: durationMinutes/);
      await expect(scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(366))).rejects.toThrow(
        /^INVALID_ARGUMENT/,
      );
      await expect(scenario.grant(people.patientA, grantId(1), people.doctorA, null, days(3))).rejects.toThrow(
        /^CONFLICT: /,
      );
    });

    it('a patient grants for research (HRESCH); the receipts of openings under the grant say so', async () => {
      const grant = await scenario.grant(
        people.patientA,
        grantId(1),
        people.doctorB,
        null,
        days(30),
        undefined,
        'HRESCH',
      );
      expect(grant).toMatchObject({ kind: 'consent', purposeOfUse: 'HRESCH' });
      await expect(scenario.access(people.doctorB, reportId(1))).resolves.toMatchObject({
        basis: 'grant',
        grantId: grantId(1),
        purposeOfUse: 'HRESCH',
      });
    });

    it.each([
      ['ETREAT, which only a declared emergency carries', 'ETREAT'],
      ['an unknown code', 'RESEARCH'],
    ])('refuses a consent grant for %s (INVALID_ARGUMENT), recording nothing', async (_label, purpose) => {
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.GrantAccess(ctx, grantId(1), people.doctorB.uid, 'null', String(days(1)), purpose),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: purposeOfUse/);
      expect(scenario.ledger.keys('grant')).toEqual([]);
    });

    it('refuses grants by non-patients, to non-doctors, and over another patient’s reports', async () => {
      await expect(scenario.grant(people.doctorA, grantId(1), people.doctorB, null, days(1))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
      await expect(scenario.grant(people.patientA, grantId(1), people.auditor, null, days(1))).rejects.toThrow(
        /^NOT_FOUND: doctor/,
      );
      await expect(
        scenario.grant(people.otherPatientA, grantId(1), people.doctorB, [reportId(1)], days(1)),
      ).rejects.toThrow(/^REPORT_NOT_OF_PATIENT: report/);
    });

    it('only the grant’s patient revokes, once, and not after expiry', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-02-01T00:00:00.000Z');
      await expect(
        scenario.submit(people.otherPatientA, (ctx) => consent.RevokeGrant(ctx, grantId(1))),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(scenario.submit(people.doctorB, (ctx) => consent.RevokeGrant(ctx, grantId(1)))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
      const revoked = JSON.parse(
        await scenario.submit(
          people.patientA,
          (ctx) => consent.RevokeGrant(ctx, grantId(1)),
          '2026-02-01T12:00:00.000Z',
        ),
      );
      expect(revoked).toMatchObject({ status: 'revoked', revokedAt: '2026-02-01T12:00:00.000Z' });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'GrantRevoked',
        payload: {
          ...scenario.envelope(people.patientA, { grant: revoked }),
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          granteeKind: 'doctor',
          granteeMspId: null,
          kind: 'consent',
          purposeOfUse: 'TREAT',
          validFrom: '2026-02-01T00:00:00.000Z',
          expiresAt: '2026-02-02T00:00:00.000Z',
        },
      });
      await expect(scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1)))).rejects.toThrow(
        /^CONFLICT: .*already revoked/,
      );
      await scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(1), '2026-03-01T00:00:00.000Z');
      await expect(
        scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(2)), '2026-03-02T00:00:00.000Z'),
      ).rejects.toThrow(/^CONFLICT: .*already expired/);
    });

    it('GetGrant shows the effective status at the query’s time, to its parties and their hospitals’ auditors only', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-02-01T00:00:00.000Z');
      const at = (time: string) =>
        scenario.query<{ effectiveStatus: string }>(people.doctorB, (ctx) => consent.GetGrant(ctx, grantId(1)), time);
      expect((await at('2026-02-01T23:59:59.999Z')).effectiveStatus).toBe('active');
      expect((await at('2026-02-02T00:00:00.000Z')).effectiveStatus).toBe('expired');
      await expect(scenario.query(people.auditor, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject({
        grantId: grantId(1),
      });
      for (const who of [people.doctorA, people.adminA, people.otherPatientA]) {
        await expect(scenario.query(who, (ctx) => consent.GetGrant(ctx, grantId(1)))).rejects.toThrow(/^NOT_FOUND: /);
      }
    });
  });

  describe('emergency access', () => {
    it('a doctor declares an emergency: all reports, at most 24 h, ETREAT, unreviewed, with the justification’s commitment', async () => {
      const grant = JSON.parse(await declare('24', 1, '2026-08-01T10:00:00.000Z'));
      expect(grant).toMatchObject({
        kind: 'emergency',
        reportIds: null,
        purposeOfUse: 'ETREAT',
        validFrom: '2026-08-01T10:00:00.000Z',
        expiresAt: '2026-08-02T10:00:00.000Z',
        justificationCommitment: JUSTIFICATION,
        reviewed: false,
        reviewOutcome: null,
        reviewedBy: null,
      });
      expect(grant).not.toHaveProperty('justificationSha256');
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'EmergencyDeclared',
        payload: {
          ...scenario.envelope(people.doctorB, { grant }),
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          granteeKind: 'doctor',
          granteeMspId: null,
          kind: 'emergency',
          purposeOfUse: 'ETREAT',
          validFrom: '2026-08-01T10:00:00.000Z',
          expiresAt: '2026-08-02T10:00:00.000Z',
        },
      });
      await expect(scenario.access(people.doctorB, reportId(1), '2026-08-02T09:59:59.999Z')).resolves.toMatchObject({
        basis: 'emergency',
        purposeOfUse: 'ETREAT',
      });
      await expect(scenario.access(people.doctorB, reportId(1), '2026-08-02T10:00:00.000Z')).rejects.toThrow(
        /^GRANT_EXPIRED: /,
      );
    });

    it.each(['0', '25', '1.5', ''])('refuses %p hours (INVALID_ARGUMENT)', async (hours) => {
      await expect(declare(hours)).rejects.toThrow(/^INVALID_ARGUMENT: hours/);
    });

    it('refuses a justification that is not a commitment (INVALID_ARGUMENT)', async () => {
      await expect(
        scenario.submit(people.doctorB, (ctx) =>
          consent.DeclareEmergency(ctx, grantId(1), people.patientA.uid, 'unconscious on arrival', '1'),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: justificationCommitment/);
    });

    it('refuses non-doctors (FORBIDDEN)', async () => {
      await expect(
        scenario.submit(people.patientB, (ctx) =>
          consent.DeclareEmergency(ctx, grantId(1), people.patientA.uid, commitment('x'), '1'),
        ),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    describe('one emergency grant per doctor and patient at a time', () => {
      it('refuses a second declaration while the first is active (EMERGENCY_ACTIVE), up to its last millisecond', async () => {
        await declare('2', 1, '2026-08-01T10:00:00.000Z');
        await expect(declare('1', 2, '2026-08-01T10:30:00.000Z')).rejects.toThrow(
          new RegExp(`^EMERGENCY_ACTIVE: emergency grant ${grantId(1)} .* until 2026-08-01T12:00:00.000Z`),
        );
        await expect(declare('1', 2, '2026-08-01T11:59:59.999Z')).rejects.toThrow(/^EMERGENCY_ACTIVE: /);
        expect(scenario.ledger.keys('grant')).toEqual([scenario.ledger.compositeKey('grant', [grantId(1)])]);
        expect(scenario.ledger.events.at(-1)?.name).toBe('EmergencyDeclared');
      });

      it('counts one dated after the new declaration’s time as in force too (EMERGENCY_ACTIVE)', async () => {
        await declare('2', 1, '2026-08-01T10:10:00.000Z');
        await expect(declare('1', 2, '2026-08-01T10:00:00.000Z')).rejects.toThrow(/^EMERGENCY_ACTIVE: /);
      });

      it('allows a second declaration from the moment the first expired', async () => {
        await declare('2', 1, '2026-08-01T10:00:00.000Z');
        const second = JSON.parse(await declare('1', 2, '2026-08-01T12:00:00.000Z'));
        expect(second).toMatchObject({ grantId: grantId(2), kind: 'emergency', purposeOfUse: 'ETREAT' });
        await expect(scenario.access(people.doctorB, reportId(1), '2026-08-01T12:30:00.000Z')).resolves.toMatchObject({
          basis: 'emergency',
          grantId: grantId(2),
        });
      });

      it('allows a second declaration once the patient revoked the first', async () => {
        await declare('24', 1, '2026-08-01T10:00:00.000Z');
        await scenario.submit(
          people.patientA,
          (ctx) => consent.RevokeGrant(ctx, grantId(1)),
          '2026-08-01T10:05:00.000Z',
        );
        expect(scenario.ledger.events.at(-1)).toMatchObject({
          name: 'GrantRevoked',
          payload: { grantId: grantId(1), kind: 'emergency', purposeOfUse: 'ETREAT' },
        });
        await expect(declare('1', 2, '2026-08-01T10:06:00.000Z')).resolves.toContain(`"grantId":"${grantId(2)}"`);
      });

      it('is per pair: another doctor, another patient and a consent grant of the pair do not block', async () => {
        await scenario.grant(people.patientA, grantId(9), people.doctorB, null, days(30), '2026-08-01T09:00:00.000Z');
        await declare('2', 1, '2026-08-01T10:00:00.000Z');
        await expect(declare('2', 2, '2026-08-01T10:01:00.000Z', people.otherDoctorA)).resolves.toBeTruthy();
        await expect(
          declare('2', 3, '2026-08-01T10:02:00.000Z', people.doctorB, people.otherPatientA),
        ).resolves.toBeTruthy();
        await expect(declare('2', 4, '2026-08-01T10:03:00.000Z')).rejects.toThrow(/^EMERGENCY_ACTIVE: /);
      });
    });

    it('only an auditor reviews, once, and only emergency grants; the outcome is stored, the note is not', async () => {
      await declare('2');
      await expect(review('appropriate', 1, people.patientA)).rejects.toThrow(/^FORBIDDEN: only auditor/);
      const reviewed = JSON.parse(await review('inappropriate'));
      expect(reviewed).toMatchObject({
        reviewed: true,
        reviewOutcome: 'inappropriate',
        reviewedBy: people.auditor.uid,
        reviewedAt: scenario.ledger.now,
      });
      expect(JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey('grant', [grantId(1)])) ?? '')).toEqual(
        reviewed,
      );
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'EmergencyReviewed',
        payload: {
          ...scenario.envelope(people.auditor, { grant: reviewed }),
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: people.doctorB.uid,
          auditorId: people.auditor.uid,
          outcome: 'inappropriate',
        },
      });
      await expect(review('appropriate')).rejects.toThrow(/^CONFLICT: /);
      await scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(1));
      await expect(review('appropriate', 2)).rejects.toThrow(/^INVALID_ARGUMENT: /);
    });

    it.each(['', 'Appropriate', 'ok', 'appropriate: checked the chart'])(
      'refuses the review outcome %p (INVALID_ARGUMENT), leaving the grant unreviewed',
      async (outcome) => {
        await declare('2');
        await expect(review(outcome)).rejects.toThrow(/^INVALID_ARGUMENT: outcome/);
        await expect(scenario.query(people.auditor, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject(
          { reviewed: false, reviewOutcome: null },
        );
        await expect(review('appropriate')).resolves.toContain('"reviewOutcome":"appropriate"');
      },
    );

    it('an auditor reviews only emergencies that involve their hospital’s patient or doctor', async () => {
      // doctorA and patientA are both of HospitalA: HospitalB's auditor has no part in it.
      await declare('2', 1, undefined, people.doctorA, people.patientA);
      await expect(review('appropriate', 1, people.auditorB)).rejects.toThrow(/^FORBIDDEN: /);
      await expect(review('appropriate', 1, people.auditor)).resolves.toContain('"reviewOutcome":"appropriate"');
      // doctorB (HospitalB) for patientA: both hospitals' auditors may review.
      await declare('2', 2);
      await expect(review('inappropriate', 2, people.auditorB)).resolves.toContain('"reviewOutcome":"inappropriate"');
    });

    it('ListEmergencyGrants is for auditors', async () => {
      await declare('2');
      const list = await scenario.query<{ items: Array<{ grantId: string; reviewed: boolean }> }>(
        people.auditor,
        (ctx) => consent.ListEmergencyGrants(ctx, '10', ''),
      );
      expect(list.items).toEqual([
        expect.objectContaining({ grantId: grantId(1), reviewed: false, reviewOutcome: null, purposeOfUse: 'ETREAT' }),
      ]);
      await expect(scenario.query(people.doctorB, (ctx) => consent.ListEmergencyGrants(ctx, '10', ''))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
    });
  });

  describe('grants to a hospital as a whole or to its care team', () => {
    type GrantPage = { items: Array<{ grantId: string; effectiveStatus: string }>; nextBookmark: string | null };
    const T0 = '2026-09-01T08:00:00.000Z';
    const orgGrant = (
      n: number,
      kind: 'hospital' | 'care-team',
      scope: string[] | null = [reportId(1)],
      minutes = days(1),
      at: string | undefined = T0,
      mspId = HOSPITAL_B,
    ) => scenario.grantOrganisation(people.patientA, grantId(n), kind, mspId, scope, minutes, at);
    const revoke = (n: number, at?: string) =>
      scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(n)), at);

    it('to HospitalB as a whole: two of its doctors open the chosen report and no other; a HospitalA doctor without care is refused', async () => {
      const grant = await scenario.grantOrganisation(
        people.patientA,
        grantId(1),
        'hospital',
        HOSPITAL_B,
        [reportId(1)],
        days(1),
        T0,
        'CAREMGT',
      );
      expect(grant).toEqual({
        grantId: grantId(1),
        kind: 'consent',
        patientId: people.patientA.uid,
        patientMspId: HOSPITAL_A,
        granteeKind: 'hospital',
        doctorId: null,
        doctorMspId: null,
        granteeMspId: HOSPITAL_B,
        reportIds: [reportId(1)],
        purposeOfUse: 'CAREMGT',
        validFrom: T0,
        expiresAt: '2026-09-02T08:00:00.000Z',
        status: 'active',
        revokedAt: null,
        requestId: null,
        justificationCommitment: null,
        reviewed: null,
        reviewOutcome: null,
        reviewedBy: null,
        reviewedAt: null,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'AccessGranted',
        payload: {
          ...scenario.envelope(people.patientA, { grant }),
          grantId: grantId(1),
          patientId: people.patientA.uid,
          doctorId: null,
          granteeKind: 'hospital',
          granteeMspId: HOSPITAL_B,
          kind: 'consent',
          purposeOfUse: 'CAREMGT',
          validFrom: T0,
          expiresAt: '2026-09-02T08:00:00.000Z',
        },
      });
      for (const doctor of [people.doctorB, people.otherDoctorB]) {
        await expect(scenario.access(doctor, reportId(1))).resolves.toEqual({
          txId: scenario.ledger.lastTxId,
          reportId: reportId(1),
          patientId: people.patientA.uid,
          readerId: doctor.uid,
          readerMspId: HOSPITAL_B,
          readerRole: 'doctor',
          basis: 'grant',
          grantId: grantId(1),
          granteeKind: 'hospital',
          purposeOfUse: 'CAREMGT',
          at: scenario.ledger.now,
        });
        expect(scenario.ledger.events.at(-1)).toMatchObject({
          name: 'ReportAccessed',
          payload: { readerId: doctor.uid, grantId: grantId(1), granteeKind: 'hospital', basis: 'grant' },
        });
        await expect(scenario.access(doctor, reportId(2))).rejects.toThrow(/^FORBIDDEN: no grant/);
      }
      await expect(scenario.access(people.otherDoctorA, reportId(1))).rejects.toThrow(/^FORBIDDEN: no grant/);
      // A grant to the hospital is for reading: it is no basis to write for the patient.
      await expect(scenario.recordReport(people.doctorB, reportArguments(3, people.patientA))).rejects.toThrow(
        /^FORBIDDEN: .*neither an active care assignment that lets them write nor an active grant/,
      );
    });

    it('revocation stops every doctor of the hospital from the next transaction (GRANT_REVOKED); the hospital’s copy is rewritten', async () => {
      await orgGrant(1, 'hospital', null);
      await scenario.access(people.doctorB, reportId(1));
      const revoked = JSON.parse(await revoke(1, '2026-09-01T09:00:00.000Z'));
      expect(revoked).toMatchObject({
        status: 'revoked',
        revokedAt: '2026-09-01T09:00:00.000Z',
        granteeKind: 'hospital',
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'GrantRevoked',
        payload: { grantId: grantId(1), doctorId: null, granteeKind: 'hospital', granteeMspId: HOSPITAL_B },
      });
      for (const doctor of [people.doctorB, people.otherDoctorB]) {
        await expect(scenario.access(doctor, reportId(1), '2026-09-01T09:00:00.001Z')).rejects.toThrow(
          new RegExp(`^GRANT_REVOKED: grant ${grantId(1)}`),
        );
      }
      const copy = scenario.ledger.read(
        scenario.ledger.compositeKey('grant~org', [people.patientA.uid, HOSPITAL_B, grantId(1)]),
      );
      expect(JSON.parse(copy ?? '')).toEqual(revoked);
      expect(scenario.ledger.keys('grant~pair')).toEqual([]);
      expect(scenario.ledger.keys('grant~doctor')).toEqual([]);
    });

    it('expiry: allowed 1 ms before expiresAt, GRANT_EXPIRED exactly at it', async () => {
      await orgGrant(1, 'hospital', [reportId(1)], days(1));
      await expect(
        scenario.access(people.otherDoctorB, reportId(1), '2026-09-02T07:59:59.999Z'),
      ).resolves.toMatchObject({
        granteeKind: 'hospital',
      });
      await expect(scenario.access(people.otherDoctorB, reportId(1), '2026-09-02T08:00:00.000Z')).rejects.toThrow(
        new RegExp(`^GRANT_EXPIRED: grant ${grantId(1)}`),
      );
    });

    it('refuses non-patients, doctor grantees, unknown or malformed hospitals, ETREAT, another patient’s reports and a used ID', async () => {
      const attempt = (who: Person, kind: string, mspId: string, scope = 'null', purpose = 'TREAT', n = 1) =>
        scenario.submit(who, (ctx) =>
          consent.GrantOrganisationAccess(ctx, grantId(n), kind, mspId, scope, String(days(1)), purpose),
        );
      await expect(attempt(people.doctorB, 'hospital', HOSPITAL_B)).rejects.toThrow(/^FORBIDDEN: only patient/);
      await expect(attempt(people.auditor, 'hospital', HOSPITAL_B)).rejects.toThrow(/^FORBIDDEN: /);
      await expect(attempt(people.patientA, 'doctor', HOSPITAL_B)).rejects.toThrow(/^INVALID_ARGUMENT: granteeKind/);
      await expect(attempt(people.patientA, 'ward', HOSPITAL_B)).rejects.toThrow(/^INVALID_ARGUMENT: granteeKind/);
      await expect(attempt(people.patientA, 'hospital', 'Hospital B')).rejects.toThrow(
        /^INVALID_ARGUMENT: granteeMspId/,
      );
      await expect(attempt(people.patientA, 'care-team', 'HospitalCMSP')).rejects.toThrow(
        /^NOT_FOUND: hospital HospitalCMSP has no registered participant/,
      );
      await expect(attempt(people.patientA, 'hospital', HOSPITAL_B, 'null', 'ETREAT')).rejects.toThrow(
        /^INVALID_ARGUMENT: purposeOfUse/,
      );
      await expect(
        attempt(people.otherPatientA, 'hospital', HOSPITAL_B, JSON.stringify([reportId(1)])),
      ).rejects.toThrow(/^REPORT_NOT_OF_PATIENT: /);
      await expect(attempt(people.patientA, 'hospital', HOSPITAL_B, 'null', 'TREAT', 1)).resolves.toBeTruthy();
      await expect(attempt(people.patientA, 'care-team', HOSPITAL_A, 'null', 'TREAT', 1)).rejects.toThrow(
        /^CONFLICT: grant/,
      );
      expect(scenario.ledger.keys('grant')).toEqual([scenario.ledger.compositeKey('grant', [grantId(1)])]);
    });

    describe('to the care team at a hospital', () => {
      it('admits a doctor assigned after the grant, from their assignment’s start; refuses the hospital’s other doctors and another hospital’s team', async () => {
        await orgGrant(1, 'care-team', [reportId(1)], days(30));
        await expect(scenario.access(people.doctorB, reportId(1), '2026-09-01T09:00:00.000Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
        await scenario.assignCare(
          people.adminB,
          assignmentId(2),
          people.patientA,
          people.doctorB,
          '2026-09-01T10:00:00.000Z',
        );
        await expect(scenario.access(people.doctorB, reportId(1), '2026-09-01T11:00:00.000Z')).resolves.toMatchObject({
          basis: 'grant',
          grantId: grantId(1),
          granteeKind: 'care-team',
          purposeOfUse: 'TREAT',
        });
        // At the transaction's time: an opening dated before the assignment started is not covered.
        await expect(scenario.access(people.doctorB, reportId(1), '2026-09-01T09:59:59.999Z')).rejects.toThrow(
          /^FORBIDDEN: /,
        );
        await expect(scenario.access(people.doctorB, reportId(2), '2026-09-01T11:00:01.000Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
        // A doctor of the grantee hospital who is not in the patient's care team there.
        await expect(scenario.access(people.otherDoctorB, reportId(1), '2026-09-01T11:00:02.000Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
        // HospitalA's care team is not HospitalB's.
        await scenario.assignCare(
          people.adminA,
          assignmentId(3),
          people.patientA,
          people.otherDoctorA,
          '2026-09-01T11:00:03.000Z',
        );
        await expect(scenario.access(people.otherDoctorA, reportId(1), '2026-09-01T11:00:04.000Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
      });

      it('refuses a doctor whose assignment ended (FORBIDDEN: the grant does not apply to them any more)', async () => {
        await scenario.assignCare(
          people.adminB,
          assignmentId(2),
          people.patientA,
          people.doctorB,
          '2026-09-01T07:00:00.000Z',
        );
        await orgGrant(1, 'care-team', null, days(30));
        await expect(scenario.access(people.doctorB, reportId(2), '2026-09-01T09:00:00.000Z')).resolves.toMatchObject({
          granteeKind: 'care-team',
        });
        await scenario.submit(people.adminB, (ctx) => care.EndCare(ctx, assignmentId(2)), '2026-09-01T10:00:00.000Z');
        await expect(scenario.access(people.doctorB, reportId(2), '2026-09-01T10:00:00.001Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
      });

      it('for a doctor in the team, an ended grant says why (GRANT_EXPIRED, GRANT_REVOKED); for one outside, FORBIDDEN', async () => {
        await scenario.assignCare(
          people.adminB,
          assignmentId(2),
          people.patientA,
          people.doctorB,
          '2026-09-01T07:00:00.000Z',
        );
        await orgGrant(1, 'care-team', null, days(1));
        await expect(scenario.access(people.doctorB, reportId(2), '2026-09-02T08:00:00.000Z')).rejects.toThrow(
          new RegExp(`^GRANT_EXPIRED: grant ${grantId(1)}`),
        );
        await expect(scenario.access(people.otherDoctorB, reportId(2), '2026-09-02T08:00:01.000Z')).rejects.toThrow(
          /^FORBIDDEN: no grant/,
        );
        await orgGrant(2, 'care-team', null, days(1), '2026-09-03T00:00:00.000Z');
        await revoke(2, '2026-09-03T01:00:00.000Z');
        await expect(scenario.access(people.doctorB, reportId(2), '2026-09-03T02:00:00.000Z')).rejects.toThrow(
          new RegExp(`^GRANT_REVOKED: grant ${grantId(2)}`),
        );
      });

      it('to the care team at the patient’s own hospital: the doctors its admins assign', async () => {
        await orgGrant(1, 'care-team', null, days(1), T0, HOSPITAL_A);
        await expect(scenario.access(people.otherDoctorA, reportId(2))).rejects.toThrow(/^FORBIDDEN: /);
        await scenario.assignCare(people.adminA, assignmentId(2), people.patientA, people.otherDoctorA);
        await expect(scenario.access(people.otherDoctorA, reportId(2))).resolves.toMatchObject({
          granteeKind: 'care-team',
          readerMspId: HOSPITAL_A,
        });
        await scenario.assignCare(people.adminB, assignmentId(3), people.patientA, people.doctorB);
        await expect(scenario.access(people.doctorB, reportId(2))).rejects.toThrow(/^FORBIDDEN: /);
      });
    });

    it('prefers the doctor’s own consent grant, then the organisation’s, then an emergency grant', async () => {
      await scenario.declareEmergency(people.doctorB, grantId(1), people.patientA, 24, '2026-09-01T07:00:00.000Z');
      await orgGrant(2, 'hospital', null, days(1));
      expect(await scenario.access(people.doctorB, reportId(1))).toMatchObject({
        basis: 'grant',
        grantId: grantId(2),
        granteeKind: 'hospital',
        purposeOfUse: 'TREAT',
      });
      await scenario.grant(people.patientA, grantId(3), people.doctorB, [reportId(1)], days(1), undefined, 'HRESCH');
      expect(await scenario.access(people.doctorB, reportId(1))).toMatchObject({
        grantId: grantId(3),
        granteeKind: 'doctor',
        purposeOfUse: 'HRESCH',
      });
      await revoke(2);
      expect(await scenario.access(people.doctorB, reportId(2))).toMatchObject({
        basis: 'emergency',
        grantId: grantId(1),
        granteeKind: 'doctor',
      });
    });

    it('GetReport and ListReportsByPatient show a covered doctor what they may open, and nothing more', async () => {
      await orgGrant(1, 'hospital', [reportId(2)], days(1));
      await expect(
        scenario.query(people.otherDoctorB, (ctx) => reports.GetReport(ctx, reportId(2))),
      ).resolves.toMatchObject({ reportId: reportId(2) });
      await expect(scenario.query(people.otherDoctorB, (ctx) => reports.GetReport(ctx, reportId(1)))).rejects.toThrow(
        /^NOT_FOUND: /,
      );
      const listed = await scenario.query<{ items: Array<{ reportId: string }> }>(people.doctorB, (ctx) =>
        reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(listed.items.map((report) => report.reportId)).toEqual([reportId(2)]);
      const none = await scenario.query<{ items: unknown[] }>(people.otherDoctorA, (ctx) =>
        reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(none.items).toEqual([]);
      await orgGrant(2, 'care-team', null, days(1));
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB);
      const team = await scenario.query<{ items: Array<{ reportId: string }> }>(people.doctorB, (ctx) =>
        reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(team.items.map((report) => report.reportId)).toEqual([reportId(1), reportId(2)]);
      const notInTeam = await scenario.query<{ items: Array<{ reportId: string }> }>(people.otherDoctorB, (ctx) =>
        reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(notInTeam.items.map((report) => report.reportId)).toEqual([reportId(2)]);
    });

    it('GetGrant of a grant to a hospital as a whole: the patient, any doctor of it, auditors of either hospital; NOT_FOUND for others', async () => {
      await orgGrant(1, 'hospital', null);
      for (const who of [people.patientA, people.doctorB, people.otherDoctorB, people.auditor, people.auditorB]) {
        await expect(scenario.query(who, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject({
          grantId: grantId(1),
          granteeKind: 'hospital',
          effectiveStatus: 'active',
        });
      }
      for (const who of [people.doctorA, people.otherDoctorA, people.adminA, people.adminB, people.patientB]) {
        await expect(scenario.query(who, (ctx) => consent.GetGrant(ctx, grantId(1)))).rejects.toThrow(/^NOT_FOUND: /);
      }
    });

    it('GetGrant of a grant to a care team: the patient, auditors of either hospital, and only the doctors in that team; NOT_FOUND for the hospital’s other doctors', async () => {
      await orgGrant(1, 'care-team', null, days(30));
      const getGrant = (who: Person) => scenario.query(who, (ctx) => consent.GetGrant(ctx, grantId(1)));
      for (const who of [people.patientA, people.auditor, people.auditorB]) {
        await expect(getGrant(who)).resolves.toMatchObject({ grantId: grantId(1), granteeKind: 'care-team' });
      }
      // Not (yet) in the team: the grant would tell who is treated at their hospital.
      for (const who of [people.doctorB, people.otherDoctorB, people.doctorA, people.adminB, people.patientB]) {
        await expect(getGrant(who)).rejects.toThrow(/^NOT_FOUND: /);
      }
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB);
      await expect(getGrant(people.doctorB)).resolves.toMatchObject({ grantId: grantId(1), effectiveStatus: 'active' });
      await expect(getGrant(people.otherDoctorB)).rejects.toThrow(/^NOT_FOUND: /);
      // doctorA is in the patient's care team at HospitalA, which is not the team granted.
      await expect(getGrant(people.doctorA)).rejects.toThrow(/^NOT_FOUND: /);
      await scenario.submit(people.adminB, (ctx) => care.EndCare(ctx, assignmentId(2)));
      await expect(getGrant(people.doctorB)).rejects.toThrow(/^NOT_FOUND: /);
    });

    it('ListGrantsByHospital: doctors and auditors of that hospital only, with the effective status', async () => {
      await orgGrant(1, 'hospital', null, days(1), '2026-09-01T08:00:00.000Z');
      await orgGrant(2, 'care-team', null, days(30), '2026-09-01T09:00:00.000Z');
      await orgGrant(3, 'hospital', null, days(30), '2026-09-01T10:00:00.000Z', HOSPITAL_A);
      await scenario.grant(people.patientA, grantId(4), people.doctorB, null, days(30), '2026-09-01T11:00:00.000Z');
      const listed = async (who: Person) => {
        const page = await scenario.query<GrantPage>(
          who,
          (ctx) => consent.ListGrantsByHospital(ctx, HOSPITAL_B, '10', ''),
          '2026-09-05T00:00:00.000Z',
        );
        expect(page.nextBookmark).toBeNull();
        return page.items.map(({ grantId: id, effectiveStatus }) => [id, effectiveStatus]);
      };
      expect(await listed(people.auditorB)).toEqual([
        [grantId(1), 'expired'],
        [grantId(2), 'active'],
      ]);
      // The care-team grant only to a doctor in the team.
      for (const who of [people.doctorB, people.otherDoctorB])
        expect(await listed(who)).toEqual([[grantId(1), 'expired']]);
      const first = await scenario.query<GrantPage>(people.doctorB, (ctx) =>
        consent.ListGrantsByHospital(ctx, HOSPITAL_B, '1', ''),
      );
      expect(first.items.map((item) => item.grantId)).toEqual([grantId(1)]);
      // Paging goes on over what the doctor may not see: a page may be shorter, even empty.
      await expect(
        scenario.query(people.doctorB, (ctx) =>
          consent.ListGrantsByHospital(ctx, HOSPITAL_B, '1', first.nextBookmark ?? ''),
        ),
      ).resolves.toEqual({ items: [], nextBookmark: null });
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB);
      expect(await listed(people.doctorB)).toEqual([
        [grantId(1), 'expired'],
        [grantId(2), 'active'],
      ]);
      expect(await listed(people.otherDoctorB)).toEqual([[grantId(1), 'expired']]);
      await expect(
        scenario.query<GrantPage>(people.doctorB, (ctx) =>
          consent.ListGrantsByHospital(ctx, HOSPITAL_B, '1', first.nextBookmark ?? ''),
        ),
      ).resolves.toMatchObject({ items: [expect.objectContaining({ grantId: grantId(2) })], nextBookmark: null });
      const ofA = await scenario.query<GrantPage>(people.auditor, (ctx) =>
        consent.ListGrantsByHospital(ctx, HOSPITAL_A, '10', ''),
      );
      expect(ofA.items.map((item) => item.grantId)).toEqual([grantId(3)]);
      for (const who of [people.doctorA, people.auditor, people.adminB, people.patientA, people.patientB]) {
        await expect(
          scenario.query(who, (ctx) => consent.ListGrantsByHospital(ctx, HOSPITAL_B, '10', '')),
        ).rejects.toThrow(/^FORBIDDEN: /);
      }
      await expect(
        scenario.query(people.doctorB, (ctx) => consent.ListGrantsByHospital(ctx, 'Hospital B', '10', '')),
      ).rejects.toThrow(/^INVALID_ARGUMENT: mspId/);
      await expect(
        scenario.query(people.auditor, (ctx) =>
          consent.ListGrantsByHospital(ctx, HOSPITAL_A, '1', first.nextBookmark ?? ''),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: bookmark/);
      // The patient's list has all four; the doctor's own list has only the grant in their name.
      const given = await scenario.query<GrantPage>(people.patientA, (ctx) =>
        consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(given.items.map((item) => item.grantId)).toEqual([grantId(1), grantId(2), grantId(3), grantId(4)]);
      const held = await scenario.query<GrantPage>(people.doctorB, (ctx) =>
        consent.ListGrantsByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(held.items.map((item) => item.grantId)).toEqual([grantId(4)]);
    });
  });

  describe('state written by the previous version', () => {
    it('a pending request without a purpose is approved into a TREAT grant, and stored in the new shape', async () => {
      scenario.plant('request', requestId(1), legacy.request(1));
      await expect(
        scenario.query(people.patientA, (ctx) => consent.GetRequest(ctx, requestId(1))),
      ).resolves.toMatchObject({ purposeOfUse: 'TREAT', reasonCommitment: digest('legacy reason') });
      const answer = JSON.parse(
        await scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(7)), 'doctor'),
        ),
      );
      expect(answer.grant).toMatchObject({ kind: 'consent', purposeOfUse: 'TREAT', requestId: requestId(1) });
      const stored = JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey('request', [requestId(1)])) ?? '');
      expect(stored).toMatchObject({
        status: 'approved',
        purposeOfUse: 'TREAT',
        reasonCommitment: digest('legacy reason'),
      });
      expect(stored).not.toHaveProperty('reasonSha256');
    });

    it('an active emergency grant without a purpose is ETREAT, blocks a new declaration, and is reviewed with an outcome', async () => {
      scenario.plantGrant(
        legacy.emergencyGrant(1, { validFrom: '2026-08-01T10:00:00.000Z', expiresAt: '2026-08-01T20:00:00.000Z' }),
      );
      await expect(scenario.access(people.doctorB, reportId(1), '2026-08-01T11:00:00.000Z')).resolves.toMatchObject({
        basis: 'emergency',
        grantId: grantId(1),
        purposeOfUse: 'ETREAT',
      });
      await expect(declare('1', 2, '2026-08-01T12:00:00.000Z')).rejects.toThrow(/^EMERGENCY_ACTIVE: /);
      const reviewed = JSON.parse(await review('appropriate'));
      expect(reviewed).toMatchObject({
        purposeOfUse: 'ETREAT',
        justificationCommitment: digest('legacy justification'),
        reviewed: true,
        reviewOutcome: 'appropriate',
      });
      expect(reviewed).not.toHaveProperty('justificationSha256');
      await expect(declare('1', 2, '2026-08-01T20:00:00.000Z')).resolves.toContain('"purposeOfUse":"ETREAT"');
    });

    it('an emergency grant reviewed before outcomes were recorded stays reviewed, without an outcome', async () => {
      scenario.plantGrant(
        legacy.emergencyGrant(1, {
          reviewed: true,
          reviewedBy: people.auditor.uid,
          reviewedAt: '2026-01-01T06:00:00.000Z',
        }),
      );
      await expect(scenario.query(people.auditor, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject({
        reviewed: true,
        reviewOutcome: null,
        purposeOfUse: 'ETREAT',
      });
      await expect(review('appropriate')).rejects.toThrow(/^CONFLICT: .*already reviewed/);
    });

    it('a grant without a grantee kind is a grant to its doctor: they open under it, and its revocation stores the new shape', async () => {
      scenario.plantGrant(legacy.grantToDoctor(1, { purposeOfUse: 'CAREMGT' }));
      await expect(scenario.query(people.doctorB, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject({
        granteeKind: 'doctor',
        granteeMspId: null,
        effectiveStatus: 'active',
      });
      await expect(scenario.access(people.doctorB, reportId(1))).resolves.toMatchObject({
        basis: 'grant',
        grantId: grantId(1),
        granteeKind: 'doctor',
        purposeOfUse: 'CAREMGT',
      });
      await expect(scenario.access(people.otherDoctorB, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      await revokeAs(people.patientA, 1);
      const pairKey = scenario.ledger.compositeKey('grant~pair', [people.patientA.uid, people.doctorB.uid, grantId(1)]);
      expect(JSON.parse(scenario.ledger.read(pairKey) ?? '')).toMatchObject({
        status: 'revoked',
        granteeKind: 'doctor',
        granteeMspId: null,
      });
      expect(scenario.ledger.events.at(-1)?.payload).toMatchObject({
        granteeKind: 'doctor',
        doctorId: people.doctorB.uid,
      });
      await expect(scenario.access(people.doctorB, reportId(1))).rejects.toThrow(/^GRANT_REVOKED: /);
    });

    it('a consent grant without a purpose is TREAT: the doctor opens under it and the patient revokes it', async () => {
      scenario.plantGrant(legacy.consentGrant(1));
      await expect(scenario.access(people.doctorB, reportId(2))).resolves.toMatchObject({
        basis: 'grant',
        purposeOfUse: 'TREAT',
      });
      const revoked = JSON.parse(await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1))));
      expect(revoked).toMatchObject({ status: 'revoked', purposeOfUse: 'TREAT', justificationCommitment: null });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'GrantRevoked',
        payload: { kind: 'consent', purposeOfUse: 'TREAT', expiresAt: '2027-01-01T00:00:00.000Z' },
      });
    });
  });

  describe('lists', () => {
    beforeEach(async () => {
      await request(people.doctorB, null, '5', 1);
      await request(people.doctorA, null, '5', 2);
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(3));
    });

    it('requests and grants by patient for the patient and auditors; by doctor for the doctor and auditors', async () => {
      const incoming = await scenario.query<{ items: unknown[] }>(people.patientA, (ctx) =>
        consent.ListRequestsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(incoming.items).toHaveLength(2);
      const outgoing = await scenario.query<{ items: Array<{ requestId: string }> }>(people.doctorB, (ctx) =>
        consent.ListRequestsByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(outgoing.items.map((r) => r.requestId)).toEqual([requestId(1)]);
      const held = await scenario.query<{ items: Array<{ effectiveStatus: string }> }>(people.doctorB, (ctx) =>
        consent.ListGrantsByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(held.items).toEqual([expect.objectContaining({ grantId: grantId(1), effectiveStatus: 'active' })]);
      const given = await scenario.query<{ items: unknown[] }>(people.auditor, (ctx) =>
        consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(given.items).toHaveLength(1);
      await expect(
        scenario.query(people.doctorB, (ctx) => consent.ListRequestsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(
        scenario.query(people.doctorA, (ctx) => consent.ListGrantsByDoctor(ctx, people.doctorB.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(
        scenario.query(people.otherPatientA, (ctx) => consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });
  });

  describe('auditors see what involves their own hospital', () => {
    type GrantPage = { items: Array<{ grantId: string }>; nextBookmark: string | null };
    type RequestPage = { items: Array<{ requestId: string }>; nextBookmark: string | null };

    // Emergency 1: doctorA on patientA, HospitalA only. Emergency 2: doctorB (HospitalB) on
    // patientA (HospitalA), across hospitals. Emergency 3: doctorB on patientB, HospitalB only.
    // Request 1: doctorA to patientA, HospitalA only. Request 2: doctorB to patientA, across.
    beforeEach(async () => {
      await declare('2', 1, '2026-08-01T10:00:00.000Z', people.doctorA, people.patientA);
      await declare('2', 2, '2026-08-01T10:01:00.000Z', people.doctorB, people.patientA);
      await declare('2', 3, '2026-08-01T10:02:00.000Z', people.doctorB, people.patientB);
      await request(people.doctorA, null, '5', 1);
      await request(people.doctorB, null, '5', 2);
    });

    /** Every page of ListEmergencyGrants as `who` sees it, following the bookmarks to the end. */
    async function emergencyPages(who: Person, pageSize: string): Promise<string[][]> {
      const pages: string[][] = [];
      let bookmark = '';
      do {
        const page = await scenario.query<GrantPage>(who, (ctx) =>
          consent.ListEmergencyGrants(ctx, pageSize, bookmark),
        );
        pages.push(page.items.map((grant) => grant.grantId));
        bookmark = page.nextBookmark ?? '';
      } while (bookmark !== '');
      return pages;
    }

    const grantIds = (page: GrantPage) => page.items.map((grant) => grant.grantId);
    const requestIds = (page: RequestPage) => page.items.map((found) => found.requestId);

    it('ListEmergencyGrants gives each auditor the emergencies whose patient or doctor is of their hospital', async () => {
      expect(await emergencyPages(people.auditor, '10')).toEqual([[grantId(1), grantId(2)]]);
      expect(await emergencyPages(people.auditorB, '10')).toEqual([[grantId(2), grantId(3)]]);
    });

    it('ListEmergencyGrants still pages by bookmark: a page may hold fewer items than pageSize, even none', async () => {
      // HospitalA-only emergency 1 fills HospitalB's auditor's first page of one, and is left out.
      expect(await emergencyPages(people.auditorB, '1')).toEqual([[], [grantId(2)], [grantId(3)]]);
      expect(await emergencyPages(people.auditorB, '2')).toEqual([[grantId(2)], [grantId(3)]]);
      expect(await emergencyPages(people.auditor, '2')).toEqual([[grantId(1), grantId(2)], []]);
    });

    it('GetGrant: an auditor sees a grant of their hospital’s patient or doctor; NOT_FOUND for others', async () => {
      await expect(scenario.query(people.auditor, (ctx) => consent.GetGrant(ctx, grantId(1)))).resolves.toMatchObject({
        grantId: grantId(1),
      });
      await expect(scenario.query(people.auditorB, (ctx) => consent.GetGrant(ctx, grantId(1)))).rejects.toThrow(
        new RegExp(`^NOT_FOUND: grant ${grantId(1)} does not exist`),
      );
      for (const auditor of [people.auditor, people.auditorB]) {
        await expect(scenario.query(auditor, (ctx) => consent.GetGrant(ctx, grantId(2)))).resolves.toMatchObject({
          grantId: grantId(2),
          patientMspId: HOSPITAL_A,
          doctorMspId: HOSPITAL_B,
        });
      }
      await expect(scenario.query(people.auditorB, (ctx) => consent.GetGrant(ctx, grantId(3)))).resolves.toMatchObject({
        grantId: grantId(3),
      });
      await expect(scenario.query(people.auditor, (ctx) => consent.GetGrant(ctx, grantId(3)))).rejects.toThrow(
        /^NOT_FOUND: /,
      );
    });

    it('GetRequest: an auditor sees a request of their hospital’s patient or doctor; NOT_FOUND for others', async () => {
      await expect(
        scenario.query(people.auditor, (ctx) => consent.GetRequest(ctx, requestId(1))),
      ).resolves.toMatchObject({ requestId: requestId(1) });
      await expect(scenario.query(people.auditorB, (ctx) => consent.GetRequest(ctx, requestId(1)))).rejects.toThrow(
        new RegExp(`^NOT_FOUND: access request ${requestId(1)} does not exist`),
      );
      for (const auditor of [people.auditor, people.auditorB]) {
        await expect(scenario.query(auditor, (ctx) => consent.GetRequest(ctx, requestId(2)))).resolves.toMatchObject({
          requestId: requestId(2),
        });
      }
    });

    it('ListGrantsByPatient: the auditor of the patient’s hospital lists all of them, cross-hospital ones too; others FORBIDDEN', async () => {
      const ofPatientA = await scenario.query<GrantPage>(people.auditor, (ctx) =>
        consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(grantIds(ofPatientA)).toEqual([grantId(1), grantId(2)]);
      await expect(
        scenario.query(people.auditorB, (ctx) => consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(new RegExp(`^FORBIDDEN: patient ${people.patientA.uid} belongs to another hospital`));
      const ofPatientB = await scenario.query<GrantPage>(people.auditorB, (ctx) =>
        consent.ListGrantsByPatient(ctx, people.patientB.uid, '10', ''),
      );
      expect(grantIds(ofPatientB)).toEqual([grantId(3)]);
      await expect(
        scenario.query(people.auditor, (ctx) => consent.ListGrantsByPatient(ctx, people.patientB.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('ListGrantsByDoctor: the auditor of the doctor’s hospital lists all of them, cross-hospital ones too; others FORBIDDEN', async () => {
      const ofDoctorB = await scenario.query<GrantPage>(people.auditorB, (ctx) =>
        consent.ListGrantsByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(grantIds(ofDoctorB)).toEqual([grantId(2), grantId(3)]);
      await expect(
        scenario.query(people.auditor, (ctx) => consent.ListGrantsByDoctor(ctx, people.doctorB.uid, '10', '')),
      ).rejects.toThrow(new RegExp(`^FORBIDDEN: doctor ${people.doctorB.uid} belongs to another hospital`));
      const ofDoctorA = await scenario.query<GrantPage>(people.auditor, (ctx) =>
        consent.ListGrantsByDoctor(ctx, people.doctorA.uid, '10', ''),
      );
      expect(grantIds(ofDoctorA)).toEqual([grantId(1)]);
      await expect(
        scenario.query(people.auditorB, (ctx) => consent.ListGrantsByDoctor(ctx, people.doctorA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('ListRequestsByPatient and ListRequestsByDoctor: only the auditor of the party’s hospital; others FORBIDDEN', async () => {
      const toPatientA = await scenario.query<RequestPage>(people.auditor, (ctx) =>
        consent.ListRequestsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(requestIds(toPatientA)).toEqual([requestId(1), requestId(2)]);
      await expect(
        scenario.query(people.auditorB, (ctx) => consent.ListRequestsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: patient .* belongs to another hospital/);
      const byDoctorB = await scenario.query<RequestPage>(people.auditorB, (ctx) =>
        consent.ListRequestsByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(requestIds(byDoctorB)).toEqual([requestId(2)]);
      await expect(
        scenario.query(people.auditor, (ctx) => consent.ListRequestsByDoctor(ctx, people.doctorB.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: doctor .* belongs to another hospital/);
    });
  });
});
