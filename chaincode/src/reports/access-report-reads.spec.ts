// fabric-protos' own classes, to read the messages a transaction sends to the peer.
import { peer } from '@hyperledger/fabric-protos';
import type { Context } from 'fabric-contract-api';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { listenForPeerCapabilities } from '../peer-batching';
import {
  assignmentId,
  contracts,
  days,
  grantId,
  HOSPITAL_B,
  people,
  type Person,
  reportArguments,
  reportId,
  Scenario,
} from '../testing/fixtures';

const shimRequire = createRequire(require.resolve('fabric-shim'));
const shimPeer = shimRequire('@hyperledger/fabric-protos').peer;
const { ChaincodeMessageHandler } = shimRequire('./lib/handler.js');

const { reports } = contracts;
const GET_STATE_MULTIPLE = 25; // ChaincodeMessage.Type
const MIN_RUNE = '\u0000';

/** What a transaction asked of its peer: each GET_STATE_MULTIPLE's keys, each write batch's, single reads, ranges. */
interface Traffic {
  fetched: string[][];
  written: string[][];
  single: string[];
  ranges: string[];
}

/** A composite key as `type(attribute,…)`, readable in a failed expectation. */
const readable = (key: string): string => {
  const [type, ...attributes] = key.slice(1, -1).split(MIN_RUNE);
  return `${type}(${attributes.join(',')})`;
};

type StreamStub = Context['stub'] & { handler?: unknown; channel_id?: string; txId?: string };

/**
 * Runs `fn` of the reports contract as the peer runs it (through aroundTransaction, so
 * with a StateBatch) on a peer stream that announced batched writes and multiple reads,
 * the peer answering from the stub ledger's committed state; nothing is committed.
 */
async function onPeer(
  scenario: Scenario,
  reader: Person,
  fn: 'AccessReport' | 'RecordRefusedAccess',
  report: string,
): Promise<{ answer: Record<string, unknown>; traffic: Traffic }> {
  const traffic: Traffic = { fetched: [], written: [], single: [], ranges: [] };
  const answer = await scenario.ledger.evaluate({ caller: reader.caller }, async (ctx) => {
    const stub = ctx.stub as StreamStub;
    const committed = stub.getState.bind(stub);
    const scan = stub.getStateByPartialCompositeKey.bind(stub);
    stub.getState = async (key: string) => {
      traffic.single.push(readable(key));
      return committed(key);
    };
    stub.getStateByPartialCompositeKey = (async (objectType: string, attributes: string[]) => {
      traffic.ranges.push(objectType);
      return scan(objectType, attributes);
    }) as typeof stub.getStateByPartialCompositeKey;
    stub.handler = peerStream(committed, traffic);
    stub.channel_id = 'ehr-channel';
    stub.txId = stub.getTxID();
    const method = fn as unknown as Parameters<(typeof reports)['aroundTransaction']>[1];
    return (await reports.aroundTransaction(ctx, method, [report])) as unknown as string;
  });
  return { answer: JSON.parse(answer), traffic };
}

/** fabric-shim's handler of a stream whose peer announced batches, answering from `committed`. */
function peerStream(committed: (key: string) => Promise<Uint8Array>, traffic: Traffic) {
  const stream = Object.assign(new EventEmitter(), { write: () => true });
  const handler = new ChaincodeMessageHandler(stream, {});
  handler.chat(new shimPeer.ChaincodeMessage());
  const params = new peer.ChaincodeAdditionalParams();
  params.setUseWriteBatch(true);
  params.setMaxSizeWriteBatch(1000);
  params.setUseGetMultipleKeys(true);
  params.setMaxSizeGetMultipleKeys(1000);
  for (const [type, payload] of [
    [shimPeer.ChaincodeMessage.Type.REGISTERED, new Uint8Array()],
    [shimPeer.ChaincodeMessage.Type.READY, params.serializeBinary()],
  ] as const) {
    const message = new shimPeer.ChaincodeMessage();
    message.setType(type);
    message.setPayload(payload);
    stream.emit('data', message);
  }
  handler._askPeerAndListen = async (message: { getType(): number; getPayload_asU8(): Uint8Array }) => {
    if (message.getType() !== GET_STATE_MULTIPLE) {
      const records = peer.WriteBatchState.deserializeBinary(message.getPayload_asU8()).getRecList();
      traffic.written.push(records.map((record) => readable(record.getKey())));
      return Buffer.alloc(0);
    }
    const keys = peer.GetStateMultiple.deserializeBinary(message.getPayload_asU8()).getKeysList();
    traffic.fetched.push(keys.map(readable));
    const result = new peer.GetStateMultipleResult();
    result.setValuesList(await Promise.all(keys.map(committed)));
    return Buffer.from(result.serializeBinary());
  };
  return handler;
}

