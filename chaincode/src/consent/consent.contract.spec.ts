import {
  assignmentId,
  contracts,
  days,
  digest,
  grantId,
  HOSPITAL_A,
  HOSPITAL_B,
  people,
  reportArguments,
  reportId,
  requestId,
  Scenario,
} from '../testing/fixtures';

const { consent } = contracts;
const REASON = digest('reason text kept off-chain');

describe('ConsentContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
  });

  const request = (doctor = people.doctorB, scope: string[] | null = [reportId(1)], days = '30', n = 1) =>
    scenario.submit(doctor, (ctx) =>
      consent.RequestAccess(ctx, requestId(n), people.patientA.uid, JSON.stringify(scope), days, REASON),
    );

  describe('access requests', () => {
    it('a doctor of any hospital requests access; the request is pending with the reason’s hash only', async () => {
      const pending = JSON.parse(await request());
      expect(pending).toEqual({
        requestId: requestId(1),
        patientId: people.patientA.uid,
        patientMspId: HOSPITAL_A,
        doctorId: people.doctorB.uid,
        doctorMspId: HOSPITAL_B,
        reportIds: [reportId(1)],
        durationDays: 30,
        reasonSha256: REASON,
        status: 'pending',
        requestedAt: scenario.ledger.now,
        decidedAt: null,
        grantId: null,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'AccessRequested',
        payload: { requestId: requestId(1), patientId: people.patientA.uid, doctorId: people.doctorB.uid },
      });
    });

    it('refuses non-doctors, duplicates, reports of another patient, and malformed arguments', async () => {
      await expect(request(people.patientA)).rejects.toThrow(/^FORBIDDEN: only doctor/);
      await expect(request(people.auditor)).rejects.toThrow(/^FORBIDDEN: /);
      await request();
      await expect(request()).rejects.toThrow(/^CONFLICT: /);
      await expect(request(people.doctorB, [reportId(9)], '30', 2)).rejects.toThrow(/^NOT_FOUND: report/);
      await expect(request(people.doctorB, null, '0', 2)).rejects.toThrow(/^INVALID_ARGUMENT: durationDays/);
      await expect(request(people.doctorB, null, '366', 2)).rejects.toThrow(/^INVALID_ARGUMENT: durationDays/);
      await expect(
        scenario.submit(people.doctorB, (ctx) =>
          consent.RequestAccess(ctx, requestId(2), people.patientA.uid, 'null', '30', 'because I need it'),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: reasonSha256/);
    });

    it('the patient approves: a consent grant from now with the chosen scope and duration', async () => {
      await request();
      const answer = JSON.parse(
        await scenario.submit(
          people.patientA,
          (ctx) => consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(10))),
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
        doctorId: people.doctorB.uid,
        doctorMspId: HOSPITAL_B,
        reportIds: null,
        validFrom: '2026-07-01T00:00:00.000Z',
        expiresAt: '2026-07-11T00:00:00.000Z',
        status: 'active',
        revokedAt: null,
        requestId: requestId(1),
        justificationSha256: null,
        reviewed: null,
        reviewedBy: null,
        reviewedAt: null,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'RequestApproved',
        payload: { requestId: requestId(1), grantId: grantId(1) },
      });
      await expect(scenario.access(people.doctorB, reportId(2))).resolves.toMatchObject({ basis: 'grant' });
    });

    it('only the patient addressed decides, once; a decided request cannot be cancelled', async () => {
      await request();
      await expect(
        scenario.submit(people.otherPatientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1))),
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
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1))),
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
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1))),
        ),
      ).rejects.toThrow(/^CONFLICT: .*already cancelled/);
    });

    it('refuses approving with a grant ID already used (CONFLICT), leaving the request pending', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1));
      await request();
      await expect(
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(1))),
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
        expiresAt: '2027-01-10T00:00:00.000Z',
        requestId: null,
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({ name: 'AccessGranted', payload: { grantId: grantId(1) } });
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
          consent.GrantAccess(ctx, grantId(2), people.doctorB.uid, 'null', '5.5'),
        ),
      ).rejects.toThrow(/^INVALID_ARGUMENT: durationMinutes/);
      await expect(scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(366))).rejects.toThrow(
        /^INVALID_ARGUMENT/,
      );
      await expect(scenario.grant(people.patientA, grantId(1), people.doctorA, null, days(3))).rejects.toThrow(
        /^CONFLICT: /,
      );
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
      ).rejects.toThrow(/^NOT_FOUND: report/);
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
      expect(scenario.ledger.events.at(-1)).toMatchObject({ name: 'GrantRevoked', payload: { grantId: grantId(1) } });
      await expect(scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1)))).rejects.toThrow(
        /^CONFLICT: .*already revoked/,
      );
      await scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(1), '2026-03-01T00:00:00.000Z');
      await expect(
        scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(2)), '2026-03-02T00:00:00.000Z'),
      ).rejects.toThrow(/^CONFLICT: .*already expired/);
    });

    it('GetGrant shows the effective status at the query’s time, to its parties and auditors only', async () => {
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
    const declare = (hours: string, n = 1, at?: string) =>
      scenario.submit(
        people.doctorB,
        (ctx) =>
          consent.DeclareEmergency(ctx, grantId(n), people.patientA.uid, digest('unconscious on arrival'), hours),
        at,
      );

    it('a doctor declares an emergency: all reports, at most 24 h, unreviewed, with the justification’s hash', async () => {
      const grant = JSON.parse(await declare('24', 1, '2026-08-01T10:00:00.000Z'));
      expect(grant).toMatchObject({
        kind: 'emergency',
        reportIds: null,
        validFrom: '2026-08-01T10:00:00.000Z',
        expiresAt: '2026-08-02T10:00:00.000Z',
        justificationSha256: digest('unconscious on arrival'),
        reviewed: false,
        reviewedBy: null,
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'EmergencyDeclared',
        payload: { grantId: grantId(1), patientId: people.patientA.uid, doctorId: people.doctorB.uid },
      });
      await expect(scenario.access(people.doctorB, reportId(1), '2026-08-02T09:59:59.999Z')).resolves.toMatchObject({
        basis: 'emergency',
      });
      await expect(scenario.access(people.doctorB, reportId(1), '2026-08-02T10:00:00.000Z')).rejects.toThrow(
        /^GRANT_EXPIRED: /,
      );
    });

    it.each(['0', '25', '1.5', ''])('refuses %p hours (INVALID_ARGUMENT)', async (hours) => {
      await expect(declare(hours)).rejects.toThrow(/^INVALID_ARGUMENT: hours/);
    });

    it('refuses non-doctors (FORBIDDEN)', async () => {
      await expect(
        scenario.submit(people.patientB, (ctx) =>
          consent.DeclareEmergency(ctx, grantId(1), people.patientA.uid, digest('x'), '1'),
        ),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('only an auditor reviews, once, and only emergency grants', async () => {
      await declare('2');
      await expect(scenario.submit(people.patientA, (ctx) => consent.ReviewEmergency(ctx, grantId(1)))).rejects.toThrow(
        /^FORBIDDEN: only auditor/,
      );
      const reviewed = JSON.parse(
        await scenario.submit(people.auditor, (ctx) => consent.ReviewEmergency(ctx, grantId(1))),
      );
      expect(reviewed).toMatchObject({
        reviewed: true,
        reviewedBy: people.auditor.uid,
        reviewedAt: scenario.ledger.now,
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'EmergencyReviewed',
        payload: { grantId: grantId(1), auditorId: people.auditor.uid },
      });
      await expect(scenario.submit(people.auditor, (ctx) => consent.ReviewEmergency(ctx, grantId(1)))).rejects.toThrow(
        /^CONFLICT: /,
      );
      await scenario.grant(people.patientA, grantId(2), people.doctorB, null, days(1));
      await expect(scenario.submit(people.auditor, (ctx) => consent.ReviewEmergency(ctx, grantId(2)))).rejects.toThrow(
        /^INVALID_ARGUMENT: /,
      );
    });

    it('ListEmergencyGrants is for auditors', async () => {
      await declare('2');
      const list = await scenario.query<{ items: Array<{ grantId: string; reviewed: boolean }> }>(
        people.auditor,
        (ctx) => consent.ListEmergencyGrants(ctx, '10', ''),
      );
      expect(list.items).toEqual([expect.objectContaining({ grantId: grantId(1), reviewed: false })]);
      await expect(scenario.query(people.doctorB, (ctx) => consent.ListEmergencyGrants(ctx, '10', ''))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
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
});
