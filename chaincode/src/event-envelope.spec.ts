import type { Context } from 'fabric-contract-api';
import { canonicalJson } from './canonical-json';
import { EVENT_RECORD_TYPES, EventRecordType } from './ledger-state';
import {
  assignmentId,
  commitment,
  contracts,
  days,
  grantId,
  people,
  type Person,
  reportArguments,
  reportId,
  requestId,
  Scenario,
  uuid,
} from './testing/fixtures';

const { participants, care, reports, consent, erasure, system } = contracts;

/** Every event the chaincode emits, by name. */
const EVENT_NAMES = [
  'ParticipantRegistered',
  'ReportRecorded',
  'ReportVoided',
  'ReportAccessed',
  'ReportAccessRefused',
  'AccessRequested',
  'RequestApproved',
  'RequestDenied',
  'RequestCancelled',
  'AccessGranted',
  'GrantRevoked',
  'EmergencyDeclared',
  'EmergencyReviewed',
  'CareAssigned',
  'CareEnded',
  'PatientErased',
  'ProbeRecorded',
];

interface Envelope {
  at: string;
  actor: { id: string | null; role: string | null; mspId: string };
  records: Partial<Record<EventRecordType, unknown>>;
  [id: string]: unknown;
}

/** What one transaction of the walk showed: its event, and the state under each key it says it wrote. */
interface Observed {
  signer: Person;
  txId: string;
  time: string;
  eventsAdded: number;
  event: { txId: string; name: string; payload: Envelope } | undefined;
  stored: Partial<Record<EventRecordType, unknown>>;
}

/**
 * Walks one ledger through a transaction of every kind that emits an event, noting after
 * each the event it added and the committed state under the keys of the records it wrote
 * (`keys`: where each record type of the transaction lies).
 */