describe('AccessReport’s reads', () => {
  let scenario: Scenario;
  const patient = people.patientA.uid;
  beforeAll(() => listenForPeerCapabilities());
  beforeEach(async () => {
    scenario = await new Scenario().registerEveryone();
    await scenario.assignCare(people.adminA, assignmentId(1), people.patientA, people.doctorA);
    await scenario.recordReport(people.doctorA, reportArguments(1, people.patientA));
    await scenario.recordReport(people.doctorA, reportArguments(2, people.patientA));
  });

  /** The reads of an opening by a doctor under a grant: caller and report, then the patient's mark and both lists. */
  const openingReads = (reader: Person, report: string) => [
    [`participant(${reader.uid})`, `report(${report})`],
    [
      `grant~listed(${patient})`,
      `grant~pairlist(${patient},${reader.uid})`,
      `grant~orglist(${patient},${reader.mspId})`,
    ],
  ];
  /** The receipt and its three index entries, in one batch. */
  const receiptWrites = (reader: Person, report: string, receipt: Record<string, unknown>) => [
    [
      `receipt(${receipt.txId})`,
      `receipt~report(${report},${receipt.at},${receipt.txId})`,
      `receipt~patient(${patient},${receipt.at},${receipt.txId})`,
      `receipt~reader(${reader.uid},${receipt.at},${receipt.txId})`,
    ],
  ];

  it('under an organisation grant: two multiple reads (five keys), no range, no single read, one batch of four writes', async () => {
    await scenario.grantOrganisation(people.patientA, grantId(1), 'hospital', HOSPITAL_B, [reportId(1)], days(1));
    const { answer, traffic } = await onPeer(scenario, people.otherDoctorB, 'AccessReport', reportId(1));
    expect(answer).toMatchObject({ basis: 'grant', grantId: grantId(1), granteeKind: 'hospital' });
    expect(traffic).toEqual({
      fetched: openingReads(people.otherDoctorB, reportId(1)),
      written: receiptWrites(people.otherDoctorB, reportId(1), answer),
      single: [],
      ranges: [],
    });
  });

  it('under the doctor’s own grant: the same reads, the organisation’s list fetched though not looked at', async () => {
    await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(1)], days(1));
    const { answer, traffic } = await onPeer(scenario, people.doctorB, 'AccessReport', reportId(1));
    expect(answer).toMatchObject({ basis: 'grant', grantId: grantId(1), granteeKind: 'doctor' });
    expect(traffic).toEqual({
      fetched: openingReads(people.doctorB, reportId(1)),
      written: receiptWrites(people.doctorB, reportId(1), answer),
      single: [],
      ranges: [],
    });
  });

  it('under a care-team grant: the care pointer and its assignment besides, read one after the other', async () => {
    await scenario.grantOrganisation(people.patientA, grantId(1), 'care-team', HOSPITAL_B, null, days(1));
    await scenario.assignCare(people.adminB, assignmentId(2), people.patientA, people.doctorB);
    const { answer, traffic } = await onPeer(scenario, people.doctorB, 'AccessReport', reportId(2));
    expect(answer).toMatchObject({ grantId: grantId(1), granteeKind: 'care-team' });
    expect(traffic).toMatchObject({
      fetched: openingReads(people.doctorB, reportId(2)),
      single: [`care~active(${patient},${people.doctorB.uid})`, `care(${assignmentId(2)})`],
      ranges: [],
    });
  });

  it('for the patient and the author: the caller and the report only', async () => {
    for (const reader of [people.patientA, people.doctorA]) {
      const { traffic } = await onPeer(scenario, reader, 'AccessReport', reportId(1));
      expect(traffic.fetched).toEqual([[`participant(${reader.uid})`, `report(${reportId(1)})`]]);
      expect(traffic).toMatchObject({ single: [], ranges: [] });
    }
  });

  it('RecordRefusedAccess makes the opening’s reads, and writes the refusal and its three index entries', async () => {
    await scenario.grant(people.patientA, grantId(1), people.doctorB, [reportId(1)], days(1));
    const { answer, traffic } = await onPeer(scenario, people.otherDoctorB, 'RecordRefusedAccess', reportId(1));
    expect(answer).toMatchObject({ code: 'FORBIDDEN', grantId: null });
    expect(traffic).toMatchObject({ fetched: openingReads(people.otherDoctorB, reportId(1)), single: [], ranges: [] });
    expect(traffic.written).toEqual([
      [
        `refusal(${answer.txId})`,
        `refusal~report(${reportId(1)},${answer.at},${answer.txId})`,
        `refusal~patient(${patient},${answer.at},${answer.txId})`,
        `refusal~reader(${people.otherDoctorB.uid},${answer.at},${answer.txId})`,
      ],
    ]);
  });

  it('on a patient whose grants are not listed (none written since the lists): the range reads of the copies', async () => {
    await scenario.recordReport(people.patientB, reportArguments(3, people.patientB));
    const { answer, traffic } = await onPeer(scenario, people.doctorB, 'RecordRefusedAccess', reportId(3));
    expect(answer).toMatchObject({ code: 'FORBIDDEN' });
    expect(traffic.ranges).toEqual(['grant~pair', 'grant~org']);
  });
});
