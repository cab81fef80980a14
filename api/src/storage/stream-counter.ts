import type { OpenStreams } from './content-store.port.js';

/**
 * Counts a content store's open transfers (ContentStore.openStreams): a read from its first
 * pull until its stream ends, fails or is abandoned by its consumer (a generator's `finally`
 * runs when the consumer returns it, as a destroyed stream does); an add until it settles.
 */
export class StreamCounter {
  private reads = 0;
  private writes = 0;

  snapshot(): OpenStreams {
    return { reads: this.reads, writes: this.writes };
  }

  async *read(content: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    this.reads += 1;
    try {
      yield* content;
    } finally {
      this.reads -= 1;
    }
  }

  async write<T>(add: () => Promise<T>): Promise<T> {
    this.writes += 1;
    try {
      return await add();
    } finally {
      this.writes -= 1;
    }
  }
}