async function walk(): Promise<Observed[]> {
  const scenario = new Scenario();
  const ledger = scenario.ledger;
  const observed: Observed[] = [];
  const stateOf = (objectType: string, id: string) => JSON.parse(ledger.read(ledger.compositeKey(objectType, [id]))!);
  const step = async (
    signer: Person,
    run: (ctx: Context) => Promise<string>,
    keys: (txId: string) => Partial<Record<EventRecordType, [string, string]>>,
  ) => {
    const before = ledger.events.length;
    await scenario.submit(signer, run);
    const txId = ledger.lastTxId;
    const stored: Partial<Record<EventRecordType, unknown>> = {};
    for (const [type, [objectType, id]] of Object.entries(keys(txId))) {
      stored[type as EventRecordType] = stateOf(objectType, id);
    }
    observed.push({
      signer,
      txId,
      time: ledger.now,
      eventsAdded: ledger.events.length - before,
      event: ledger.events.at(-1) as Observed['event'],
      stored,
    });
  };
  const { patientA, otherPatientA, doctorA, doctorB, otherDoctorB, adminA, auditor } = people;

  for (const who of Object.values(people)) {
    await step(
      who,
      (ctx) => participants.RegisterSelf(ctx),
      () => ({ participant: ['participant', who.uid] }),
    );
  }
  await step(
    adminA,
    (ctx) => care.AssignCare(ctx, assignmentId(1), patientA.uid, doctorA.uid),
    () => ({ care: ['care', assignmentId(1)] }),
  );
  const args = reportArguments(1, patientA);
  await step(
    doctorA,
    (ctx) =>
      reports.RecordReport(
        ctx,
        args.reportId,
        args.patientId,
        args.type,
        args.cid,
        args.ciphertextSha256,
        args.plaintextCommitment,
        args.size,
        args.encryptionScheme,
      ),
    () => ({ report: ['report', reportId(1)] }),
  );
  await step(
    doctorA,
    (ctx) => reports.VoidReport(ctx, reportId(9)),
    () => ({ void: ['report', reportId(9)] }),
  );
  await step(
    patientA,
    (ctx) => reports.AccessReport(ctx, reportId(1)),
    (tx) => ({ receipt: ['receipt', tx] }),
  );
  await step(
    doctorB,
    (ctx) => reports.RecordRefusedAccess(ctx, reportId(1)),
    (tx) => ({ refusal: ['refusal', tx] }),
  );
  const ask = (n: number) => (ctx: Context) =>
    consent.RequestAccess(ctx, requestId(n), patientA.uid, 'null', '7', 'TREAT', commitment(`reason ${n}`));
  await step(doctorB, ask(1), () => ({ request: ['request', requestId(1)] }));
  await step(
    patientA,
    (ctx) => consent.ApproveRequest(ctx, requestId(1), grantId(1), 'null', String(days(7)), 'doctor'),
    () => ({ request: ['request', requestId(1)], grant: ['grant', grantId(1)] }),
  );
  await step(doctorB, ask(2), () => ({ request: ['request', requestId(2)] }));
  await step(
    patientA,
    (ctx) => consent.DenyRequest(ctx, requestId(2)),
    () => ({ request: ['request', requestId(2)] }),
  );
  await step(otherDoctorB, ask(3), () => ({ request: ['request', requestId(3)] }));
  await step(
    otherDoctorB,
    (ctx) => consent.CancelRequest(ctx, requestId(3)),
    () => ({ request: ['request', requestId(3)] }),
  );
  await step(
    patientA,
    (ctx) => consent.GrantAccess(ctx, grantId(2), otherDoctorB.uid, 'null', String(days(1)), 'CAREMGT'),
    () => ({ grant: ['grant', grantId(2)] }),
  );
  await step(
    patientA,
    (ctx) => consent.RevokeGrant(ctx, grantId(2)),
    () => ({ grant: ['grant', grantId(2)] }),
  );
  await step(
    doctorB,
    (ctx) => consent.DeclareEmergency(ctx, grantId(3), otherPatientA.uid, commitment('justification'), '2'),
    () => ({ grant: ['grant', grantId(3)] }),
  );
  await step(
    auditor,
    (ctx) => consent.ReviewEmergency(ctx, grantId(3), 'appropriate'),
    () => ({ grant: ['grant', grantId(3)] }),
  );
  await step(
    adminA,
    (ctx) => care.EndCare(ctx, assignmentId(1)),
    () => ({ care: ['care', assignmentId(1)] }),
  );
  await step(
    adminA,
    (ctx) => erasure.RecordErasure(ctx, otherPatientA.uid),
    () => ({ erasure: ['erasure', otherPatientA.uid], participant: ['participant', otherPatientA.uid] }),
  );
  await step(
    doctorA,
    (ctx) => system.RecordProbe(ctx, uuid('0f', 1)),
    () => ({ probe: ['probe', uuid('0f', 1)] }),
  );
  return observed;
}

