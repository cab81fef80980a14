import {
  contracts,
  days,
  grantId,
  HOSPITAL_A,
  HOSPITAL_B,
  impostorOf,
  people,
  Scenario,
  uuid,
} from '../testing/fixtures';

const { participants } = contracts;

describe('ParticipantsContract', () => {
  let scenario: Scenario;
  beforeEach(() => {
    scenario = new Scenario();
  });

  it('RegisterSelf records uid, role and hospital from the certificate and emits one event with the uid', async () => {
    const answer = JSON.parse(
      await scenario.submit(people.doctorA, (ctx) => participants.RegisterSelf(ctx), '2026-02-01T08:00:00.000Z'),
    );
    expect(answer).toEqual({
      uid: people.doctorA.uid,
      role: 'doctor',
      mspId: HOSPITAL_A,
      registeredAt: '2026-02-01T08:00:00.000Z',
      txId: scenario.ledger.lastTxId,
    });
    expect(scenario.ledger.events).toEqual([
      {
        txId: scenario.ledger.lastTxId,
        name: 'ParticipantRegistered',
        payload: { ...scenario.envelope(people.doctorA, { participant: answer }), uid: people.doctorA.uid },
      },
    ]);
  });

  it('RegisterSelf is idempotent: a second call changes no record and emits nothing', async () => {
    await scenario.register(people.patientA);
    const key = scenario.ledger.compositeKey('participant', [people.patientA.uid]);
    const before = scenario.ledger.read(key);
    const again = JSON.parse(await scenario.submit(people.patientA, (ctx) => participants.RegisterSelf(ctx)));
    expect(again.txId).not.toBe(scenario.ledger.lastTxId);
    expect(scenario.ledger.read(key)).toBe(before);
    expect(scenario.ledger.events).toHaveLength(1);
  });

  it('RegisterSelf marks the caller’s hospital as having participants, again on every call', async () => {
    await scenario.register(people.doctorB);
    expect(scenario.ledger.keys('hospital')).toEqual([scenario.ledger.compositeKey('hospital', [HOSPITAL_B])]);
    await scenario.register(people.patientA, people.patientA);
    expect(scenario.ledger.keys('hospital')).toEqual([
      scenario.ledger.compositeKey('hospital', [HOSPITAL_A]),
      scenario.ledger.compositeKey('hospital', [HOSPITAL_B]),
    ]);
  });

  it('a hospital whose participants registered under the previous version is known once one registers again', async () => {
    await scenario.register(people.patientA);
    // As the previous version stored doctorB: the participant, and no hospital mark.
    scenario.plant('participant', people.doctorB.uid, {
      uid: people.doctorB.uid,
      role: 'doctor',
      mspId: HOSPITAL_B,
      registeredAt: '2026-01-01T00:00:00.000Z',
      txId: 'e'.repeat(64),
    });
    const grantToB = (n: number) =>
      scenario.grantOrganisation(people.patientA, grantId(n), 'hospital', HOSPITAL_B, null, days(1));
    await expect(grantToB(1)).rejects.toThrow(/^NOT_FOUND: hospital HospitalBMSP/);
    const events = scenario.ledger.events.length;
    await scenario.register(people.doctorB);
    expect(scenario.ledger.events).toHaveLength(events);
    await expect(grantToB(1)).resolves.toMatchObject({ granteeKind: 'hospital', granteeMspId: HOSPITAL_B });
  });

  it('refuses the same uid under another hospital or role with CONFLICT', async () => {
    await scenario.register(people.patientA);
    await expect(scenario.submit(impostorOf(people.patientA), (ctx) => participants.RegisterSelf(ctx))).rejects.toThrow(
      /^CONFLICT: /,
    );
    const asDoctor = { mspId: HOSPITAL_A, attributes: { 'ehr.uid': people.patientA.uid, 'ehr.role': 'doctor' } };
    await expect(scenario.submit(asDoctor, (ctx) => participants.RegisterSelf(ctx))).rejects.toThrow(/^CONFLICT: /);
  });

  it.each([
    ['no attributes', { mspId: HOSPITAL_A }],
    ['a uid that is not a UUID', { mspId: HOSPITAL_A, attributes: { 'ehr.uid': 'alice', 'ehr.role': 'patient' } }],
    ['an unknown role', { mspId: HOSPITAL_A, attributes: { 'ehr.uid': uuid('0e', 99), 'ehr.role': 'nurse' } }],
  ])('refuses a certificate with %s with FORBIDDEN', async (_label, caller) => {
    await expect(scenario.submit(caller, (ctx) => participants.RegisterSelf(ctx))).rejects.toThrow(/^FORBIDDEN: /);
  });

  it('GetParticipant answers registered callers, and refuses unregistered ones', async () => {
    await scenario.register(people.patientA, people.doctorB);
    const seen = await scenario.query(people.doctorB, (ctx) => participants.GetParticipant(ctx, people.patientA.uid));
    expect(seen).toMatchObject({ uid: people.patientA.uid, role: 'patient', mspId: HOSPITAL_A });
    await expect(
      scenario.query(people.doctorA, (ctx) => participants.GetParticipant(ctx, people.patientA.uid)),
    ).rejects.toThrow(/^FORBIDDEN: .*not registered/);
    await expect(
      scenario.query(people.doctorB, (ctx) => participants.GetParticipant(ctx, people.patientB.uid)),
    ).rejects.toThrow(/^NOT_FOUND: /);
  });

  it('refuses a registered uid acting under a certificate of another hospital (FORBIDDEN)', async () => {
    await scenario.register(people.patientA);
    await expect(
      scenario.query(impostorOf(people.patientA), (ctx) => participants.GetParticipant(ctx, people.patientA.uid)),
    ).rejects.toThrow(/^FORBIDDEN: .*does not match/);
  });
});
