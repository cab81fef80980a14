import { HOSPITAL_A, impostorOf, people, Person, Scenario, uuid } from '../testing/fixtures';
import { ErasureContract } from './erasure.contract';

const erasure = new ErasureContract();

const recordErasure = (scenario: Scenario, admin: Person, patientId: string, at?: string) =>
  scenario.submit(admin, (ctx) => erasure.RecordErasure(ctx, patientId), at);

const getErasure = (scenario: Scenario, who: Person, patientId: string) =>
  scenario.query(who, (ctx) => erasure.GetErasure(ctx, patientId));

describe('ErasureContract', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
  });

  describe('RecordErasure', () => {
    it('an admin of the patient’s hospital records it, from the certificate and the transaction time, with one event', async () => {
      const answer = JSON.parse(
        await recordErasure(scenario, people.adminA, people.patientA.uid, '2026-04-01T10:00:00.000Z'),
      );
      const expected = {
        patientId: people.patientA.uid,
        erasedBy: people.adminA.uid,
        erasedByMspId: HOSPITAL_A,
        erasedAt: '2026-04-01T10:00:00.000Z',
        txId: scenario.ledger.lastTxId,
      };
      expect(answer).toEqual(expected);
      expect(JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey('erasure', [people.patientA.uid]))!)).toEqual(
        expected,
      );
      const stored = (type: string) =>
        JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey(type, [people.patientA.uid]))!);
      expect(scenario.ledger.events.at(-1)).toEqual({
        txId: scenario.ledger.lastTxId,
        name: 'PatientErased',
        payload: {
          ...scenario.envelope(people.adminA, {
            erasure: expected,
            // The participant as rewritten with its erasure mark.
            participant: { ...stored('participant'), erasedAt: '2026-04-01T10:00:00.000Z' },
          }),
          patientId: people.patientA.uid,
          erasedBy: people.adminA.uid,
        },
      });
    });

    it('marks the patient’s participant record, which RecordReport checks without another read', async () => {
      await recordErasure(scenario, people.adminA, people.patientA.uid, '2026-04-01T10:00:00.000Z');
      const participant = JSON.parse(
        scenario.ledger.read(scenario.ledger.compositeKey('participant', [people.patientA.uid]))!,
      );
      expect(participant).toMatchObject({
        uid: people.patientA.uid,
        role: 'patient',
        erasedAt: '2026-04-01T10:00:00.000Z',
      });
      const other = JSON.parse(
        scenario.ledger.read(scenario.ledger.compositeKey('participant', [people.patientB.uid]))!,
      );
      expect(other).not.toHaveProperty('erasedAt');
    });

    it('refuses an admin of another hospital (FORBIDDEN), and records nothing', async () => {
      await expect(recordErasure(scenario, people.adminB, people.patientA.uid)).rejects.toThrow(
        /^FORBIDDEN: patient .* another hospital/,
      );
      await expect(recordErasure(scenario, people.adminA, people.patientB.uid)).rejects.toThrow(/^FORBIDDEN: /);
      expect(scenario.ledger.keys('erasure')).toEqual([]);
    });

    it.each([
      ['a doctor', people.doctorA],
      ['the patient themself', people.patientA],
      ['another patient', people.otherPatientA],
      ['an auditor', people.auditor],
    ])('refuses %s (FORBIDDEN: only admin)', async (_label, who) => {
      await expect(recordErasure(scenario, who, people.patientA.uid)).rejects.toThrow(/^FORBIDDEN: only admin/);
      expect(scenario.ledger.keys('erasure')).toEqual([]);
    });

    it('refuses an admin certificate whose hospital contradicts the registration (FORBIDDEN)', async () => {
      await expect(
        scenario.submit(impostorOf(people.adminA), (ctx) => erasure.RecordErasure(ctx, people.patientA.uid)),
      ).rejects.toThrow(/^FORBIDDEN: .*does not match/);
    });

    it('refuses a second erasure of the same patient (CONFLICT), keeping the first record and emitting nothing', async () => {
      await recordErasure(scenario, people.adminA, people.patientA.uid);
      const key = scenario.ledger.compositeKey('erasure', [people.patientA.uid]);
      const first = scenario.ledger.read(key);
      const events = scenario.ledger.events.length;
      await expect(recordErasure(scenario, people.adminA, people.patientA.uid)).rejects.toThrow(
        /^CONFLICT: the erasure of patient .* already recorded/,
      );
      expect(scenario.ledger.read(key)).toBe(first);
      expect(scenario.ledger.events).toHaveLength(events);
    });

    it.each(['p-1', people.patientA.uid.toUpperCase(), '', 'Alice Example'])(
      'refuses a malformed patient ID %j (INVALID_ARGUMENT)',
      async (patientId) => {
        await expect(recordErasure(scenario, people.adminA, patientId)).rejects.toThrow(/^INVALID_ARGUMENT: patientId/);
      },
    );

    it('refuses an unknown patient and a uid that is not a patient’s (NOT_FOUND)', async () => {
      await expect(recordErasure(scenario, people.adminA, uuid('0e', 999))).rejects.toThrow(/^NOT_FOUND: patient/);
      await expect(recordErasure(scenario, people.adminA, people.doctorA.uid)).rejects.toThrow(/^NOT_FOUND: patient/);
      expect(scenario.ledger.keys('erasure')).toEqual([]);
    });
  });

  describe('GetErasure', () => {
    it('answers auditors, admins of the patient’s hospital and the patient', async () => {
      const recorded = JSON.parse(await recordErasure(scenario, people.adminA, people.patientA.uid));
      for (const who of [people.auditor, people.adminA, people.patientA]) {
        expect(await getErasure(scenario, who, people.patientA.uid)).toEqual(recorded);
      }
    });

    it.each([
      ['an admin of another hospital', people.adminB],
      ['another patient', people.otherPatientA],
    ])('refuses %s (FORBIDDEN)', async (_label, who) => {
      await recordErasure(scenario, people.adminA, people.patientA.uid);
      await expect(getErasure(scenario, who, people.patientA.uid)).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('refuses doctors (FORBIDDEN)', async () => {
      await recordErasure(scenario, people.adminA, people.patientA.uid);
      await expect(getErasure(scenario, people.doctorA, people.patientA.uid)).rejects.toThrow(/^FORBIDDEN: only /);
    });

    it('answers NOT_FOUND while the patient is not erased, or is unknown; INVALID_ARGUMENT for a malformed ID', async () => {
      await expect(getErasure(scenario, people.auditor, people.patientA.uid)).rejects.toThrow(/^NOT_FOUND: erasure/);
      await expect(getErasure(scenario, people.auditor, uuid('0e', 999))).rejects.toThrow(/^NOT_FOUND: patient/);
      await expect(getErasure(scenario, people.auditor, 'p-1')).rejects.toThrow(/^INVALID_ARGUMENT: patientId/);
    });

    it('reports a corrupt stored record as CORRUPT_STATE', async () => {
      scenario.ledger.seed(
        scenario.ledger.compositeKey('erasure', [people.patientA.uid]),
        Buffer.from('{"patientId":"x"}'),
      );
      await expect(getErasure(scenario, people.auditor, people.patientA.uid)).rejects.toThrow(/^CORRUPT_STATE: /);
    });
  });
});
