import { emitEvent, LedgerIterator, readToEnd } from './ledger-state';
import { StubCaller, StubContext } from './testing/stub-context';

/** An iterator over `items` that counts the closes it receives. */
function iteratorOver(items: number[]): LedgerIterator<number> & { closes: number } {
  let position = 0;
  return {
    closes: 0,
    async next() {
      return position < items.length ? { value: items[position++], done: false } : { value: 0, done: true };
    },
    async close() {
      this.closes += 1;
    },
  };
}

describe('readToEnd', () => {
  it('reads an iterator to its end without closing it (the peer already dropped it)', async () => {
    const iterator = iteratorOver([1, 2, 3]);
    await expect(readToEnd(iterator, (item) => item * 10)).resolves.toEqual([10, 20, 30]);
    expect(iterator.closes).toBe(0);
  });

  it('closes an iterator it leaves early, and passes the failure on', async () => {
    const iterator = iteratorOver([1, 2, 3]);
    const failing = readToEnd(iterator, (item) => {
      if (item === 2) throw new Error('corrupt entry');
      return item;
    });
    await expect(failing).rejects.toThrow('corrupt entry');
    expect(iterator.closes).toBe(1);
  });
});

describe('emitEvent', () => {
  const emitProbeEvent = (ledger: StubContext, caller: StubCaller) =>
    ledger.submit({ caller, at: '2026-02-03T04:05:06.789Z' }, async (ctx) => {
      emitEvent(
        ctx,
        'ProbeRecorded',
        { probeId: 'p', revision: 1, note: null },
        { probe: { probeId: 'p', b: 2, a: 1 } },
      );
    });

  it('adds the transaction time, the signer from the certificate and the records to the IDs', async () => {
    const ledger = new StubContext();
    const doctor = { mspId: 'HospitalAMSP', attributes: { 'ehr.uid': 'u-1', 'ehr.role': 'doctor' } };
    await emitProbeEvent(ledger, doctor);
    expect(ledger.events).toEqual([
      {
        txId: ledger.lastTxId,
        name: 'ProbeRecorded',
        payload: {
          probeId: 'p',
          revision: 1,
          note: null,
          at: '2026-02-03T04:05:06.789Z',
          actor: { id: 'u-1', role: 'doctor', mspId: 'HospitalAMSP' },
          records: { probe: { probeId: 'p', a: 1, b: 2 } },
        },
      },
    ]);
  });

  it('names no actor id when the certificate carries no ehr.uid (nor a role when it carries none)', async () => {
    const ledger = new StubContext();
    await emitProbeEvent(ledger, { mspId: 'HospitalBMSP' });
    expect(ledger.events[0].payload).toMatchObject({ actor: { id: null, role: null, mspId: 'HospitalBMSP' } });
  });

  it('writes canonical JSON: sorted keys at every level, the same bytes for the same transaction', async () => {
    const written: string[] = [];
    const ledger = new StubContext();
    await ledger.submit({ caller: { mspId: 'HospitalAMSP' } }, async (ctx) => {
      const stub = ctx.stub as unknown as { setEvent: (name: string, payload: Uint8Array) => void };
      stub.setEvent = (_name, payload) => void written.push(Buffer.from(payload).toString('utf8'));
      emitEvent(ctx, 'X', { z: 'z', a: 'a' }, { report: { y: 1, b: { d: 1, c: 2 } } });
      emitEvent(ctx, 'X', { a: 'a', z: 'z' }, { report: { b: { c: 2, d: 1 }, y: 1 } });
    });
    expect(written[0]).toBe(written[1]);
    expect(written[0]).toBe(
      '{"a":"a","actor":{"id":null,"mspId":"HospitalAMSP","role":null},"at":"2026-01-01T00:00:01.000Z",' +
        '"records":{"report":{"b":{"c":2,"d":1},"y":1}},"z":"z"}',
    );
  });

  it('keeps the envelope’s names for the envelope (a type error to pass them as IDs)', async () => {
    const ledger = new StubContext();
    await ledger.submit({ caller: { mspId: 'HospitalAMSP' } }, async (ctx) => {
      // @ts-expect-error `at` is the envelope's
      emitEvent(ctx, 'X', { at: 'then' }, {});
    });
    expect(ledger.events[0].payload).toMatchObject({ at: '2026-01-01T00:00:01.000Z' });
  });
});
