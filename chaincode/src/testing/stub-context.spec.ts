import { StubContext } from './stub-context';

const bytes = (text: string) => Buffer.from(text);
const text = (value: Uint8Array) => Buffer.from(value).toString();

describe('StubContext keeps the peer semantics the contracts rely on', () => {
  let ledger: StubContext;
  beforeEach(() => {
    ledger = new StubContext();
  });

  it('a transaction does not read its own writes; they are visible once committed', async () => {
    const seen = await ledger.submit({}, async (ctx) => {
      await ctx.stub.putState('k', bytes('v'));
      return text(await ctx.stub.getState('k'));
    });
    expect(seen).toBe('');
    expect(ledger.read('k')).toBe('v');
  });

  it('a failed transaction commits neither its writes nor its event', async () => {
    await expect(
      ledger.submit({}, async (ctx) => {
        await ctx.stub.putState('k', bytes('v'));
        ctx.stub.setEvent('E', bytes('{}'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(ledger.read('k')).toBeNull();
    expect(ledger.events).toEqual([]);
  });

  it('an evaluated transaction never commits', async () => {
    await ledger.evaluate({}, (ctx) => ctx.stub.putState('k', bytes('v')));
    expect(ledger.read('k')).toBeNull();
  });

  it('an empty value deletes the key, as in the peer write set', async () => {
    await ledger.submit({}, (ctx) => ctx.stub.putState('k', bytes('v')));
    await ledger.submit({}, (ctx) => ctx.stub.putState('k', new Uint8Array()));
    expect(ledger.read('k')).toBeNull();
  });

  it('pages a partial composite key in key order, handing the next key as bookmark', async () => {
    await ledger.submit({}, async (ctx) => {
      for (const id of ['c', 'a', 'b']) await ctx.stub.putState(ctx.stub.createCompositeKey('t', ['x', id]), bytes(id));
      await ctx.stub.putState(ctx.stub.createCompositeKey('t', ['y', 'z']), bytes('z'));
    });
    const page = (bookmark: string) =>
      ledger.evaluate({}, async (ctx) => {
        const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
          't',
          ['x'],
          2,
          bookmark,
        );
        const values: string[] = [];
        for (let next = await iterator.next(); !next.done; next = await iterator.next())
          values.push(text(next.value.value));
        return { values, bookmark: metadata?.bookmark ?? '' };
      });
    const first = await page('');
    expect(first.values).toEqual(['a', 'b']);
    expect(first.bookmark).toBe(ledger.compositeKey('t', ['x', 'c']));
    expect(await page(first.bookmark)).toEqual({ values: ['c'], bookmark: '' });
  });

  it('refuses paginated queries in a submitted transaction, as the peer does', async () => {
    await expect(
      ledger.submit({}, (ctx) => ctx.stub.getStateByPartialCompositeKeyWithPagination('t', [], 1, '')),
    ).rejects.toThrow(/read-only/);
  });

  it('keeps one event per transaction, and fails a transaction that sets two', async () => {
    await expect(
      ledger.submit({}, async (ctx) => {
        ctx.stub.setEvent('A', bytes('{}'));
        ctx.stub.setEvent('B', bytes('{}'));
      }),
    ).rejects.toThrow(/2 events/);
  });
});
