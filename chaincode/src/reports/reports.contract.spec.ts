import {
  assignmentId,
  contracts,
  days,
  digest,
  grantId,
  HOSPITAL_A,
  HOSPITAL_B,
  impostorOf,
  legacy,
  people,
  type Person,
  reportArguments,
  reportId,
  Scenario,
  uuid,
} from '../testing/fixtures';
import { ErasureContract } from '../erasure/erasure.contract';

const { reports, consent, care } = contracts;
const erasure = new ErasureContract();

describe('ReportsContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
  });

  describe('RecordReport', () => {
    it('records a report of a patient in the doctor’s care, with digests, author and hospital, and one event', async () => {
      const args = reportArguments(1, people.patientA);
      const report = await scenario.recordReport(people.doctorA, args, '2026-03-02T10:00:00.000Z');
      expect(report).toEqual({
        ...args,
        size: 4096,
        hospitalMspId: HOSPITAL_A,
        authorId: people.doctorA.uid,
        authorMspId: HOSPITAL_A,
        authorRole: 'doctor',
        recordedAt: '2026-03-02T10:00:00.000Z',
        writeBasis: 'care',
        writeBasisId: assignmentId(1),
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'ReportRecorded',
        payload: {
          ...scenario.envelope(people.doctorA, { report }),
          reportId: reportId(1),
          patientId: people.patientA.uid,
          authorId: people.doctorA.uid,
          authorRole: 'doctor',
        },
      });
    });

    it('records for a patient of another hospital under an active grant of the doctor', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(30));
      const report = await scenario.recordReport(people.doctorB, reportArguments(1, people.patientA));
      expect(report).toMatchObject({ authorMspId: HOSPITAL_B, hospitalMspId: HOSPITAL_A, writeBasis: 'grant' });
    });

    it.each([
      ['an admin', people.adminA],
      ['an auditor', people.auditor],
    ])('refuses %s (FORBIDDEN)', async (_label, who) => {
      await expect(scenario.recordReport(who, reportArguments(1, people.patientA))).rejects.toThrow(
        /^FORBIDDEN: only doctor or patient/,
      );
    });

    it('refuses a doctor without care or grant, after care ended, and after the grant expired or was revoked', async () => {
      await expect(scenario.recordReport(people.otherDoctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^FORBIDDEN: .*neither an active care assignment that lets them write nor an active grant/,
      );
      await scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)));
      await expect(scenario.recordReport(people.doctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-05-01T00:00:00.000Z');
      await expect(
        scenario.recordReport(people.doctorB, reportArguments(1, people.patientA), '2026-05-02T00:00:00.000Z'),
      ).rejects.toThrow(/^GRANT_EXPIRED: /);
      await scenario.grant(people.patientA, grantId(2), people.otherDoctorA, null, days(5));
      await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(2)));
      await expect(scenario.recordReport(people.otherDoctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^GRANT_REVOKED: /,
      );
      expect(scenario.ledger.keys('report')).toEqual([]);
    });

    describe('under a care assignment by another hospital than the patient’s', () => {
      const T0 = '2026-04-01T08:00:00.000Z';
      beforeEach(async () => {
        // HospitalB's admin puts its own doctor in the care team of HospitalA's patient there.
        await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB, T0);
      });
      const record = (n: number, at: string) =>
        scenario.recordReport(people.doctorB, reportArguments(n, people.patientA), at);
      const careTeamGrant = (n: number, mspId: string, at: string, kind: 'care-team' | 'hospital' = 'care-team') =>
        scenario.grantOrganisation(people.patientA, grantId(n), kind, mspId, null, days(1), at);

      it('refuses to write without the patient’s consent to that hospital’s care team (FORBIDDEN), storing nothing', async () => {
        await expect(record(1, '2026-04-01T09:00:00.000Z')).rejects.toThrow(
          /^FORBIDDEN: .*neither an active care assignment that lets them write nor an active grant/,
        );
        expect(scenario.ledger.keys('report')).toEqual([]);
      });

      it('writes (basis care, the assignment) while the patient holds an active care-team grant to that hospital, and not after its revocation', async () => {
        await careTeamGrant(1, HOSPITAL_B, '2026-04-01T09:00:00.000Z');
        const report = await record(1, '2026-04-01T10:00:00.000Z');
        expect(report).toMatchObject({
          authorId: people.doctorB.uid,
          authorMspId: HOSPITAL_B,
          hospitalMspId: HOSPITAL_A,
          writeBasis: 'care',
          writeBasisId: assignmentId(2),
        });
        await scenario.submit(
          people.patientA,
          (ctx) => consent.RevokeGrant(ctx, grantId(1)),
          '2026-04-01T11:00:00.000Z',
        );
        await expect(record(2, '2026-04-01T11:00:01.000Z')).rejects.toThrow(
          /^FORBIDDEN: .*neither an active care assignment that lets them write/,
        );
        expect(scenario.ledger.keys('report')).toHaveLength(1);
      });

      it('is no basis either under an expired care-team grant, one to another hospital’s care team, or a grant to the hospital as a whole', async () => {
        await careTeamGrant(1, HOSPITAL_B, '2026-04-01T09:00:00.000Z');
        await expect(record(1, '2026-04-02T09:00:00.000Z')).rejects.toThrow(/^FORBIDDEN: /);
        await careTeamGrant(2, HOSPITAL_A, '2026-04-03T09:00:00.000Z');
        await careTeamGrant(3, HOSPITAL_B, '2026-04-03T09:00:01.000Z', 'hospital');
        await expect(record(1, '2026-04-03T10:00:00.000Z')).rejects.toThrow(/^FORBIDDEN: /);
        expect(scenario.ledger.keys('report')).toEqual([]);
      });

      it('falls through to the doctor’s own grant (basis grant)', async () => {
        await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-04-01T09:00:00.000Z');
        await expect(record(1, '2026-04-01T10:00:00.000Z')).resolves.toMatchObject({
          writeBasis: 'grant',
          writeBasisId: grantId(1),
        });
      });

      it('an assignment by the patient’s own hospital still suffices alone, without any grant', async () => {
        await scenario.assignCare(people.adminA, assignmentId(3), people.patientA, people.otherDoctorA, T0);
        await expect(
          scenario.recordReport(people.otherDoctorA, reportArguments(1, people.patientA), '2026-04-01T10:00:00.000Z'),
        ).resolves.toMatchObject({ writeBasis: 'care', writeBasisId: assignmentId(3), authorMspId: HOSPITAL_A });
        await scenario.assignCare(people.adminB, assignmentId(4), people.patientB, people.otherDoctorB, T0);
        await expect(
          scenario.recordReport(people.otherDoctorB, reportArguments(2, people.patientB), '2026-04-01T10:00:01.000Z'),
        ).resolves.toMatchObject({ writeBasis: 'care', writeBasisId: assignmentId(4), hospitalMspId: HOSPITAL_B });
      });
    });

    it('refuses a second record with the same report ID (CONFLICT), never overwriting', async () => {
      await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      const before = scenario.ledger.read(scenario.ledger.compositeKey('report', [reportId(1)]));
      const other = reportArguments(1, people.patientA, { ciphertextSha256: digest('something else') });
      await expect(scenario.recordReport(people.doctorA, other)).rejects.toThrow(/^CONFLICT: report .* already/);
      expect(scenario.ledger.read(scenario.ledger.compositeKey('report', [reportId(1)]))).toBe(before);
    });

    it('refuses new reports for an erased patient (CONFLICT), while other patients are unaffected', async () => {
      await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      await scenario.submit(people.adminA, (ctx) => erasure.RecordErasure(ctx, people.patientA.uid));
      await expect(scenario.recordReport(people.doctorA, reportArguments(2, people.patientA))).rejects.toThrow(
        /^CONFLICT: patient .* was erased: no new reports may be recorded/,
      );
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(30));
      await expect(scenario.recordReport(people.doctorB, reportArguments(3, people.patientA))).rejects.toThrow(
        /^CONFLICT: patient .* was erased/,
      );
      expect(scenario.ledger.keys('report')).toEqual([scenario.ledger.compositeKey('report', [reportId(1)])]);
      await scenario.assignCare(people.adminA, assignmentId(2), people.otherPatientA, people.doctorA);
      await expect(
        scenario.recordReport(people.doctorA, reportArguments(4, people.otherPatientA)),
      ).resolves.toMatchObject({ patientId: people.otherPatientA.uid });
    });

    it('refuses an unknown patient (NOT_FOUND)', async () => {
      await expect(
        scenario.recordReport(people.doctorA, reportArguments(1, people.patientA, { patientId: people.doctorB.uid })),
      ).rejects.toThrow(/^NOT_FOUND: patient/);
    });

    it.each([
      ['reportId', { reportId: 'R-1' }],
      ['patientId', { patientId: 'alice@example.org' }],
      ['type', { type: 'x-ray' }],
      ['cid', { cid: 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR' }],
      ['ciphertextSha256', { ciphertextSha256: digest('x').toUpperCase() }],
      ['plaintextCommitment', { plaintextCommitment: 'Blood test of Alice' }],
      ['size', { size: '0' }],
      ['size', { size: String(2 ** 40 + 1) }],
      ['size', { size: '12.5' }],
      ['encryptionScheme', { encryptionScheme: 'rot13' }],
    ])('refuses a malformed %s (INVALID_ARGUMENT)', async (field, override) => {
      await expect(
        scenario.recordReport(people.doctorA, reportArguments(1, people.patientA, override)),
      ).rejects.toThrow(new RegExp(`^INVALID_ARGUMENT: ${field}`));
      expect(scenario.ledger.events.at(-1)?.name).toBe('CareAssigned');
    });

    it('accepts every report type', async () => {
      const types = ['report', 'prescription', 'bill', 'lab', 'imaging', 'note'];
      for (const [n, type] of types.entries()) {
        await scenario.recordReport(people.doctorA, reportArguments(n + 1, people.patientA, { type }));
      }
      expect(scenario.ledger.keys('report')).toHaveLength(types.length);
    });
  });

  describe('RecordReport by a patient', () => {
    it('records the patient’s own document: author role patient, basis self, one event saying so', async () => {
      const args = reportArguments(1, people.patientB, { type: 'prescription' });
      const report = await scenario.recordReport(people.patientB, args, '2026-03-02T10:00:00.000Z');
      expect(report).toEqual({
        ...args,
        size: 4096,
        hospitalMspId: HOSPITAL_B,
        authorId: people.patientB.uid,
        authorMspId: HOSPITAL_B,
        authorRole: 'patient',
        recordedAt: '2026-03-02T10:00:00.000Z',
        writeBasis: 'self',
        writeBasisId: people.patientB.uid,
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'ReportRecorded',
        payload: {
          ...scenario.envelope(people.patientB, { report }),
          reportId: reportId(1),
          patientId: people.patientB.uid,
          authorId: people.patientB.uid,
          authorRole: 'patient',
        },
      });
      const listed = await scenario.query<{ items: Array<{ reportId: string; authorRole: string }> }>(
        people.patientB,
        (ctx) => reports.ListReportsByPatient(ctx, people.patientB.uid, '10', ''),
      );
      expect(listed.items).toEqual([expect.objectContaining({ reportId: reportId(1), authorRole: 'patient' })]);
    });

    it('accepts every report type from a patient', async () => {
      const types = ['report', 'prescription', 'bill', 'lab', 'imaging', 'note'];
      for (const [n, type] of types.entries()) {
        await scenario.recordReport(people.patientA, reportArguments(n + 1, people.patientA, { type }));
      }
      expect(scenario.ledger.keys('report')).toHaveLength(types.length);
    });

    it.each([
      ['another patient of their hospital', people.otherPatientA],
      ['a patient of another hospital', people.patientB],
      ['a doctor', people.doctorA],
      ['an unregistered uid', { uid: reportId(99) }],
    ])('refuses a patient recording for %s (FORBIDDEN), storing nothing', async (_label, other) => {
      await expect(
        scenario.recordReport(people.patientA, reportArguments(1, people.patientA, { patientId: other.uid })),
      ).rejects.toThrow(/^FORBIDDEN: a patient records reports for themself only/);
      expect(scenario.ledger.keys('report')).toEqual([]);
      expect(scenario.ledger.events.at(-1)?.name).toBe('CareAssigned');
    });

    it('checks the arguments first (INVALID_ARGUMENT) and refuses an erased patient (CONFLICT)', async () => {
      await expect(
        scenario.recordReport(people.patientA, reportArguments(1, people.patientA, { patientId: 'me' })),
      ).rejects.toThrow(/^INVALID_ARGUMENT: patientId/);
      await expect(
        scenario.recordReport(people.patientA, reportArguments(1, people.patientA, { type: 'x-ray' })),
      ).rejects.toThrow(/^INVALID_ARGUMENT: type/);
      await scenario.submit(people.adminA, (ctx) => erasure.RecordErasure(ctx, people.patientA.uid));
      await expect(scenario.recordReport(people.patientA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^CONFLICT: patient .* was erased/,
      );
    });

    it('the patient opens it with basis patient; a doctor only under a grant, and never as its author', async () => {
      await scenario.recordReport(people.patientA, reportArguments(1, people.patientA));
      await expect(scenario.access(people.patientA, reportId(1))).resolves.toMatchObject({
        basis: 'patient',
        grantId: null,
        granteeKind: null,
        purposeOfUse: 'PATRQT',
      });
      // doctorA is in the patient's care team: care lets a doctor write, not read.
      await expect(scenario.access(people.doctorA, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      await expect(scenario.query(people.doctorA, (ctx) => reports.GetReport(ctx, reportId(1)))).rejects.toThrow(
        /^NOT_FOUND: /,
      );
      await scenario.grant(people.patientA, grantId(1), people.doctorA, [reportId(1)], days(1));
      await expect(scenario.access(people.doctorA, reportId(1))).resolves.toMatchObject({
        basis: 'grant',
        granteeKind: 'doctor',
      });
      await expect(scenario.query(people.doctorA, (ctx) => reports.GetReport(ctx, reportId(1)))).resolves.toMatchObject(
        { authorRole: 'patient', authorId: people.patientA.uid },
      );
      await expect(scenario.access(people.otherPatientA, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
    });
  });

  describe('AccessReport', () => {
    beforeEach(async () => {
      await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
    });

    it('lets the patient open their report and writes a receipt with basis patient', async () => {
      const receipt = await scenario.access(people.patientA, reportId(1), '2026-06-01T12:00:00.000Z');
      expect(receipt).toEqual({
        txId: scenario.ledger.lastTxId,
        reportId: reportId(1),
        patientId: people.patientA.uid,
        readerId: people.patientA.uid,
        readerMspId: HOSPITAL_A,
        readerRole: 'patient',
        basis: 'patient',
        grantId: null,
        granteeKind: null,
        purposeOfUse: 'PATRQT',
        at: '2026-06-01T12:00:00.000Z',
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'ReportAccessed',
        payload: {
          ...scenario.envelope(people.patientA, { receipt }),
          txId: scenario.ledger.lastTxId,
          reportId: reportId(1),
          patientId: people.patientA.uid,
          readerId: people.patientA.uid,
          grantId: null,
          granteeKind: null,
          basis: 'patient',
          purposeOfUse: 'PATRQT',
        },
      });
    });

    it('lets the author open it (basis author, for TREAT), even after their care assignment ended', async () => {
      await scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)));
      expect(await scenario.access(people.doctorA, reportId(1))).toMatchObject({
        basis: 'author',
        grantId: null,
        purposeOfUse: 'TREAT',
      });
      expect(scenario.ledger.events.at(-1)?.payload).toMatchObject({ basis: 'author', purposeOfUse: 'TREAT' });
    });

    it('lets a doctor of another hospital open a report under a grant covering it (basis grant, its purpose)', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(1)], days(7), undefined, 'CAREMGT');
      expect(await scenario.access(people.doctorB, reportId(1))).toMatchObject({
        readerId: people.doctorB.uid,
        readerMspId: HOSPITAL_B,
        readerRole: 'doctor',
        basis: 'grant',
        grantId: grantId(1),
        granteeKind: 'doctor',
        purposeOfUse: 'CAREMGT',
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'ReportAccessed',
        payload: { grantId: grantId(1), granteeKind: 'doctor', basis: 'grant', purposeOfUse: 'CAREMGT' },
      });
      await expect(scenario.access(people.doctorB, reportId(2))).rejects.toThrow(/^FORBIDDEN: no grant/);
    });

    it('refuses another patient, a care-team doctor without grant, admins and auditors (FORBIDDEN)', async () => {
      await scenario.assignCare(people.adminA, assignmentId(2), people.patientA, people.otherDoctorA);
      for (const who of [people.otherPatientA, people.otherDoctorA, people.adminA, people.auditor, people.adminB]) {
        await expect(scenario.access(who, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      }
      expect(scenario.ledger.keys('receipt')).toEqual([]);
    });

    it('refuses after revocation (GRANT_REVOKED) from the very next transaction', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(7), '2026-05-30T00:00:00.000Z');
      await scenario.access(people.doctorB, reportId(1), '2026-05-31T00:00:00.000Z');
      await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1)), '2026-06-01T00:00:00.000Z');
      await expect(scenario.access(people.doctorB, reportId(1), '2026-06-01T00:00:00.001Z')).rejects.toThrow(
        /^GRANT_REVOKED: grant/,
      );
    });

    it('expiry boundary: allowed 1 ms before expiresAt, GRANT_EXPIRED exactly at expiresAt', async () => {
      const grant = await scenario.grant(
        people.patientA,
        grantId(1),
        people.doctorB,
        null,
        days(1),
        '2026-06-01T08:00:00.000Z',
      );
      expect(grant.expiresAt).toBe('2026-06-02T08:00:00.000Z');
      await expect(scenario.access(people.doctorB, reportId(1), '2026-06-02T07:59:59.999Z')).resolves.toMatchObject({
        basis: 'grant',
      });
      await expect(scenario.access(people.doctorB, reportId(1), '2026-06-02T08:00:00.000Z')).rejects.toThrow(
        /^GRANT_EXPIRED: /,
      );
    });

    it('uses an active emergency grant (basis emergency, ETREAT) and reports the most recent ending otherwise', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-06-01T00:00:00.000Z');
      await scenario.declareEmergency(people.doctorB, grantId(2), people.patientA, 2, '2026-06-10T00:00:00.000Z');
      expect(await scenario.access(people.doctorB, reportId(2), '2026-06-10T01:00:00.000Z')).toMatchObject({
        basis: 'emergency',
        grantId: grantId(2),
        purposeOfUse: 'ETREAT',
      });
      expect(scenario.ledger.events.at(-1)?.payload).toMatchObject({ basis: 'emergency', purposeOfUse: 'ETREAT' });
      await expect(scenario.access(people.doctorB, reportId(2), '2026-06-10T02:00:00.000Z')).rejects.toThrow(
        new RegExp(`^GRANT_EXPIRED: grant ${grantId(2)}`),
      );
    });

    it('prefers an active consent grant over an emergency one', async () => {
      await scenario.declareEmergency(people.doctorB, grantId(1), people.patientA, 24);
      await scenario.grant(people.patientA, grantId(2), people.doctorB, [reportId(1)], days(3), undefined, 'HRESCH');
      expect(await scenario.access(people.doctorB, reportId(1))).toMatchObject({
        basis: 'grant',
        grantId: grantId(2),
        purposeOfUse: 'HRESCH',
      });
    });

    it('answers NOT_FOUND for an unknown report and INVALID_ARGUMENT for a malformed ID', async () => {
      await expect(scenario.access(people.patientA, reportId(9))).rejects.toThrow(/^NOT_FOUND: /);
      await expect(scenario.access(people.patientA, 'report-1')).rejects.toThrow(/^INVALID_ARGUMENT: reportId/);
    });
  });

  describe('RecordRefusedAccess', () => {
    const T0 = '2026-06-01T08:00:00.000Z';
    const refusals = () => scenario.ledger.keys('refusal');
    /** The ChaincodeError code a rejected promise carries, or `admitted`. */
    const outcome = (attempt: Promise<unknown>): Promise<string> =>
      attempt.then(
        () => 'admitted',
        (error: Error) => error.message.split(':')[0],
      );

    beforeEach(async () => {
      await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
    });

    it('records FORBIDDEN for a doctor no grant lets in, signed by that doctor, as AccessReport refuses them', async () => {
      await expect(scenario.access(people.doctorB, reportId(1), T0)).rejects.toThrow(/^FORBIDDEN: no grant/);
      const refusal = await scenario.recordRefusal(people.doctorB, reportId(1), T0);
      const txId = scenario.ledger.lastTxId;
      expect(refusal).toEqual({
        txId,
        reportId: reportId(1),
        patientId: people.patientA.uid,
        readerId: people.doctorB.uid,
        readerMspId: HOSPITAL_B,
        readerRole: 'doctor',
        code: 'FORBIDDEN',
        grantId: null,
        purposeOfUse: null,
        at: T0,
      });
      expect(JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey('refusal', [txId]))!)).toEqual(refusal);
      expect([
        ...scenario.ledger.keys('refusal~report'),
        ...scenario.ledger.keys('refusal~patient'),
        ...scenario.ledger.keys('refusal~reader'),
      ]).toEqual([
        scenario.ledger.compositeKey('refusal~report', [reportId(1), T0, txId]),
        scenario.ledger.compositeKey('refusal~patient', [people.patientA.uid, T0, txId]),
        scenario.ledger.compositeKey('refusal~reader', [people.doctorB.uid, T0, txId]),
      ]);
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId,
        name: 'ReportAccessRefused',
        payload: {
          ...scenario.envelope(people.doctorB, { refusal }),
          txId,
          reportId: reportId(1),
          patientId: people.patientA.uid,
          readerId: people.doctorB.uid,
          code: 'FORBIDDEN',
          grantId: null,
          purposeOfUse: null,
        },
      });
    });

    it('records GRANT_EXPIRED with the grant and its purpose once it expired; CONFLICT while it lets the doctor in', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), T0, 'CAREMGT');
      const lastInForce = '2026-06-02T07:59:59.999Z';
      await expect(scenario.access(people.doctorB, reportId(1), lastInForce)).resolves.toMatchObject({
        basis: 'grant',
      });
      await expect(scenario.recordRefusal(people.doctorB, reportId(1), lastInForce)).rejects.toThrow(
        /^CONFLICT: the caller may open report .*: access is not refused/,
      );
      await expect(scenario.access(people.doctorB, reportId(1), '2026-06-02T08:00:00.000Z')).rejects.toThrow(
        /^GRANT_EXPIRED: /,
      );
      expect(await scenario.recordRefusal(people.doctorB, reportId(1), '2026-06-02T08:00:00.000Z')).toMatchObject({
        code: 'GRANT_EXPIRED',
        grantId: grantId(1),
        purposeOfUse: 'CAREMGT',
        at: '2026-06-02T08:00:00.000Z',
      });
      expect(scenario.ledger.events.at(-1)?.payload).toMatchObject({
        code: 'GRANT_EXPIRED',
        grantId: grantId(1),
        purposeOfUse: 'CAREMGT',
      });
    });

    it('records GRANT_REVOKED with the grant from the transaction after the revocation; CONFLICT before it', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(7), T0, 'HRESCH');
      await expect(scenario.recordRefusal(people.doctorB, reportId(2), '2026-06-01T09:00:00.000Z')).rejects.toThrow(
        /^CONFLICT: /,
      );
      await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1)), '2026-06-01T10:00:00.000Z');
      await expect(scenario.access(people.doctorB, reportId(2), '2026-06-01T10:00:00.001Z')).rejects.toThrow(
        /^GRANT_REVOKED: /,
      );
      expect(await scenario.recordRefusal(people.doctorB, reportId(2), '2026-06-01T10:00:00.001Z')).toMatchObject({
        reportId: reportId(2),
        code: 'GRANT_REVOKED',
        grantId: grantId(1),
        purposeOfUse: 'HRESCH',
      });
    });

    it('records the most recent ending among grants, as AccessReport names it (an emergency grant’s ETREAT)', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1), '2026-05-01T00:00:00.000Z');
      await scenario.declareEmergency(people.doctorB, grantId(2), people.patientA, 1, '2026-05-10T00:00:00.000Z');
      await expect(scenario.access(people.doctorB, reportId(1), T0)).rejects.toThrow(
        new RegExp(`^GRANT_EXPIRED: grant ${grantId(2)}`),
      );
      expect(await scenario.recordRefusal(people.doctorB, reportId(1), T0)).toMatchObject({
        code: 'GRANT_EXPIRED',
        grantId: grantId(2),
        purposeOfUse: 'ETREAT',
      });
    });

    it.each([
      ['an auditor', people.auditor],
      ['an auditor of another hospital', people.auditorB],
      ['an admin', people.adminA],
      ['an admin of another hospital', people.adminB],
    ])('records FORBIDDEN for %s, whose role never opens content', async (_label, who) => {
      await expect(scenario.access(who, reportId(1))).rejects.toThrow(/^FORBIDDEN: only patient or doctor/);
      expect(await scenario.recordRefusal(who, reportId(1))).toMatchObject({
        readerId: who.uid,
        readerMspId: who.mspId,
        readerRole: who.role,
        code: 'FORBIDDEN',
        grantId: null,
      });
    });

    it('records FORBIDDEN for a patient opening another patient’s report', async () => {
      await expect(scenario.access(people.otherPatientA, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      expect(await scenario.recordRefusal(people.otherPatientA, reportId(1))).toMatchObject({
        readerId: people.otherPatientA.uid,
        readerRole: 'patient',
        patientId: people.patientA.uid,
        code: 'FORBIDDEN',
      });
    });

    it('records FORBIDDEN, not GRANT_EXPIRED, for a doctor outside the care team an expired care-team grant named', async () => {
      await scenario.grantOrganisation(people.patientA, grantId(1), 'care-team', HOSPITAL_B, null, days(1), T0);
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB, T0);
      await expect(scenario.recordRefusal(people.doctorB, reportId(1), '2026-06-01T09:00:00.000Z')).rejects.toThrow(
        /^CONFLICT: /,
      );
      const later = '2026-06-03T00:00:00.000Z';
      expect(await scenario.recordRefusal(people.doctorB, reportId(1), later)).toMatchObject({
        code: 'GRANT_EXPIRED',
        grantId: grantId(1),
      });
      expect(await scenario.recordRefusal(people.otherDoctorB, reportId(1), later)).toMatchObject({
        code: 'FORBIDDEN',
        grantId: null,
      });
    });

    describe('answers CONFLICT and writes nothing when the caller would be let in', () => {
      const expectNotRefused = async (who: Person, report = reportId(1), at?: string) => {
        const events = scenario.ledger.events.length;
        await expect(scenario.recordRefusal(who, report, at)).rejects.toThrow(/^CONFLICT: /);
        expect(refusals()).toEqual([]);
        expect(scenario.ledger.keys('refusal~reader')).toEqual([]);
        expect(scenario.ledger.events).toHaveLength(events);
        await expect(scenario.access(who, report, at)).resolves.toMatchObject({ readerId: who.uid });
      };

      it('the patient, for their own report', () => expectNotRefused(people.patientA));

      it('the author, even after their care ended', async () => {
        await scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)));
        await expectNotRefused(people.doctorA);
      });

      it('a doctor under their own grant covering the report', async () => {
        await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(2)], days(1));
        await expectNotRefused(people.doctorB, reportId(2));
      });

      it('a doctor under a grant to their hospital', async () => {
        await scenario.grantOrganisation(people.patientA, grantId(1), 'hospital', HOSPITAL_B, null, days(1));
        await expectNotRefused(people.otherDoctorB);
      });

      it('a doctor under their emergency grant', async () => {
        await scenario.declareEmergency(people.doctorB, grantId(1), people.patientA, 2);
        await expectNotRefused(people.doctorB);
      });
    });

    it('answers NOT_FOUND for an unknown or voided report and INVALID_ARGUMENT for a malformed ID, writing nothing', async () => {
      await scenario.submit(people.doctorA, (ctx) => reports.VoidReport(ctx, reportId(8)));
      const events = scenario.ledger.events.length;
      await expect(scenario.recordRefusal(people.doctorB, reportId(9))).rejects.toThrow(/^NOT_FOUND: report/);
      await expect(scenario.recordRefusal(people.auditor, reportId(9))).rejects.toThrow(/^NOT_FOUND: report/);
      await expect(scenario.recordRefusal(people.doctorB, reportId(8))).rejects.toThrow(/^NOT_FOUND: report .* voided/);
      await expect(scenario.recordRefusal(people.doctorB, 'report-1')).rejects.toThrow(/^INVALID_ARGUMENT: reportId/);
      expect(refusals()).toEqual([]);
      expect(scenario.ledger.events).toHaveLength(events);
    });

    it('takes the reader from the certificate only: no one records a refusal in another’s name', async () => {
      // The report ID is the only argument: the reader is whoever signs.
      expect(reports.RecordRefusedAccess.length).toBe(2);
      // doctorA may open the report: signed by doctorA, no refusal exists to record.
      await expect(scenario.recordRefusal(people.doctorA, reportId(1))).rejects.toThrow(/^CONFLICT: /);
      // A certificate naming doctorA's uid from another hospital is not doctorA.
      await expect(scenario.recordRefusal(impostorOf(people.doctorA), reportId(1))).rejects.toThrow(
        /^FORBIDDEN: the caller certificate does not match/,
      );
      // Nor is one naming a uid no one registered, or one without ehr attributes.
      const stranger = { mspId: HOSPITAL_B, attributes: { 'ehr.uid': uuid('0e', 99), 'ehr.role': 'doctor' } };
      await expect(scenario.recordRefusal(stranger, reportId(1))).rejects.toThrow(/^FORBIDDEN: .* is not registered/);
      await expect(scenario.recordRefusal({ mspId: HOSPITAL_B }, reportId(1))).rejects.toThrow(/^FORBIDDEN: /);
      expect(refusals()).toEqual([]);
      // A refusal recorded by doctorB is doctorB's.
      expect(await scenario.recordRefusal(people.doctorB, reportId(1))).toMatchObject({ readerId: people.doctorB.uid });
    });

    it('decides exactly as AccessReport, for every caller, report and time', async () => {
      await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(1)], days(1), T0, 'CAREMGT');
      await scenario.grantOrganisation(people.patientA, grantId(2), 'care-team', HOSPITAL_B, null, days(2), T0);
      await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.otherDoctorB, T0);
      await scenario.grantOrganisation(people.patientA, grantId(3), 'hospital', HOSPITAL_A, [reportId(2)], days(3), T0);
      await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(3)), '2026-06-01T09:00:00.000Z');
      const compared: string[] = [];
      for (const at of ['2026-06-01T10:00:00.000Z', '2026-06-02T10:00:00.000Z', '2026-06-04T10:00:00.000Z']) {
        for (const who of Object.values(people)) {
          for (const report of [reportId(1), reportId(2)]) {
            const refused = await scenario.recordRefusal(who, report, at).then(
              (refusal: { code: string; grantId: string | null }) => refusal,
              (error: Error) => ({ code: error.message.split(':')[0], grantId: null }),
            );
            const access = await outcome(scenario.access(who, report, at));
            expect({ who: who.uid, report, at, refused: refused.code }).toEqual({
              who: who.uid,
              report,
              at,
              refused: access === 'admitted' ? 'CONFLICT' : access,
            });
            compared.push(refused.code);
          }
        }
      }
      // The walk met every outcome.
      expect(new Set(compared)).toEqual(new Set(['CONFLICT', 'FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']));
    });
  });

  describe('VoidReport', () => {
    const voidReport = (who: (typeof people)[keyof typeof people], id: string, at?: string) =>
      scenario.submit(who, (ctx) => reports.VoidReport(ctx, id), at);

    it('marks an unrecorded ID as never to be recorded, with one event; a RecordReport of it is then refused', async () => {
      const mark = JSON.parse(await voidReport(people.doctorA, reportId(1), '2026-03-02T10:00:00.000Z'));
      expect(mark).toEqual({
        reportId: reportId(1),
        voided: true,
        voidedBy: people.doctorA.uid,
        voidedByMspId: HOSPITAL_A,
        voidedAt: '2026-03-02T10:00:00.000Z',
        alsoVoidedBy: [],
        txId: scenario.ledger.lastTxId,
      });
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'ReportVoided',
        payload: {
          ...scenario.envelope(people.doctorA, { void: mark }),
          reportId: reportId(1),
          voidedBy: people.doctorA.uid,
        },
      });
      await expect(scenario.recordReport(people.doctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^CONFLICT: report .* was voided by the caller/,
      );
      await expect(scenario.access(people.patientA, reportId(1))).rejects.toThrow(/^NOT_FOUND: report .* voided/);
    });

    it('refuses a recorded report (CONFLICT), which stays as it was', async () => {
      await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      const before = scenario.ledger.read(scenario.ledger.compositeKey('report', [reportId(1)]));
      await expect(voidReport(people.doctorA, reportId(1))).rejects.toThrow(/^CONFLICT: report .* is recorded/);
      expect(scenario.ledger.read(scenario.ledger.compositeKey('report', [reportId(1)]))).toBe(before);
    });

    it('voiding again changes nothing and emits nothing', async () => {
      const first = await voidReport(people.doctorA, reportId(1));
      const events = scenario.ledger.events.length;
      expect(await voidReport(people.doctorA, reportId(1))).toBe(first);
      expect(scenario.ledger.events.length).toBe(events);
    });

    it('a patient voids an unrecorded ID of their own upload, the mark naming them; not a recorded one (CONFLICT)', async () => {
      const mark = JSON.parse(await voidReport(people.patientA, reportId(5), '2026-03-02T10:00:00.000Z'));
      expect(mark).toMatchObject({
        reportId: reportId(5),
        voidedBy: people.patientA.uid,
        voidedByMspId: HOSPITAL_A,
        voidedAt: '2026-03-02T10:00:00.000Z',
      });
      expect(scenario.ledger.events.at(-1)?.payload).toEqual({
        ...scenario.envelope(people.patientA, { void: mark }),
        reportId: reportId(5),
        voidedBy: people.patientA.uid,
      });
      await expect(scenario.recordReport(people.patientA, reportArguments(5, people.patientA))).rejects.toThrow(
        /^CONFLICT: report .* was voided by the caller/,
      );
      await scenario.recordReport(people.patientA, reportArguments(6, people.patientA));
      await expect(voidReport(people.patientA, reportId(6))).rejects.toThrow(/^CONFLICT: report .* is recorded/);
      await scenario.recordReport(people.doctorA, reportArguments(7, people.patientA));
      await expect(voidReport(people.patientA, reportId(7))).rejects.toThrow(/^CONFLICT: report .* is recorded/);
    });

    it('a void by another user does not block the upload: the report replaces the mark', async () => {
      const reportKey = scenario.ledger.compositeKey('report', [reportId(1)]);
      for (const other of [people.patientB, people.otherDoctorA]) await voidReport(other, reportId(1));
      const report = await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
      expect(report).toMatchObject({ reportId: reportId(1), authorId: people.doctorA.uid, writeBasis: 'care' });
      expect(JSON.parse(scenario.ledger.read(reportKey) ?? '')).toEqual(report);
      expect(scenario.ledger.events.at(-1)?.name).toBe('ReportRecorded');
      await expect(scenario.query(people.patientA, (ctx) => reports.GetReport(ctx, reportId(1)))).resolves.toEqual(
        report,
      );
      await expect(voidReport(people.patientB, reportId(1))).rejects.toThrow(/^CONFLICT: report .* is recorded/);
      // A patient's own upload too.
      await voidReport(people.doctorB, reportId(2));
      await expect(scenario.recordReport(people.patientA, reportArguments(2, people.patientA))).resolves.toMatchObject({
        authorRole: 'patient',
        writeBasis: 'self',
      });
    });

    it('a void by the author blocks their record whoever voided before or after, the mark keeping every voider', async () => {
      await voidReport(people.patientB, reportId(1), '2026-03-02T10:00:00.000Z');
      const mark = JSON.parse(await voidReport(people.doctorA, reportId(1), '2026-03-02T10:00:01.000Z'));
      expect(mark).toMatchObject({
        voidedBy: people.patientB.uid,
        voidedByMspId: HOSPITAL_B,
        voidedAt: '2026-03-02T10:00:00.000Z',
        alsoVoidedBy: [people.doctorA.uid],
      });
      expect(scenario.ledger.events.at(-1)).toMatchObject({
        name: 'ReportVoided',
        payload: { reportId: reportId(1), voidedBy: people.doctorA.uid },
      });
      await expect(scenario.recordReport(people.doctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^CONFLICT: report .* was voided by the caller/,
      );
      // A later void by someone else cannot take the mark away from the author.
      const after = JSON.parse(await voidReport(people.otherDoctorA, reportId(1)));
      expect(after.alsoVoidedBy).toEqual([people.doctorA.uid, people.otherDoctorA.uid]);
      await expect(scenario.recordReport(people.doctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^CONFLICT: report .* was voided by the caller/,
      );
      // Voiding again as one who voided already changes nothing and emits nothing.
      const events = scenario.ledger.events.length;
      for (const who of [people.patientB, people.doctorA, people.otherDoctorA]) {
        expect(JSON.parse(await voidReport(who, reportId(1)))).toEqual(after);
      }
      expect(scenario.ledger.events.length).toBe(events);
    });

    it('a mark of the previous version (no alsoVoidedBy) blocks its voider only', async () => {
      const stored = {
        reportId: reportId(1),
        voided: true,
        voidedBy: people.doctorA.uid,
        voidedByMspId: HOSPITAL_A,
        voidedAt: '2026-01-01T00:00:00.000Z',
        txId: 'e'.repeat(64),
      };
      scenario.plant('report', reportId(1), stored);
      await expect(scenario.recordReport(people.doctorA, reportArguments(1, people.patientA))).rejects.toThrow(
        /^CONFLICT: report .* was voided by the caller/,
      );
      expect(JSON.parse(await voidReport(people.doctorA, reportId(1)))).toEqual({ ...stored, alsoVoidedBy: [] });
      scenario.plant('report', reportId(2), { ...stored, reportId: reportId(2), voidedBy: people.patientB.uid });
      await expect(scenario.recordReport(people.doctorA, reportArguments(2, people.patientA))).resolves.toMatchObject({
        reportId: reportId(2),
      });
    });

    it.each([
      ['an admin', people.adminA],
      ['an auditor', people.auditor],
    ])('refuses %s (FORBIDDEN)', async (_label, who) => {
      await expect(voidReport(who, reportId(1))).rejects.toThrow(/^FORBIDDEN: only doctor or patient/);
    });

    it('refuses a malformed ID (INVALID_ARGUMENT)', async () => {
      await expect(voidReport(people.doctorA, 'report-1')).rejects.toThrow(/^INVALID_ARGUMENT: reportId/);
    });
  });

  describe('reports written by the previous version', () => {
    it('a report without an author role is a doctor’s: read, listed and opened as one', async () => {
      const stored = legacy.report(1);
      expect(stored).not.toHaveProperty('authorRole');
      scenario.plant('report', reportId(1), stored);
      await expect(scenario.query(people.auditor, (ctx) => reports.GetReport(ctx, reportId(1)))).resolves.toEqual({
        ...stored,
        authorRole: 'doctor',
      });
      await expect(scenario.access(people.doctorA, reportId(1))).resolves.toMatchObject({
        basis: 'author',
        granteeKind: null,
      });
      await expect(scenario.access(people.patientA, reportId(1))).resolves.toMatchObject({ basis: 'patient' });
    });

    it('a stored author role is kept, so an inconsistent one is corrupt state', () => {
      scenario.plant('report', reportId(1), { ...legacy.report(1), authorRole: 'patient' });
      return expect(scenario.query(people.auditor, (ctx) => reports.GetReport(ctx, reportId(1)))).rejects.toThrow(
        /^CORRUPT_STATE: stored report is invalid/,
      );
    });
  });

  describe('queries', () => {
    beforeEach(async () => {
      for (const n of [1, 2, 3]) await scenario.recordReport(people.doctorA, reportArguments(n, people.patientA));
      await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(2)], days(7));
    });

    it('GetReport: patient, author, grantee of that report and auditor; NOT_FOUND for everyone else', async () => {
      for (const who of [people.patientA, people.doctorA, people.auditor]) {
        await expect(scenario.query(who, (ctx) => reports.GetReport(ctx, reportId(1)))).resolves.toMatchObject({
          reportId: reportId(1),
        });
      }
      await expect(scenario.query(people.doctorB, (ctx) => reports.GetReport(ctx, reportId(2)))).resolves.toMatchObject(
        {
          reportId: reportId(2),
        },
      );
      for (const who of [people.doctorB, people.adminA, people.otherPatientA, people.otherDoctorA]) {
        await expect(scenario.query(who, (ctx) => reports.GetReport(ctx, reportId(1)))).rejects.toThrow(/^NOT_FOUND: /);
      }
    });

    it('ListReportsByPatient pages all for the patient and only what a grantee may open for a doctor', async () => {
      const first = await scenario.query<{ items: Array<{ reportId: string }>; nextBookmark: string }>(
        people.patientA,
        (ctx) => reports.ListReportsByPatient(ctx, people.patientA.uid, '2', ''),
      );
      expect(first.items.map((r) => r.reportId)).toEqual([reportId(1), reportId(2)]);
      const rest = await scenario.query<{ items: Array<{ reportId: string }>; nextBookmark: string | null }>(
        people.patientA,
        (ctx) => reports.ListReportsByPatient(ctx, people.patientA.uid, '2', first.nextBookmark),
      );
      expect(rest).toEqual({ items: [expect.objectContaining({ reportId: reportId(3) })], nextBookmark: null });
      const granted = await scenario.query<{ items: Array<{ reportId: string }> }>(people.doctorB, (ctx) =>
        reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(granted.items.map((r) => r.reportId)).toEqual([reportId(2)]);
      await expect(
        scenario.query(people.otherPatientA, (ctx) => reports.ListReportsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(
        scenario.query(people.adminA, (ctx) => reports.ListReportsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('ListReportsByAuthor for the author and auditors; ListReports for auditors only', async () => {
      const mine = await scenario.query<{ items: unknown[] }>(people.doctorA, (ctx) =>
        reports.ListReportsByAuthor(ctx, people.doctorA.uid, '10', ''),
      );
      expect(mine.items).toHaveLength(3);
      await expect(
        scenario.query(people.doctorB, (ctx) => reports.ListReportsByAuthor(ctx, people.doctorA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      const all = await scenario.query<{ items: unknown[] }>(people.auditor, (ctx) =>
        reports.ListReports(ctx, '10', ''),
      );
      expect(all.items).toHaveLength(3);
      await expect(scenario.query(people.patientA, (ctx) => reports.ListReports(ctx, '10', ''))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
    });

    it('ListReports leaves out a report ID voided before it was recorded, and lists the rest', async () => {
      await scenario.submit(people.doctorA, (ctx) => reports.VoidReport(ctx, reportId(9)));

      const all = await scenario.query<{ items: Array<{ reportId: string }> }>(people.auditor, (ctx) =>
        reports.ListReports(ctx, '10', ''),
      );

      expect(all.items).toHaveLength(3);
      expect(all.items.map((item) => item.reportId)).not.toContain(reportId(9));
    });

    it('the ledger holds only IDs, digests, enums, numbers, times and MSP ids: no free text', async () => {
      const stored = scenario.ledger.read(scenario.ledger.compositeKey('report', [reportId(1)])) ?? '';
      const values = Object.values(JSON.parse(stored)).map(String);
      const allowed =
        /^([0-9a-f-]{36}|[0-9a-f]{64}|b[a-z2-7]{58}|\d+|[a-z0-9-]+|\d{4}-\d\d-\d\dT[\d:.]+Z|Hospital[AB]MSP)$/;
      expect(values.filter((value) => !allowed.test(value))).toEqual([]);
    });
  });
});
