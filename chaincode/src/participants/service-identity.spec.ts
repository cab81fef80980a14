import type { Context } from 'fabric-contract-api';
import {
  assignmentId,
  commitment,
  contracts,
  days,
  grantId,
  HOSPITAL_A,
  HOSPITAL_B,
  people,
  reportArguments,
  recordWith,
  reportId,
  requestId,
  Scenario,
  serviceOf,
} from '../testing/fixtures';

const { participants, care, reports, consent, audit, erasure, system } = contracts;

/**
 * The API's own certificate at a hospital (`ehr.role=service`, no `ehr.uid`, never
 * registered) reads what reconciliation needs with the visibility of an auditor of its
 * hospital, and writes nothing.
 */
describe('the API’s service identity', () => {
  const serviceA = serviceOf(HOSPITAL_A);
  let scenario: Scenario;
  let receiptTx: string;
  let refusalTx: string;

  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.recordReport(people.patientB, reportArguments(2, people.patientB));
    await scenario.grant(people.patientA, grantId(1), people.doctorB, null, days(5));
    await scenario.grant(people.patientB, grantId(2), people.doctorA, null, days(5));
    await scenario.submit(people.doctorB, (ctx) =>
      consent.RequestAccess(ctx, requestId(1), people.patientA.uid, 'null', '7', 'TREAT', commitment('reason')),
    );
    await scenario.submit(people.doctorA, (ctx) =>
      consent.RequestAccess(ctx, requestId(2), people.patientB.uid, 'null', '7', 'TREAT', commitment('reason')),
    );
    await scenario.access(people.doctorB, reportId(1));
    receiptTx = scenario.ledger.lastTxId;
    await scenario.recordRefusal(people.otherDoctorA, reportId(1));
    refusalTx = scenario.ledger.lastTxId;
    await scenario.submit(people.adminA, (ctx) => erasure.RecordErasure(ctx, people.otherPatientA.uid));
  });

  /** The reads the service identity may make, each answered as to an auditor of HospitalA. */
  const reads: Array<[string, (ctx: Context) => Promise<string>]> = [
    ['reports:ListReports', (ctx) => reports.ListReports(ctx, '10', '')],
    ['audit:ListParticipants', (ctx) => audit.ListParticipants(ctx, '100', '')],
    ['audit:ListReceiptsByPatient', (ctx) => audit.ListReceiptsByPatient(ctx, people.patientA.uid, '10', '')],
    ['audit:ListRefusalsByPatient', (ctx) => audit.ListRefusalsByPatient(ctx, people.patientA.uid, '10', '')],
    ['consent:ListRequestsByPatient', (ctx) => consent.ListRequestsByPatient(ctx, people.patientA.uid, '10', '')],
    ['consent:ListGrantsByPatient', (ctx) => consent.ListGrantsByPatient(ctx, people.patientA.uid, '10', '')],
    ['care:ListCareByPatient', (ctx) => care.ListCareByPatient(ctx, people.patientA.uid, '10', '')],
    ['erasure:GetErasure', (ctx) => erasure.GetErasure(ctx, people.otherPatientA.uid)],
    ['audit:GetRecordHistory (report)', (ctx) => audit.GetRecordHistory(ctx, 'report', reportId(1))],
    ['audit:GetRecordHistory (receipt)', (ctx) => audit.GetRecordHistory(ctx, 'receipt', receiptTx)],
    ['audit:GetRecordHistory (refusal)', (ctx) => audit.GetRecordHistory(ctx, 'refusal', refusalTx)],
  ];

  it.each(reads)('may call %s, answered as an auditor of its hospital is', async (_name, read) => {
    const asService = await scenario.query(serviceA, read);
    expect(asService).toEqual(await scenario.query(people.auditor, read));
    expect(asService).not.toEqual({ items: [], nextBookmark: null });
  });

  it('lists the requests and grants of its own hospital’s patients only, as that hospital’s auditor', async () => {
    for (const read of [
      (ctx: Context) => consent.ListRequestsByPatient(ctx, people.patientB.uid, '10', ''),
      (ctx: Context) => consent.ListGrantsByPatient(ctx, people.patientB.uid, '10', ''),
    ]) {
      await expect(scenario.query(serviceA, read)).rejects.toThrow(/^FORBIDDEN: .* another hospital/);
      await expect(scenario.query(people.auditor, read)).rejects.toThrow(/^FORBIDDEN: .* another hospital/);
      await expect(scenario.query(serviceOf(HOSPITAL_B), read)).resolves.toMatchObject({
        items: [expect.objectContaining({ patientId: people.patientB.uid })],
      });
    }
  });

  it('may call no other read (FORBIDDEN: it is no participant)', async () => {
    const others: Array<(ctx: Context) => Promise<string>> = [
      (ctx) => reports.GetReport(ctx, reportId(1)),
      (ctx) => reports.ListReportsByPatient(ctx, people.patientA.uid, '10', ''),
      (ctx) => audit.ListReceiptsByReport(ctx, reportId(1), '10', ''),
      (ctx) => audit.ListRefusalsByReader(ctx, people.otherDoctorA.uid, '10', ''),
      (ctx) => audit.GetAccessReceipt(ctx, receiptTx),
      (ctx) => consent.GetGrant(ctx, grantId(1)),
      (ctx) => consent.ListEmergencyGrants(ctx, '10', ''),
      (ctx) => participants.GetParticipant(ctx, people.patientA.uid),
    ];
    for (const read of others) {
      await expect(scenario.query(serviceA, read)).rejects.toThrow(/^FORBIDDEN: the caller certificate carries no/);
    }
  });

  it('is refused a certificate that claims the service role with an ehr.uid (FORBIDDEN)', async () => {
    const withUid = { mspId: HOSPITAL_A, attributes: { 'ehr.role': 'service', 'ehr.uid': people.auditor.uid } };
    await expect(scenario.query(withUid, (ctx) => audit.ListParticipants(ctx, '10', ''))).rejects.toThrow(
      /^FORBIDDEN: a service certificate carries no ehr.uid/,
    );
  });

  it('writes nothing: every writing transaction refuses it (FORBIDDEN), leaving the ledger as it was', async () => {
    const keys = scenario.ledger.keys();
    const events = scenario.ledger.events.length;
    const writes: Array<[string, (ctx: Context) => Promise<string>]> = [
      ['reports:AccessReport', (ctx) => reports.AccessReport(ctx, reportId(1))],
      ['reports:RecordRefusedAccess', (ctx) => reports.RecordRefusedAccess(ctx, reportId(1))],
      ['reports:RecordReport', (ctx) => recordWith(ctx, reportArguments(3, people.patientA))],
      ['reports:VoidReport', (ctx) => reports.VoidReport(ctx, reportId(4))],
      ['participants:RegisterSelf', (ctx) => participants.RegisterSelf(ctx)],
      ['care:AssignCare', (ctx) => care.AssignCare(ctx, assignmentId(2), people.patientA.uid, people.otherDoctorA.uid)],
      [
        'consent:GrantAccess',
        (ctx) => consent.GrantAccess(ctx, grantId(3), people.doctorB.uid, 'null', String(days(1)), 'TREAT'),
      ],
      ['consent:RevokeGrant', (ctx) => consent.RevokeGrant(ctx, grantId(1))],
      ['erasure:RecordErasure', (ctx) => erasure.RecordErasure(ctx, people.patientA.uid)],
      ['system:RecordProbe', (ctx) => system.RecordProbe(ctx, reportId(5))],
    ];
    const outcomes: Array<[string, string]> = [];
    for (const [name, write] of writes) {
      const outcome = await scenario.submit(serviceA, write).then(
        () => 'written',
        (error: Error) => error.message.split(':')[0],
      );
      outcomes.push([name, outcome]);
    }
    expect(outcomes).toEqual(writes.map(([name]) => [name, 'FORBIDDEN']));
    expect(scenario.ledger.keys()).toEqual(keys);
    expect(scenario.ledger.events).toHaveLength(events);
  });
});
