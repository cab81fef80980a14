/** What a race against the next turn of the event loop answers when the source had nothing ready. */
const NOT_YET = Symbol('not yet');

const nextTurn = (): Promise<typeof NOT_YET> => new Promise((resolve) => setImmediate(() => resolve(NOT_YET)));

/**
 * Groups what an async source yields into batches of what it holds already: a batch starts
 * with the next item (waiting for it), then takes every item that comes before the event
 * loop's next turn (those the source had in memory: the rest of a block's events, the
 * blocks the gRPC stream has received), up to `maxSize`. A reader that is catching up so
 * writes many items at once; one that keeps up gets each as it comes.
 *
 * When the source fails, the items taken before are yielded first, then the error is
 * thrown. The item asked for while a batch is handled stays asked for: it starts the next
 * batch (nothing is lost), and closing the source (not returning this iterator) ends it.
 */
export async function* bufferedBatches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[], void> {
  const iterator = source[Symbol.asyncIterator]();
  const ask = () => {
    const next = iterator.next();
    // It may fail while nobody awaits it (the batch before is being handled, or the stream
    // was closed): the failure is seen when it is awaited, not as an unhandled rejection.
    next.catch(() => undefined);
    return next;
  };
  let pending = ask();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    const batch = [first.value];
    pending = ask();
    while (batch.length < maxSize) {
      // A failure ends the batch; the next `await pending` throws it.
      const next = await Promise.race([pending, nextTurn()]).catch((): typeof NOT_YET => NOT_YET);
      if (next === NOT_YET) break;
      if (next.done) {
        yield batch;
        return;
      }
      batch.push(next.value);
      pending = ask();
    }
    yield batch;
  }
}
