import { describe, expect, it } from '@jest/globals';
import { bufferedBatches } from './buffered-batches.js';

/**
 * A source like the Gateway's event stream: items that arrive together (a block's events,
 * blocks the stream already received) are handed out without waiting; `after` says after
 * how many milliseconds each group arrives, after the one before.
 */
function arriving<T>(groups: Array<{ after: number; items: T[] }>, failure?: Error): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const group of groups) {
        if (group.after > 0) await new Promise((resolve) => setTimeout(resolve, group.after));
        for (const item of group.items) yield item;
      }
      if (failure) throw failure;
    },
  };
}

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

describe('bufferedBatches', () => {
  it('groups what arrived together, and waits for what has not arrived', async () => {
    const source = arriving([
      { after: 0, items: [1, 2, 3] },
      { after: 20, items: [4] },
      { after: 20, items: [5, 6] },
    ]);

    expect(await collect(bufferedBatches(source, 1000))).toEqual([[1, 2, 3], [4], [5, 6]]);
  });

  it('puts no more than the bound in a batch, and the rest in the next', async () => {
    const source = arriving([{ after: 0, items: [1, 2, 3, 4, 5, 6, 7] }]);

    expect(await collect(bufferedBatches(source, 3))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('keeps what arrived while a batch was handled for the next batch, losing nothing', async () => {
    const source = arriving([
      { after: 0, items: [1] },
      { after: 5, items: [2, 3] },
      { after: 5, items: [4] },
    ]);
    const handled: number[][] = [];

    for await (const batch of bufferedBatches(source, 1000)) {
      handled.push(batch);
      // Handling the first batch takes longer than the next two groups take to arrive.
      if (batch[0] === 1) await new Promise((resolve) => setTimeout(resolve, 30));
    }

    expect(handled.flat()).toEqual([1, 2, 3, 4]);
    expect(handled[0]).toEqual([1]);
    expect(handled.length).toBeLessThan(4);
  });

  it('yields nothing for a source that ends at once', async () => {
    expect(await collect(bufferedBatches(arriving([]), 10))).toEqual([]);
  });

  it('hands over what came before a failure, then throws it', async () => {
    const failure = new Error('the peer closed the event stream');
    const handled: number[][] = [];

    const following = (async () => {
      for await (const batch of bufferedBatches(arriving([{ after: 0, items: [1, 2] }], failure), 10)) {
        handled.push(batch);
      }
    })();

    await expect(following).rejects.toBe(failure);
    expect(handled).toEqual([[1, 2]]);
  });
});
