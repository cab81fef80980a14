import { StubContext } from '../testing/stub-context';
import { SystemContract } from './system.contract';

const PROBE = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const doctorOfA = {
  mspId: 'HospitalAMSP',
  attributes: { 'ehr.role': 'doctor', 'ehr.uid': 'f3e2d1c0-b9a8-4776-8554-433221100fed' },
};
const nodeOfB = { mspId: 'HospitalBMSP' };

describe('SystemContract', () => {
  let ledger: StubContext;
  const contract = new SystemContract();

  beforeEach(() => {
    ledger = new StubContext();
  });

  it('Ping answers the caller from the certificate and the transaction time, writing nothing', async () => {
    const answer = JSON.parse(
      await ledger.submit({ caller: doctorOfA, at: '2026-03-04T05:06:07.000Z' }, (ctx) => contract.Ping(ctx)),
    );
    expect(answer).toEqual({
      mspId: 'HospitalAMSP',
      role: 'doctor',
      uid: doctorOfA.attributes['ehr.uid'],
      time: '2026-03-04T05:06:07.000Z',
      txId: ledger.lastTxId,
    });
    expect(ledger.events).toEqual([]);
    expect(ledger.keys()).toEqual([]);
  });

  it('Ping gives byte-identical answers for the same transaction (deterministic JSON)', async () => {
    const [first, second] = await ledger.submit({ caller: nodeOfB }, async (ctx) => [
      await contract.Ping(ctx),
      await contract.Ping(ctx),
    ]);
    expect(first).toBe(second);
  });

  it('RecordProbe writes the next revision as the caller and emits one event, with its signer and the probe', async () => {
    const first = JSON.parse(
      await ledger.submit({ caller: doctorOfA, at: '2026-05-01T00:00:00.000Z' }, (ctx) =>
        contract.RecordProbe(ctx, PROBE),
      ),
    );
    const firstTx = ledger.lastTxId;
    const second = JSON.parse(
      await ledger.submit({ caller: nodeOfB, at: '2026-05-01T00:00:01.000Z' }, (ctx) =>
        contract.RecordProbe(ctx, PROBE),
      ),
    );
    expect(second).toMatchObject({ probeId: PROBE, revision: 2, writerMspId: 'HospitalBMSP' });
    expect(ledger.events).toEqual([
      {
        txId: firstTx,
        name: 'ProbeRecorded',
        payload: {
          probeId: PROBE,
          revision: 1,
          at: '2026-05-01T00:00:00.000Z',
          actor: { id: doctorOfA.attributes['ehr.uid'], role: 'doctor', mspId: 'HospitalAMSP' },
          records: { probe: first },
        },
      },
      {
        txId: ledger.lastTxId,
        name: 'ProbeRecorded',
        payload: {
          probeId: PROBE,
          revision: 2,
          at: '2026-05-01T00:00:01.000Z',
          actor: { id: null, role: null, mspId: 'HospitalBMSP' },
          records: { probe: second },
        },
      },
    ]);
  });

  it('RecordProbe refuses the API’s service identity (FORBIDDEN), which writes nothing', async () => {
    const service = { mspId: 'HospitalAMSP', attributes: { 'ehr.role': 'service' } };
    await expect(ledger.submit({ caller: service }, (ctx) => contract.RecordProbe(ctx, PROBE))).rejects.toThrow(
      /^FORBIDDEN: the service identity/,
    );
    expect(ledger.keys()).toEqual([]);
    expect(ledger.events).toEqual([]);
  });

  it('GetProbeHistory lists every version oldest first with its transaction', async () => {
    await ledger.submit({ caller: doctorOfA, at: '2026-05-01T00:00:00.000Z' }, (ctx) =>
      contract.RecordProbe(ctx, PROBE),
    );
    const firstTx = ledger.lastTxId;
    await ledger.submit({ caller: nodeOfB }, (ctx) => contract.RecordProbe(ctx, PROBE));
    const history = JSON.parse(await ledger.evaluate({}, (ctx) => contract.GetProbeHistory(ctx, PROBE)));
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ txId: firstTx, timestamp: '2026-05-01T00:00:00.000Z', isDelete: false });
    expect(history.map((entry: { value: { revision: number } }) => entry.value.revision)).toEqual([1, 2]);
  });

  it.each([
    ['not a UUID', 'probe-1'],
    ['an upper-case UUID', PROBE.toUpperCase()],
    ['empty', ''],
  ])('refuses a probe id that is %s with INVALID_ARGUMENT', async (_label, probeId) => {
    await expect(ledger.submit({}, (ctx) => contract.RecordProbe(ctx, probeId))).rejects.toThrow(
      /^INVALID_ARGUMENT: probeId/,
    );
    expect(ledger.events).toEqual([]);
  });

  it('answers NOT_FOUND for a probe never recorded, in reads and in history', async () => {
    await expect(ledger.evaluate({}, (ctx) => contract.ReadProbe(ctx, PROBE))).rejects.toThrow(/^NOT_FOUND: /);
    await expect(ledger.evaluate({}, (ctx) => contract.GetProbeHistory(ctx, PROBE))).rejects.toThrow(/^NOT_FOUND: /);
  });

  it('refuses corrupt stored state with CORRUPT_STATE instead of passing it on', async () => {
    ledger.seed(ledger.compositeKey('probe', [PROBE]), Buffer.from('{"probeId":"x"}'));
    await expect(ledger.evaluate({}, (ctx) => contract.ReadProbe(ctx, PROBE))).rejects.toThrow(/^CORRUPT_STATE: /);
  });
});
