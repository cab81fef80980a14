import { LedgerIterator, readToEnd } from './ledger-state';

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
