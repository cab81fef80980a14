import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../canonical-json';
import { scanRecords } from '../ledger-state';
import {
  assignmentId,
  commitment,
  contracts,
  days,
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
import type { StubContext } from '../testing/stub-context';
import {
  Grant,
  GRANT_BY_ORGANISATION,
  GRANT_BY_PAIR,
  GRANT_LISTED,
  GRANT_ORGANISATION_LIST,
  GRANT_PAIR_LIST,
} from './grant';
import { grantsOfOrganisation, grantsOfPair } from './grant-rules';

const { consent, reports } = contracts;
const T0 = '2026-09-01T08:00:00.000Z';
const REASON = commitment('reason text kept off-chain');
const MIN_RUNE = '\u0000';

const bytesOf = (text: string | null): Uint8Array => Buffer.from(text ?? '', 'utf8');
const attributesOf = (key: string): string[] => key.slice(1, -1).split(MIN_RUNE).slice(1);

/**
 * Every grant list on the ledger, and what the range reads of the copies (grant~pair,
 * grant~org) answer for each pair and each patient and hospital, as grants in today's
 * shape, by list key: the two must be the same.
 */
function listsAndRanges(ledger: StubContext): { lists: Record<string, Grant[]>; ranges: Record<string, Grant[]> } {
  const ranges: Record<string, Grant[]> = {};
  const lists: Record<string, Grant[]> = {};
  for (const [copyType, listType] of [
    [GRANT_BY_PAIR, GRANT_PAIR_LIST],
    [GRANT_BY_ORGANISATION, GRANT_ORGANISATION_LIST],
  ]) {
    // In key order, so in grant ID order within each pair or hospital, as a range read answers.
    for (const key of ledger.keys(copyType)) {
      const [patientId, grantee] = attributesOf(key);
      (ranges[ledger.compositeKey(listType, [patientId, grantee])] ??= []).push(
        Grant.fromState(bytesOf(ledger.read(key))),
      );
    }
    for (const key of ledger.keys(listType)) lists[key] = Grant.listFromState(bytesOf(ledger.read(key)));
  }
  return { lists, ranges };
}

/** Notes the object type of every range read a transaction makes from now on, through the stub it runs on. */
function countingRanges(ctx: Context): string[] {
  const ranges: string[] = [];
  const scan = ctx.stub.getStateByPartialCompositeKey.bind(ctx.stub);
  ctx.stub.getStateByPartialCompositeKey = ((objectType: string, attributes: string[]) => {
    ranges.push(objectType);
    return scan(objectType, attributes);
  }) as typeof ctx.stub.getStateByPartialCompositeKey;
  return ranges;
}

/**
 * The readers (grantsOfPair, grantsOfOrganisation) answer, for every pair of `patient`
 * with a doctor of the cast and every hospital, what the range reads of the copies
 * answer, and read no range doing it (the patient's grants being listed).
 */
async function expectReadersAgreeWithRanges(scenario: Scenario, patient: Person): Promise<void> {
  await scenario.ledger.evaluate({ caller: patient.caller }, async (ctx) => {
    const ranges = countingRanges(ctx);
    const doctors = Object.values(people).filter((person) => person.role === 'doctor');
    for (const doctor of doctors) {
      const before = ranges.length;
      const listed = await grantsOfPair(ctx, patient.uid, doctor.uid);
      expect(ranges.length).toBe(before);
      expect(listed).toEqual(await scanRecords(ctx, GRANT_BY_PAIR, [patient.uid, doctor.uid], Grant.fromState));
    }
    for (const mspId of [HOSPITAL_A, HOSPITAL_B]) {
      const before = ranges.length;
      const listed = await grantsOfOrganisation(ctx, patient.uid, mspId);
      expect(ranges.length).toBe(before);
      expect(listed).toEqual(await scanRecords(ctx, GRANT_BY_ORGANISATION, [patient.uid, mspId], Grant.fromState));
    }
  });
}

/** Deletes every grant list and mark, in one transaction: the ledger as the version before the lists left it. */
async function unlist(scenario: Scenario): Promise<void> {
  const keys = [GRANT_PAIR_LIST, GRANT_ORGANISATION_LIST, GRANT_LISTED].flatMap((type) => scenario.ledger.keys(type));
  await scenario.ledger.submit({}, async (ctx) => {
    for (const key of keys) await ctx.stub.deleteState(key);
  });
}

/** What AccessReport decides for `reader` and `report` at `at`: why it lets them in, or its refusal. Commits nothing. */
async function decision(scenario: Scenario, reader: Person, report: string, at: string) {
  try {
    const receipt = JSON.parse(
      await scenario.ledger.evaluate({ caller: reader.caller, at }, (ctx) => reports.AccessReport(ctx, report)),
    );
    const { basis, grantId: grant, granteeKind, purposeOfUse } = receipt;
    return { basis, grantId: grant, granteeKind, purposeOfUse };
  } catch (error) {
    return (error as Error).message;
  }
}

/** AccessReport's decision, the range reads it made, and RecordRefusedAccess's answer, for each case. */
async function decisions(scenario: Scenario, cases: Array<[Person, string, string]>) {
  const answers = [];
  let rangeReads = 0;
  for (const [reader, report, at] of cases) {
    const opened = await decision(scenario, reader, report, at);
    const ranges = await scenario.ledger.evaluate({ caller: reader.caller, at }, async (ctx) => {
      const counted = countingRanges(ctx);
      await reports.AccessReport(ctx, report).catch(() => undefined);
      return counted.length;
    });
    rangeReads += ranges;
    const refused = await scenario.ledger
      .evaluate({ caller: reader.caller, at }, (ctx) => reports.RecordRefusedAccess(ctx, report))
      .then((answer) => {
        const { code, grantId: grant, purposeOfUse } = JSON.parse(answer);
        return { code, grantId: grant, purposeOfUse };
      })
      .catch((error: Error) => error.message);
    answers.push({ reader: reader.uid, report, at, opened, refused });
  }
  return { answers, rangeReads };
}

describe('grant lists', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
  });

  const approve = (n: number, doctor: Person, granteeKind: string, grant: number) =>
    scenario
      .submit(doctor, (ctx) =>
        consent.RequestAccess(ctx, requestId(n), people.patientA.uid, JSON.stringify(null), '30', 'TREAT', REASON),
      )
      .then(() =>
        scenario.submit(people.patientA, (ctx) =>
          consent.ApproveRequest(ctx, requestId(n), grantId(grant), JSON.stringify([reportId(1)]), '600', granteeKind),
        ),
      );
  const revoke = (n: number, at?: string) =>
    scenario.submit(people.patientA, (ctx) => consent.RevokeGrant(ctx, grantId(n)), at);
  const review = (n: number) =>
    scenario.submit(people.auditor, (ctx) => consent.ReviewEmergency(ctx, grantId(n), 'appropriate'));

  /**
   * Grants of patientA of every kind, to every kind of grantee, in force, ended and
   * revoked, and the care assignments that put doctorB in HospitalB's care team:
   * doctorB holds consent grant 10 (report 1, a day) and emergency grant 7 (declared after
   * it, a smaller ID); HospitalB a hospital grant (2, report 2) and a care-team grant (3,
   * all reports, expired after a day); HospitalA a revoked hospital grant (4).
   */
  async function grantsOfEveryKind(): Promise<void> {
    await scenario.grant(people.patientA, grantId(10), people.doctorB, [reportId(1)], days(1), T0);
    await scenario.grantOrganisation(people.patientA, grantId(2), 'hospital', HOSPITAL_B, [reportId(2)], days(3), T0);
    await scenario.grantOrganisation(people.patientA, grantId(3), 'care-team', HOSPITAL_B, null, days(1), T0);
    await scenario.grantOrganisation(people.patientA, grantId(4), 'hospital', HOSPITAL_A, null, days(3), T0);
    await revoke(4, '2026-09-01T09:00:00.000Z');
    await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.otherDoctorB, T0);
    await scenario.declareEmergency(people.doctorB, grantId(7), people.patientA, 2, '2026-09-01T10:00:00.000Z');
  }

  /** Openings of patientA's reports by every doctor of the cast, in and after the grants' terms. */
  const openings = (): Array<[Person, string, string]> =>
    ['2026-09-01T09:30:00.000Z', '2026-09-01T10:30:00.000Z', '2026-09-02T09:00:00.000Z', '2026-09-05T00:00:00.000Z']
      .flatMap((at) => [reportId(1), reportId(2)].map((report) => [report, at] as const))
      .flatMap(([report, at]) =>
        [people.doctorA, people.otherDoctorA, people.doctorB, people.otherDoctorB].map(
          (reader) => [reader, report, at] as [Person, string, string],
        ),
      );

  it('after every kind of grant write, each list holds what the range read of its copies answers, in grant ID order', async () => {
    const expectListed = async () => {
      const { lists, ranges } = listsAndRanges(scenario.ledger);
      expect(lists).toEqual(ranges);
      await expectReadersAgreeWithRanges(scenario, people.patientA);
    };
    const created = await scenario.grant(people.patientA, grantId(10), people.doctorB, [reportId(1)], days(1), T0);
    await expectListed();
    // The list is the canonical JSON array of the grants; the mark names the patient and the transaction.
    const pairList = scenario.ledger.compositeKey(GRANT_PAIR_LIST, [people.patientA.uid, people.doctorB.uid]);
    expect(scenario.ledger.read(pairList)).toBe(canonicalJson([created]));
    expect(
      JSON.parse(scenario.ledger.read(scenario.ledger.compositeKey(GRANT_LISTED, [people.patientA.uid])) ?? ''),
    ).toEqual({ patientId: people.patientA.uid, txId: created.txId });

    await scenario.grantOrganisation(people.patientA, grantId(2), 'hospital', HOSPITAL_B, [reportId(2)], days(3), T0);
    await scenario.grantOrganisation(people.patientA, grantId(3), 'care-team', HOSPITAL_B, null, days(1), T0);
    await expectListed();
    for (const [n, doctor, kind, grant] of [
      [1, people.otherDoctorB, 'doctor', 11],
      [2, people.doctorB, 'hospital', 12],
      [3, people.otherDoctorA, 'care-team', 13],
    ] as const) {
      await approve(n, doctor, kind, grant);
      await expectListed();
    }
    await revoke(10);
    await expectListed();
    await revoke(12);
    await expectListed();
    // Declared after grant 10, with a smaller ID: listed before it.
    await scenario.declareEmergency(people.doctorB, grantId(7), people.patientA, 2);
    await expectListed();
    await review(7);
    await expectListed();
    expect(
      Grant.listFromState(bytesOf(scenario.ledger.read(pairList))).map((grant) => [grant.grantId, grant.status]),
    ).toEqual([
      [grantId(7), 'active'],
      [grantId(10), 'revoked'],
    ]);
    // Another patient's grants: lists and a mark of their own.
    await scenario.grant(people.patientB, grantId(20), people.doctorB, null, days(1));
    await expectListed();
    expect(scenario.ledger.keys(GRANT_LISTED)).toHaveLength(2);
    expect(scenario.ledger.keys(GRANT_PAIR_LIST)).toHaveLength(3);
    expect(scenario.ledger.keys(GRANT_ORGANISATION_LIST)).toHaveLength(2);
  });

  it('a refused grant write changes no list', async () => {
    await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1));
    await scenario.declareEmergency(people.doctorB, grantId(2), people.patientA, 2);
    const before = listsAndRanges(scenario.ledger).lists;
    await expect(scenario.grant(people.patientA, grantId(1), people.otherDoctorB, null, days(1))).rejects.toThrow(
      /^CONFLICT: /,
    );
    await expect(scenario.declareEmergency(people.doctorB, grantId(3), people.patientA, 2)).rejects.toThrow(
      /^EMERGENCY_ACTIVE: /,
    );
    await expect(scenario.submit(people.patientB, (ctx) => consent.RevokeGrant(ctx, grantId(1)))).rejects.toThrow(
      /^FORBIDDEN: /,
    );
    const { lists, ranges } = listsAndRanges(scenario.ledger);
    expect(lists).toEqual(before);
    expect(lists).toEqual(ranges);
  });

  it('an opening reads no range once the patient’s grants are listed, whatever it decides', async () => {
    await grantsOfEveryKind();
    const { answers, rangeReads } = await decisions(scenario, openings());
    expect(rangeReads).toBe(0);
    // The decisions the cases are there for.
    const at = (reader: Person, report: string, time: string) =>
      answers.find((answer) => answer.reader === reader.uid && answer.report === report && answer.at === time)?.opened;
    expect(at(people.doctorB, reportId(1), '2026-09-01T09:30:00.000Z')).toMatchObject({ grantId: grantId(10) });
    expect(at(people.doctorB, reportId(2), '2026-09-01T09:30:00.000Z')).toMatchObject({
      grantId: grantId(2),
      granteeKind: 'hospital',
    });
    expect(at(people.doctorB, reportId(2), '2026-09-02T09:00:00.000Z')).toMatchObject({ grantId: grantId(2) });
    expect(at(people.doctorB, reportId(1), '2026-09-01T10:30:00.000Z')).toMatchObject({ grantId: grantId(10) });
    expect(at(people.otherDoctorB, reportId(1), '2026-09-01T09:30:00.000Z')).toMatchObject({
      grantId: grantId(3),
      granteeKind: 'care-team',
    });
    expect(at(people.otherDoctorB, reportId(1), '2026-09-02T09:00:00.000Z')).toMatch(/^GRANT_EXPIRED: /);
    expect(at(people.otherDoctorA, reportId(1), '2026-09-01T09:30:00.000Z')).toMatch(/^GRANT_REVOKED: /);
    expect(at(people.doctorB, reportId(1), '2026-09-05T00:00:00.000Z')).toMatch(/^GRANT_EXPIRED: /);
    expect(at(people.doctorA, reportId(1), '2026-09-05T00:00:00.000Z')).toMatchObject({ basis: 'author' });
  });

  describe('a ledger whose grants were written before the lists', () => {
    it('an opening decides as on the listed ledger, from the range reads of the copies', async () => {
      await grantsOfEveryKind();
      const listed = await decisions(scenario, openings());
      await unlist(scenario);
      expect(scenario.ledger.keys(GRANT_PAIR_LIST)).toEqual([]);
      const unlisted = await decisions(scenario, openings());
      expect(unlisted.answers).toEqual(listed.answers);
      expect(listed.rangeReads).toBe(0);
      expect(unlisted.rangeReads).toBeGreaterThan(0);
    });

    it('the patient’s first grant write lists every grant of theirs, and openings then read no range', async () => {
      await grantsOfEveryKind();
      const before = await decisions(scenario, openings());
      await unlist(scenario);
      // Another patient's grants stay unlisted.
      await scenario.grant(people.patientB, grantId(20), people.doctorB, null, days(1), T0);
      await unlist(scenario);
      await scenario.grant(people.patientA, grantId(30), people.doctorA, null, days(1), '2026-09-01T08:30:00.000Z');
      const { lists, ranges } = listsAndRanges(scenario.ledger);
      const ofPatientA = Object.fromEntries(
        Object.entries(ranges).filter(([key]) => attributesOf(key)[0] === people.patientA.uid),
      );
      expect(lists).toEqual(ofPatientA);
      expect(Object.keys(lists)).toHaveLength(4);
      expect(scenario.ledger.keys(GRANT_LISTED)).toEqual([
        scenario.ledger.compositeKey(GRANT_LISTED, [people.patientA.uid]),
      ]);
      await expectReadersAgreeWithRanges(scenario, people.patientA);
      const after = await decisions(scenario, openings());
      expect(after.rangeReads).toBe(0);
      // Grant 30 lets doctorA in on no report that their authorship did not.
      expect(after.answers).toEqual(before.answers);
    });

    it('grants in an earlier version’s shape are listed in today’s, and their patient revokes them', async () => {
      scenario.plantGrant(legacy.grantToDoctor(1, { purposeOfUse: 'CAREMGT' }));
      scenario.plantGrant(legacy.consentGrant(2));
      const planted = await decisions(scenario, [[people.doctorB, reportId(1), '2026-06-01T00:00:00.000Z']]);
      expect(planted.rangeReads).toBeGreaterThan(0);
      await scenario.grantOrganisation(people.patientA, grantId(3), 'hospital', HOSPITAL_B, null, days(1));
      const { lists, ranges } = listsAndRanges(scenario.ledger);
      expect(lists).toEqual(ranges);
      const pairList = scenario.ledger.compositeKey(GRANT_PAIR_LIST, [people.patientA.uid, people.doctorB.uid]);
      expect(JSON.parse(scenario.ledger.read(pairList) ?? '')).toEqual([
        expect.objectContaining({ grantId: grantId(1), granteeKind: 'doctor', purposeOfUse: 'CAREMGT' }),
        expect.objectContaining({ grantId: grantId(2), granteeKind: 'doctor', purposeOfUse: 'TREAT' }),
      ]);
      const listed = await decisions(scenario, [[people.doctorB, reportId(1), '2026-06-01T00:00:00.000Z']]);
      expect(listed).toEqual({ answers: planted.answers, rangeReads: 0 });
      await revoke(1);
      expect(listsAndRanges(scenario.ledger).lists).toEqual(listsAndRanges(scenario.ledger).ranges);
      expect(
        Grant.listFromState(bytesOf(scenario.ledger.read(pairList))).map((grant) => [grant.grantId, grant.status]),
      ).toEqual([
        [grantId(1), 'revoked'],
        [grantId(2), 'active'],
      ]);
    });

    it('an emergency declared on it is listed with the grants before it, and the rule of one at a time holds', async () => {
      await scenario.declareEmergency(people.doctorB, grantId(1), people.patientA, 2, T0);
      await unlist(scenario);
      await expect(
        scenario.declareEmergency(people.doctorB, grantId(2), people.patientA, 2, '2026-09-01T09:00:00.000Z'),
      ).rejects.toThrow(/^EMERGENCY_ACTIVE: /);
      await scenario.declareEmergency(people.doctorB, grantId(3), people.patientA, 2, '2026-09-01T10:00:00.000Z');
      const { lists, ranges } = listsAndRanges(scenario.ledger);
      expect(lists).toEqual(ranges);
      expect(
        Object.values(lists)
          .flat()
          .map((grant) => grant.grantId),
      ).toEqual([grantId(1), grantId(3)]);
    });
  });

  it('a stored list that is not a list of the grantee’s grants is corrupt state', async () => {
    await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(1));
    const pairList = (doctor: Person) =>
      scenario.ledger.compositeKey(GRANT_PAIR_LIST, [people.patientA.uid, doctor.uid]);
    scenario.ledger.seed(pairList(people.otherDoctorB), bytesOf(scenario.ledger.read(pairList(people.doctorB))));
    await expect(scenario.access(people.otherDoctorB, reportId(1))).rejects.toThrow(/^CORRUPT_STATE: /);
    scenario.ledger.seed(pairList(people.otherDoctorB), bytesOf('{"grantId":1}'));
    await expect(scenario.access(people.otherDoctorB, reportId(1))).rejects.toThrow(/^CORRUPT_STATE: .*JSON array/);
    scenario.ledger.seed(pairList(people.otherDoctorB), bytesOf('[{"grantId":1}]'));
    await expect(scenario.access(people.otherDoctorB, reportId(1))).rejects.toThrow(/^CORRUPT_STATE: stored grant/);
  });
});