describe('event envelope', () => {
  let observed: Observed[];
  beforeAll(async () => {
    observed = await walk();
  });

  it('the walk meets every event the chaincode emits', () => {
    expect(new Set(observed.map((o) => o.event?.name))).toEqual(new Set(EVENT_NAMES));
  });

  it('each state-changing transaction emits exactly one event, its own', () => {
    for (const o of observed) {
      expect({ name: o.event?.name, added: o.eventsAdded, txId: o.event?.txId }).toEqual({
        name: o.event?.name,
        added: 1,
        txId: o.txId,
      });
    }
  });

  it('each event carries the transaction time and its signer from the certificate', () => {
    for (const { event, time, signer } of observed) {
      expect({ name: event?.name, at: event?.payload.at, actor: event?.payload.actor }).toEqual({
        name: event?.name,
        at: time,
        actor: { id: signer.uid, role: signer.role, mspId: signer.mspId },
      });
    }
  });

  it('each event carries every record its transaction wrote, exactly as written, by record type', () => {
    for (const { event, stored } of observed) {
      expect({ name: event?.name, records: event?.payload.records }).toEqual({ name: event?.name, records: stored });
      expect(
        Object.keys(event?.payload.records ?? {}).every((type) => EVENT_RECORD_TYPES.includes(type as never)),
      ).toBe(true);
    }
  });

  it('keeps the IDs each event carried before the envelope, under the same names', () => {
    const envelope = ['at', 'actor', 'records'];
    const idsOf = (name: string) =>
      Object.keys(observed.find((o) => o.event?.name === name)!.event!.payload)
        .filter((key) => !envelope.includes(key))
        .sort();
    const grantIds = [
      'doctorId',
      'expiresAt',
      'grantId',
      'granteeKind',
      'granteeMspId',
      'kind',
      'patientId',
      'purposeOfUse',
      'validFrom',
    ];
    expect(Object.fromEntries(EVENT_NAMES.map((name) => [name, idsOf(name)]))).toEqual({
      ParticipantRegistered: ['uid'],
      ReportRecorded: ['authorId', 'authorRole', 'patientId', 'reportId'],
      ReportVoided: ['reportId', 'voidedBy'],
      ReportAccessed: ['basis', 'grantId', 'granteeKind', 'patientId', 'purposeOfUse', 'readerId', 'reportId', 'txId'],
      ReportAccessRefused: ['code', 'grantId', 'patientId', 'purposeOfUse', 'readerId', 'reportId', 'txId'],
      AccessRequested: ['doctorId', 'patientId', 'purposeOfUse', 'requestId'],
      RequestApproved: [...grantIds, 'requestId', 'requesterId'].sort(),
      RequestDenied: ['doctorId', 'patientId', 'requestId'],
      RequestCancelled: ['doctorId', 'patientId', 'requestId'],
      AccessGranted: grantIds,
      GrantRevoked: grantIds,
      EmergencyDeclared: grantIds,
      EmergencyReviewed: ['auditorId', 'doctorId', 'grantId', 'outcome', 'patientId'],
      CareAssigned: ['assignmentId', 'doctorId', 'patientId'],
      CareEnded: ['assignmentId', 'doctorId', 'patientId'],
      PatientErased: ['erasedBy', 'patientId'],
      ProbeRecorded: ['probeId', 'revision'],
    });
  });

  it('a transaction that fails emits nothing', async () => {
    const scenario = await new Scenario().register(people.patientA, people.doctorB);
    const before = scenario.ledger.events.length;
    await expect(scenario.recordRefusal(people.doctorB, reportId(1))).rejects.toThrow(/^NOT_FOUND: /);
    await expect(
      scenario.submit(people.doctorB, (ctx) =>
        consent.GrantAccess(ctx, grantId(1), people.doctorB.uid, 'null', '5', 'TREAT'),
      ),
    ).rejects.toThrow(/^FORBIDDEN: /);
    expect(scenario.ledger.events).toHaveLength(before);
  });

  it('carries no free text: IDs, codes, digests, MSP ids, numbers, flags and times only', () => {
    const leaves = (value: unknown): unknown[] =>
      Array.isArray(value)
        ? value.flatMap(leaves)
        : value !== null && typeof value === 'object'
          ? Object.values(value).flatMap(leaves)
          : [value];
    const allowed =
      /^([0-9a-f-]{36}|[0-9a-f]{64}|b[a-z2-7]{58}|\d+|[a-z0-9-]+|[A-Z_]+|\d{4}-\d\d-\d\dT[\d:.]+Z|Hospital[AB]MSP)$/;
    for (const { event } of observed) {
      const free = leaves(event?.payload).filter(
        (value) => value !== null && typeof value !== 'boolean' && !allowed.test(String(value)),
      );
      expect({ name: event?.name, free }).toEqual({ name: event?.name, free: [] });
    }
  });

  it('is canonical JSON, the same bytes on every peer: keys sorted at every level', () => {
    for (const { event } of observed) {
      const payload = event!.payload;
      expect(JSON.stringify(payload)).toBe(canonicalJson(payload));
    }
  });
});
