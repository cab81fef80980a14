import { assignmentId, contracts, HOSPITAL_A, HOSPITAL_B, people, Scenario } from '../testing/fixtures';

const { care } = contracts;

describe('CareContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
  });

  it('an admin assigns a doctor of their hospital to a patient of their hospital, from the transaction time', async () => {
    const assignment = await scenario.assignCare(
      people.adminA,
      assignmentId(1),
      people.patientA,
      people.doctorA,
      '2026-03-01T09:00:00.000Z',
    );
    expect(assignment).toEqual({
      assignmentId: assignmentId(1),
      patientId: people.patientA.uid,
      doctorId: people.doctorA.uid,
      hospitalMspId: HOSPITAL_A,
      assignedBy: people.adminA.uid,
      startedAt: '2026-03-01T09:00:00.000Z',
      endedAt: null,
      endedBy: null,
      txId: scenario.ledger.lastTxId,
    });
    expect(scenario.ledger.events.at(-1)).toMatchObject({
      name: 'CareAssigned',
      payload: { assignmentId: assignmentId(1), patientId: people.patientA.uid, doctorId: people.doctorA.uid },
    });
  });

  it.each([
    ['a doctor', people.doctorA],
    ['a patient', people.patientA],
    ['an auditor', people.auditor],
  ])('refuses %s assigning care (FORBIDDEN)', async (_label, who) => {
    await expect(
      scenario.submit(who, (ctx) => care.AssignCare(ctx, assignmentId(1), people.patientA.uid, people.doctorA.uid)),
    ).rejects.toThrow(/^FORBIDDEN: only admin/);
  });

  it('refuses a doctor of another hospital (FORBIDDEN)', async () => {
    await expect(scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorB)).rejects.toThrow(
      /^FORBIDDEN: doctor .* another hospital/,
    );
    await expect(scenario.assignCare(people.adminB, assignmentId(1), people.patientA, people.doctorA)).rejects.toThrow(
      /^FORBIDDEN: doctor .* another hospital/,
    );
    expect(scenario.ledger.keys('care')).toEqual([]);
  });

  it('an admin assigns a doctor of their hospital to a patient of another hospital; the assignment is their hospital’s', async () => {
    const assignment = await scenario.assignCare(people.adminB, assignmentId(1), people.patientA, people.doctorB);
    expect(assignment).toMatchObject({
      patientId: people.patientA.uid,
      doctorId: people.doctorB.uid,
      hospitalMspId: HOSPITAL_B,
      assignedBy: people.adminB.uid,
    });
    // One active assignment per pair, whichever hospital made it.
    await expect(scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB)).rejects.toThrow(
      /^CONFLICT: .* already in the care team/,
    );
    // Its hospital's admins end it; the patient's hospital's do not.
    await expect(scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)))).rejects.toThrow(
      /^FORBIDDEN: .*another hospital/,
    );
    await expect(scenario.submit(people.adminB, (ctx) => care.EndCare(ctx, assignmentId(1)))).resolves.toContain(
      '"endedBy"',
    );
    const ofB = await scenario.query<{ items: Array<{ assignmentId: string }> }>(people.adminB, (ctx) =>
      care.ListCareByHospital(ctx, HOSPITAL_B, '10', ''),
    );
    expect(ofB.items.map((item) => item.assignmentId)).toEqual([assignmentId(1)]);
  });

  it('refuses unknown parties and parties of the wrong role (NOT_FOUND)', async () => {
    await expect(scenario.assignCare(people.adminA, assignmentId(1), people.doctorA, people.doctorA)).rejects.toThrow(
      /^NOT_FOUND: patient/,
    );
    await expect(scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.patientA)).rejects.toThrow(
      /^NOT_FOUND: doctor/,
    );
  });

  it('refuses a duplicate assignment ID and a second active assignment of the pair (CONFLICT)', async () => {
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await expect(
      scenario.assignCare(people.adminA, assignmentId(1), people.otherPatientA, people.doctorA),
    ).rejects.toThrow(/^CONFLICT: care assignment .* already exists/);
    await expect(scenario.assignCare(people.adminA, assignmentId(2), people.patientA, people.doctorA)).rejects.toThrow(
      /^CONFLICT: .* already in the care team/,
    );
  });

  it('refuses malformed IDs (INVALID_ARGUMENT)', async () => {
    await expect(
      scenario.submit(people.adminA, (ctx) => care.AssignCare(ctx, 'A-1', people.patientA.uid, people.doctorA.uid)),
    ).rejects.toThrow(/^INVALID_ARGUMENT: assignmentId/);
    await expect(
      scenario.submit(people.adminA, (ctx) => care.AssignCare(ctx, assignmentId(1), 'alice', people.doctorA.uid)),
    ).rejects.toThrow(/^INVALID_ARGUMENT: patientId/);
  });

  it('EndCare ends an active assignment once, by an admin of its hospital, and frees the pair', async () => {
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await expect(scenario.submit(people.adminB, (ctx) => care.EndCare(ctx, assignmentId(1)))).rejects.toThrow(
      /^FORBIDDEN: .*another hospital/,
    );
    await expect(scenario.submit(people.doctorA, (ctx) => care.EndCare(ctx, assignmentId(1)))).rejects.toThrow(
      /^FORBIDDEN: /,
    );
    const ended = JSON.parse(
      await scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)), '2026-04-01T00:00:00.000Z'),
    );
    expect(ended).toMatchObject({ endedAt: '2026-04-01T00:00:00.000Z', endedBy: people.adminA.uid });
    expect(scenario.ledger.events.at(-1)?.name).toBe('CareEnded');
    await expect(scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(1)))).rejects.toThrow(
      /^CONFLICT: .*already ended/,
    );
    await expect(scenario.submit(people.adminA, (ctx) => care.EndCare(ctx, assignmentId(9)))).rejects.toThrow(
      /^NOT_FOUND: /,
    );
    await scenario.assignCare(people.adminA, assignmentId(2), people.patientA, people.doctorA);
  });

  describe('queries', () => {
    beforeEach(async () => {
      await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
      await scenario.assignCare(people.adminA, assignmentId(2), people.patientA, people.otherDoctorA);
      await scenario.assignCare(people.adminB, assignmentId(3), people.patientB, people.doctorB);
    });

    it('GetCareAssignment: patient, doctor, own-hospital admin and auditor see it; others get NOT_FOUND', async () => {
      for (const who of [people.patientA, people.doctorA, people.adminA, people.auditor]) {
        await expect(scenario.query(who, (ctx) => care.GetCareAssignment(ctx, assignmentId(1)))).resolves.toMatchObject(
          {
            assignmentId: assignmentId(1),
          },
        );
      }
      for (const who of [people.adminB, people.otherDoctorA, people.patientB]) {
        await expect(scenario.query(who, (ctx) => care.GetCareAssignment(ctx, assignmentId(1)))).rejects.toThrow(
          /^NOT_FOUND: /,
        );
      }
    });

    it('ListCareByPatient pages the care team oldest first, for the patient and the own-hospital admin', async () => {
      const first = await scenario.query<{ items: Array<{ assignmentId: string }>; nextBookmark: string }>(
        people.patientA,
        (ctx) => care.ListCareByPatient(ctx, people.patientA.uid, '1', ''),
      );
      expect(first.items.map((item) => item.assignmentId)).toEqual([assignmentId(1)]);
      const second = await scenario.query<{ items: Array<{ assignmentId: string }>; nextBookmark: string | null }>(
        people.adminA,
        (ctx) => care.ListCareByPatient(ctx, people.patientA.uid, '1', first.nextBookmark),
      );
      expect(second).toMatchObject({ items: [{ assignmentId: assignmentId(2) }], nextBookmark: null });
      await expect(
        scenario.query(people.adminB, (ctx) => care.ListCareByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      await expect(
        scenario.query(people.otherPatientA, (ctx) => care.ListCareByPatient(ctx, people.patientA.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('ListCareByDoctor and ListCareByHospital are scoped to the doctor and to the admin’s hospital', async () => {
      const byDoctor = await scenario.query<{ items: unknown[] }>(people.doctorB, (ctx) =>
        care.ListCareByDoctor(ctx, people.doctorB.uid, '10', ''),
      );
      expect(byDoctor.items).toHaveLength(1);
      await expect(
        scenario.query(people.doctorA, (ctx) => care.ListCareByDoctor(ctx, people.doctorB.uid, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      const ofA = await scenario.query<{ items: unknown[] }>(people.adminA, (ctx) =>
        care.ListCareByHospital(ctx, HOSPITAL_A, '10', ''),
      );
      expect(ofA.items).toHaveLength(2);
      await expect(
        scenario.query(people.adminA, (ctx) => care.ListCareByHospital(ctx, HOSPITAL_B, '10', '')),
      ).rejects.toThrow(/^FORBIDDEN: /);
      const ofB = await scenario.query<{ items: unknown[] }>(people.auditor, (ctx) =>
        care.ListCareByHospital(ctx, HOSPITAL_B, '10', ''),
      );
      expect(ofB.items).toHaveLength(1);
    });

    it('refuses a bookmark from another list and out-of-range page sizes (INVALID_ARGUMENT)', async () => {
      const ofA = await scenario.query<{ nextBookmark: string }>(people.adminA, (ctx) =>
        care.ListCareByHospital(ctx, HOSPITAL_A, '1', ''),
      );
      await expect(
        scenario.query(people.auditor, (ctx) => care.ListCareByHospital(ctx, HOSPITAL_B, '1', ofA.nextBookmark)),
      ).rejects.toThrow(/^INVALID_ARGUMENT: bookmark/);
      for (const size of ['0', '101', 'ten']) {
        await expect(
          scenario.query(people.adminA, (ctx) => care.ListCareByHospital(ctx, HOSPITAL_A, size, '')),
        ).rejects.toThrow(/^INVALID_ARGUMENT: pageSize/);
      }
    });
  });
});
