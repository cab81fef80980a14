import {
  assignmentId,
  contracts,
  days,
  grantId,
  legacy,
  people,
  reportArguments,
  reportId,
  Scenario,
} from '../testing/fixtures';

const { audit, consent } = contracts;

interface Version {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: Record<string, unknown> | null;
}

describe('AuditContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(5), '2026-09-01T00:00:00.000Z');
  });

  it('GetRecordHistory lists every version of a grant oldest first, with transaction IDs and times', async () => {
    const granted = scenario.ledger.lastTxId;
    await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(1)), '2026-09-02T00:00:00.000Z');
    const revoked = scenario.ledger.lastTxId;
    const history = await scenario.query<Version[]>(people.auditor, (ctx) =>
      audit.GetRecordHistory(ctx, 'grant', grantId(1)),
    );
    expect(history.map((version) => [version.txId, version.timestamp, version.value?.status])).toEqual([
      [granted, '2026-09-01T00:00:00.000Z', 'active'],
      [revoked, '2026-09-02T00:00:00.000Z', 'revoked'],
    ]);
  });

  it('lets the patient concerned read histories of their records, and nobody else but auditors', async () => {
    for (const [type, id] of [
      ['report', reportId(1)],
      ['grant', grantId(1)],
      ['care', assignmentId(1)],
      ['participant', people.patientA.uid],
    ]) {
      await expect(
        scenario.query<Version[]>(people.patientA, (ctx) => audit.GetRecordHistory(ctx, type, id)),
      ).resolves.toHaveLength(1);
      await expect(
        scenario.query(people.otherPatientA, (ctx) => audit.GetRecordHistory(ctx, type, id)),
      ).rejects.toThrow(/^FORBIDDEN: /);
    }
    for (const who of [people.doctorA, people.adminA]) {
      await expect(scenario.query(who, (ctx) => audit.GetRecordHistory(ctx, 'report', reportId(1)))).rejects.toThrow(
        /^FORBIDDEN: /,
      );
    }
  });

  it('refuses unknown record types and records (INVALID_ARGUMENT, NOT_FOUND)', async () => {
    await expect(
      scenario.query(people.auditor, (ctx) => audit.GetRecordHistory(ctx, 'probe', reportId(1))),
    ).rejects.toThrow(/^INVALID_ARGUMENT: recordType/);
    await expect(
      scenario.query(people.auditor, (ctx) => audit.GetRecordHistory(ctx, 'report', reportId(7))),
    ).rejects.toThrow(/^NOT_FOUND: /);
    await expect(
      scenario.query(people.auditor, (ctx) => audit.GetRecordHistory(ctx, 'receipt', reportId(1))),
    ).rejects.toThrow(/^INVALID_ARGUMENT: recordId/);
  });

  describe('access receipts', () => {
    beforeEach(async () => {
      await scenario.access(people.patientA, reportId(1));
      await scenario.access(people.doctorB, reportId(1));
      await scenario.access(people.doctorA, reportId(1));
    });

    it('by report and by patient, oldest first, for auditors and the patient; pages with a bookmark', async () => {
      const page = await scenario.query<{ items: Array<{ readerId: string; basis: string }>; nextBookmark: string }>(
        people.patientA,
        (ctx) => audit.ListReceiptsByReport(ctx, reportId(1), '2', ''),
      );
      expect(page.items.map((r) => [r.readerId, r.basis])).toEqual([
        [people.patientA.uid, 'patient'],
        [people.doctorB.uid, 'grant'],
      ]);
      const rest = await scenario.query<{ items: Array<{ basis: string }>; nextBookmark: string | null }>(
        people.auditor,
        (ctx) => audit.ListReceiptsByReport(ctx, reportId(1), '2', page.nextBookmark),
      );
      expect(rest).toEqual({ items: [expect.objectContaining({ basis: 'author' })], nextBookmark: null });
      const byPatient = await scenario.query<{ items: unknown[] }>(people.patientA, (ctx) =>
        audit.ListReceiptsByPatient(ctx, people.patientA.uid, '10', ''),
      );
      expect(byPatient.items).toHaveLength(3);
      await expect(
        scenario.query(people.doctorA, (ctx) => audit.ListReceiptsByReport(ctx, reportId(1), '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(
        scenario.query(people.otherPatientA, (ctx) => audit.ListReceiptsByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('by reader for auditors and the reader; one receipt by its transaction ID', async () => {
      const mine = await scenario.query<{ items: Array<{ txId: string }> }>(people.doctorB, (ctx) =>
        audit.ListReceiptsByReader(ctx, people.doctorB.uid, '10', ''),
      );
      expect(mine.items).toHaveLength(1);
      await expect(
        scenario.query(people.doctorA, (ctx) => audit.ListReceiptsByReader(ctx, people.doctorB.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      const txId = mine.items[0].txId;
      await expect(scenario.query(people.patientA, (ctx) => audit.GetAccessReceipt(ctx, txId))).resolves.toMatchObject({
        txId,
        readerId: people.doctorB.uid,
      });
      await expect(scenario.query(people.otherPatientA, (ctx) => audit.GetAccessReceipt(ctx, txId))).rejects.toThrow(
        /^NOT_FOUND: /,
      );
      const history = await scenario.query<Version[]>(people.patientA, (ctx) =>
        audit.GetRecordHistory(ctx, 'receipt', txId),
      );
      expect(history).toEqual([expect.objectContaining({ txId, isDelete: false })]);
    });
  });

  describe('access refusals', () => {
    type RefusalPage = { items: Array<{ txId: string; readerId: string; code: string }>; nextBookmark: string | null };
    let refusalTx: string;
    beforeEach(async () => {
      await scenario.recordRefusal(people.otherDoctorA, reportId(1));
      refusalTx = scenario.ledger.lastTxId;
      await scenario.recordRefusal(people.auditorB, reportId(1));
      await scenario.recordRefusal(people.otherPatientA, reportId(1));
    });

    it('by report and by patient, oldest first, for auditors and the report’s patient; pages with a bookmark', async () => {
      const page = await scenario.query<RefusalPage>(people.patientA, (ctx) =>
        audit.ListRefusalsByReport(ctx, reportId(1), '2', ''),
      );
      expect(page.items.map((r) => [r.readerId, r.code])).toEqual([
        [people.otherDoctorA.uid, 'FORBIDDEN'],
        [people.auditorB.uid, 'FORBIDDEN'],
      ]);
      const rest = await scenario.query<RefusalPage>(people.auditorB, (ctx) =>
        audit.ListRefusalsByReport(ctx, reportId(1), '2', page.nextBookmark ?? ''),
      );
      expect(rest).toEqual({
        items: [expect.objectContaining({ readerId: people.otherPatientA.uid })],
        nextBookmark: null,
      });
      for (const who of [people.patientA, people.auditor, people.auditorB]) {
        const byPatient = await scenario.query<RefusalPage>(who, (ctx) =>
          audit.ListRefusalsByPatient(ctx, people.patientA.uid, '10', ''),
        );
        expect(byPatient.items).toHaveLength(3);
      }
    });

    it('refuses another patient, doctors and admins the lists by report and by patient (FORBIDDEN)', async () => {
      for (const who of [people.otherPatientA, people.doctorA, people.adminA]) {
        await expect(
          scenario.query(who, (ctx) => audit.ListRefusalsByPatient(ctx, people.patientA.uid, '10', '')),
        ).rejects.toThrow(/^FORBIDDEN: /);
        await expect(
          scenario.query(who, (ctx) => audit.ListRefusalsByReport(ctx, reportId(1), '10', '')),
        ).rejects.toThrow(/^FORBIDDEN: /);
      }
      await expect(
        scenario.query(people.auditor, (ctx) => audit.ListRefusalsByReport(ctx, reportId(9), '10', '')),
      ).rejects.toThrow(/^NOT_FOUND: /);
    });

    it('by reader for auditors and the reader (an admin too), nobody else', async () => {
      await scenario.recordRefusal(people.adminA, reportId(1));
      for (const who of [people.otherDoctorA, people.auditor, people.auditorB]) {
        const mine = await scenario.query<RefusalPage>(who, (ctx) =>
          audit.ListRefusalsByReader(ctx, people.otherDoctorA.uid, '10', ''),
        );
        expect(mine.items.map((r) => r.txId)).toEqual([refusalTx]);
      }
      const admins = await scenario.query<RefusalPage>(people.adminA, (ctx) =>
        audit.ListRefusalsByReader(ctx, people.adminA.uid, '10', ''),
      );
      expect(admins.items).toEqual([expect.objectContaining({ readerId: people.adminA.uid })]);
      for (const who of [people.doctorA, people.patientA, people.adminA]) {
        await expect(
          scenario.query(who, (ctx) => audit.ListRefusalsByReader(ctx, people.otherDoctorA.uid, '10', '')),
        ).rejects.toThrow(/^FORBIDDEN: only auditors/);
      }
    });

    it('GetRecordHistory reads a refusal for auditors and the patient concerned, nobody else', async () => {
      for (const who of [people.auditor, people.patientA]) {
        await expect(
          scenario.query<Version[]>(who, (ctx) => audit.GetRecordHistory(ctx, 'refusal', refusalTx)),
        ).resolves.toEqual([
          expect.objectContaining({
            txId: refusalTx,
            isDelete: false,
            value: expect.objectContaining({ readerId: people.otherDoctorA.uid, code: 'FORBIDDEN' }),
          }),
        ]);
      }
      for (const who of [people.otherPatientA, people.otherDoctorA]) {
        await expect(scenario.query(who, (ctx) => audit.GetRecordHistory(ctx, 'refusal', refusalTx))).rejects.toThrow(
          /^FORBIDDEN: /,
        );
      }
      await expect(
        scenario.query(people.auditor, (ctx) => audit.GetRecordHistory(ctx, 'refusal', 'f'.repeat(64))),
      ).rejects.toThrow(/^NOT_FOUND: refusal/);
    });
  });

  describe('ListParticipants', () => {
    type ParticipantPage = {
      items: Array<{ uid: string; role: string; erasedAt?: string }>;
      nextBookmark: string | null;
    };
    const everyone = Object.values(people)
      .map((person) => person.uid)
      .sort();

    it('lists every participant in uid order for auditors of any hospital, page by page', async () => {
      for (const who of [people.auditor, people.auditorB]) {
        const first = await scenario.query<ParticipantPage>(who, (ctx) => audit.ListParticipants(ctx, '6', ''));
        const rest = await scenario.query<ParticipantPage>(who, (ctx) =>
          audit.ListParticipants(ctx, '6', first.nextBookmark ?? ''),
        );
        expect([...first.items, ...rest.items].map((p) => p.uid)).toEqual(everyone);
        expect(rest.nextBookmark).toBeNull();
      }
      const one = await scenario.query<ParticipantPage>(people.auditor, (ctx) =>
        audit.ListParticipants(ctx, '100', ''),
      );
      expect(one.items.find((p) => p.uid === people.doctorB.uid)).toEqual({
        uid: people.doctorB.uid,
        role: 'doctor',
        mspId: people.doctorB.mspId,
        registeredAt: expect.any(String),
        txId: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it('shows an erased patient’s erasedAt', async () => {
      const erasure = JSON.parse(
        await scenario.submit(people.adminA, (ctx) => contracts.erasure.RecordErasure(ctx, people.otherPatientA.uid)),
      );
      const page = await scenario.query<ParticipantPage>(people.auditor, (ctx) =>
        audit.ListParticipants(ctx, '100', ''),
      );
      expect(page.items.find((p) => p.uid === people.otherPatientA.uid)?.erasedAt).toBe(erasure.erasedAt);
      expect(page.items.find((p) => p.uid === people.patientA.uid)).not.toHaveProperty('erasedAt');
    });

    it.each([
      ['a patient', people.patientA],
      ['a doctor', people.doctorA],
      ['an admin', people.adminA],
    ])('refuses %s (FORBIDDEN)', async (_label, who) => {
      await expect(scenario.query(who, (ctx) => audit.ListParticipants(ctx, '10', ''))).rejects.toThrow(
        /^FORBIDDEN: only auditor may list participants/,
      );
    });

    it('refuses a bad page size or a bookmark of another list (INVALID_ARGUMENT)', async () => {
      await expect(scenario.query(people.auditor, (ctx) => audit.ListParticipants(ctx, '0', ''))).rejects.toThrow(
        /^INVALID_ARGUMENT: pageSize/,
      );
      await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
      const { nextBookmark: bookmark } = await scenario.query<{ nextBookmark: string }>(people.auditor, (ctx) =>
        contracts.reports.ListReports(ctx, '1', ''),
      );
      await expect(
        scenario.query(people.auditor, (ctx) => audit.ListParticipants(ctx, '10', bookmark)),
      ).rejects.toThrow(/^INVALID_ARGUMENT: bookmark does not belong/);
    });
  });

  describe('records written by the previous version', () => {
    it('GetRecordHistory reads a grant across the upgrade: both versions with a purpose and a commitment', async () => {
      scenario.plantGrant(
        legacy.consentGrant(2, { validFrom: '2026-09-01T00:00:00.000Z', expiresAt: '2026-10-01T00:00:00.000Z' }),
      );
      await scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(2)), '2026-09-02T00:00:00.000Z');
      const history = await scenario.query<Version[]>(people.auditor, (ctx) =>
        audit.GetRecordHistory(ctx, 'grant', grantId(2)),
      );
      expect(history.map((version) => version.value)).toEqual([
        expect.objectContaining({ status: 'active', purposeOfUse: 'TREAT', justificationCommitment: null }),
        expect.objectContaining({ status: 'revoked', purposeOfUse: 'TREAT', justificationCommitment: null }),
      ]);
      expect(history.every((version) => !('justificationSha256' in (version.value ?? {})))).toBe(true);
    });

    it.each([
      ['patient', 'PATRQT'],
      ['author', 'TREAT'],
      ['grant', 'TREAT'],
      ['emergency', 'ETREAT'],
    ] as const)('GetAccessReceipt reads a receipt on basis %s without a purpose as %s', async (basis, purpose) => {
      const txId = 'b'.repeat(64);
      scenario.plant('receipt', txId, legacy.receipt(basis, txId));
      await expect(scenario.query(people.auditor, (ctx) => audit.GetAccessReceipt(ctx, txId))).resolves.toMatchObject({
        txId,
        basis,
        purposeOfUse: purpose,
      });
    });
  });

  it('reports a corrupt version as CORRUPT_STATE instead of passing it on', async () => {
    scenario.ledger.seed(scenario.ledger.compositeKey('report', [reportId(1)]), Buffer.from('{"reportId":"x"}'));
    await expect(
      scenario.query(people.auditor, (ctx) => audit.GetRecordHistory(ctx, 'report', reportId(1))),
    ).rejects.toThrow(/^CORRUPT_STATE: /);
  });
});
