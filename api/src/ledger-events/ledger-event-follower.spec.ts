import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { LedgerEvent, LedgerEvents, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import type { LedgerCheckpointRepository, StoredCheckpoint } from './ledger-checkpoint.repository.js';
import type { LedgerEventReader, StartingPolicy } from './ledger-event-follower.js';

/**
 * The follower waits between attempts with node:timers/promises, which Jest's fake timers
 * do not reach; this stand-in keeps its contract (resolves after `ms`, rejects once `signal`
 * aborts) over the global timers, which they do.
 */
const sleep = jest.fn(
  (ms: number, value?: unknown, options?: { signal?: AbortSignal }) =>
    new Promise((resolve, reject) => {
      const abort = () => {
        clearTimeout(timer);
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
      };
      const timer = setTimeout(() => {
        options?.signal?.removeEventListener('abort', abort);
        resolve(value);
      }, ms);
      if (options?.signal?.aborted) abort();
      else options?.signal?.addEventListener('abort', abort, { once: true });
    }),
);
jest.unstable_mockModule('node:timers/promises', () => ({ setTimeout: sleep }));
const { LedgerEventFollower, positionAfter } = await import('./ledger-event-follower.js');

const NETWORK = { channel: 'medledger', chaincode: 'medledger-cc', hospitals: [] } as unknown as NetworkProfile;

type Work = Parameters<LedgerCheckpointRepository['advance']>[2];
type Reader = Parameters<LedgerCheckpointRepository['advance']>[0];
type Manager = Parameters<Work>[0];
const READER: Reader = { reader: 'test-reader', channel: 'medledger', chaincode: 'medledger-cc' };

const event = (blockNumber: bigint, transactionId: string): LedgerEvent => ({
  blockNumber,
  transactionId,
  name: 'AccessRequested',
  payload: {},
});
/** Two blocks' events, as the stream hands them over. */
const BLOCK_42 = [event(42n, 'tx-a'), event(42n, 'tx-b'), event(42n, 'tx-c')];
const BLOCK_43 = [event(43n, 'tx-d'), event(43n, 'tx-e')];

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

/** A follow that delivers `batches` one after another, then waits, as a live stream does, until aborted. */
const delivering =
  (batches: LedgerEvent[][]): LedgerEvents['follow'] =>
  async (_from, handle, signal) => {
    for (const batch of batches) await handle(batch);
    await untilAborted(signal);
  };

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The follower with the ledger's events and the checkpoints mocked, and a reader that
 * records what it was given. Each `advance` runs its work with a manager of its own, like
 * the transaction it stands for, and only then counts as committed.
 */
function newTestFollower(start: StartingPolicy = 'from-now') {
  const committed: Array<{ checkpoint: StoredCheckpoint; manager: Manager }> = [];
  const mocks = {
    follow: jest.fn<LedgerEvents['follow']>(delivering([])),
    chainHeight: jest.fn(() => Promise.resolve(57n)),
    checkpoints: {
      read: jest.fn((_of: Reader) => Promise.resolve<StoredCheckpoint | null>(null)),
      readOrStart: jest.fn((_of: Reader, blockNumber: bigint) =>
        Promise.resolve<StoredCheckpoint>({ blockNumber, transactionId: null, handledInBlock: 0 }),
      ),
      advance: jest.fn(async (_of: Reader, checkpoint: StoredCheckpoint, work: Work) => {
        const manager = { transaction: committed.length + 1 } as unknown as Manager;
        await work(manager);
        committed.push({ checkpoint, manager });
      }),
    },
    write: jest.fn((_manager: Manager, _events: LedgerEvent[]) => Promise.resolve()),
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const reader: LedgerEventReader = { name: 'test-reader', start, write: mocks.write };
  const sut = new LedgerEventFollower(
    { events: { follow: mocks.follow }, system: { chainHeight: mocks.chainHeight } } as unknown as LedgerPort,
    NETWORK,
    mocks.checkpoints as unknown as LedgerCheckpointRepository,
  );
  return { sut, reader, mocks, committed };
}

describe('LedgerEventFollower', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    sleep.mockClear();
  });

  it('follows the events from the checkpoint stored for the reader, its channel and chaincode', async () => {
    const { sut, reader, mocks } = newTestFollower();
    mocks.checkpoints.read.mockResolvedValueOnce({ blockNumber: 41n, transactionId: 'tx-41', handledInBlock: 2 });

    const following = sut.start(reader);
    await settle();

    expect(mocks.checkpoints.read).toHaveBeenCalledWith(READER);
    expect(mocks.checkpoints.readOrStart).not.toHaveBeenCalled();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.follow.mock.calls[0][0]).toEqual({ blockNumber: 41n, transactionId: 'tx-41' });
    await following.stop();
  });

  it('from-now: on its first run starts at the ledger’s height then, stored at once', async () => {
    const { sut, reader, mocks } = newTestFollower('from-now');

    const following = sut.start(reader);
    await settle();

    expect(mocks.checkpoints.readOrStart).toHaveBeenCalledWith(READER, 57n);
    expect(mocks.follow.mock.calls[0][0]).toEqual({ blockNumber: 57n, transactionId: null });
    await following.stop();
  });

  it('from-genesis: on its first run follows from the first block, and stores nothing before its first batch', async () => {
    const { sut, reader, mocks } = newTestFollower('from-genesis');

    const following = sut.start(reader);
    await settle();

    expect(mocks.follow.mock.calls[0][0]).toBeNull();
    expect(mocks.chainHeight).not.toHaveBeenCalled();
    expect(mocks.checkpoints.readOrStart).not.toHaveBeenCalled();
    await following.stop();
  });

  it('writes each batch in one transaction that moves the checkpoint to the batch’s last event', async () => {
    const { sut, reader, mocks, committed } = newTestFollower('from-genesis');
    const batches = [BLOCK_42.slice(0, 2), [...BLOCK_42.slice(2), ...BLOCK_43]];
    mocks.follow.mockImplementationOnce(delivering(batches));

    const following = sut.start(reader);
    await settle();
    await following.stop();

    expect(mocks.checkpoints.advance).toHaveBeenCalledTimes(2);
    expect(mocks.checkpoints.advance.mock.calls.map(([of]) => of)).toEqual([READER, READER]);
    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-b', handledInBlock: 2 },
      { blockNumber: 43n, transactionId: 'tx-e', handledInBlock: 2 },
    ]);
    expect(mocks.write.mock.calls).toEqual([
      [committed[0].manager, batches[0]],
      [committed[1].manager, batches[1]],
    ]);
  });

  it('counts the events of the checkpoint’s block on from a stored checkpoint in the middle of a block', async () => {
    const { sut, reader, mocks, committed } = newTestFollower();
    mocks.checkpoints.read.mockResolvedValueOnce({ blockNumber: 42n, transactionId: 'tx-a', handledInBlock: 1 });
    mocks.follow.mockImplementationOnce(delivering([[BLOCK_42[1]], [BLOCK_42[2]]]));

    const following = sut.start(reader);
    await settle();
    await following.stop();

    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-b', handledInBlock: 2 },
      { blockNumber: 42n, transactionId: 'tx-c', handledInBlock: 3 },
    ]);
  });

  it('hands the next batch over only after the one before is committed', async () => {
    const { sut, reader, mocks, committed } = newTestFollower();
    const committedWhenHandled: number[] = [];
    mocks.follow.mockImplementationOnce(async (_from, handle, signal) => {
      for (const batch of [BLOCK_42, BLOCK_43]) {
        await handle(batch);
        committedWhenHandled.push(committed.length);
      }
      await untilAborted(signal);
    });

    const following = sut.start(reader);
    await settle();
    await following.stop();

    expect(committedWhenHandled).toEqual([1, 2]);
  });

  it('follows again from the checkpoint, read again, when the stream breaks', async () => {
    jest.useFakeTimers();
    const { sut, reader, mocks } = newTestFollower();
    const before = { blockNumber: 41n, transactionId: 'tx-41', handledInBlock: 1 };
    const after = { blockNumber: 42n, transactionId: 'tx-c', handledInBlock: 3 };
    mocks.checkpoints.read.mockResolvedValueOnce(before).mockResolvedValueOnce(after);
    mocks.follow
      .mockImplementationOnce(async (_from, handle) => {
        await handle(BLOCK_42);
        throw new LedgerUnavailableError('the peer closed the event stream');
      })
      .mockImplementationOnce(delivering([]));

    const following = sut.start(reader);
    await jest.advanceTimersByTimeAsync(0);
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).toHaveBeenCalledWith(expect.stringContaining('(test-reader): the peer closed the event stream'));

    await jest.advanceTimersByTimeAsync(500);

    expect(mocks.checkpoints.read).toHaveBeenCalledTimes(2);
    expect(mocks.follow).toHaveBeenCalledTimes(2);
    expect(mocks.follow.mock.calls[1][0]).toEqual({ blockNumber: 42n, transactionId: 'tx-c' });
    await following.stop();
  });

  it('follows again when a batch could not be written (the database was down), from the checkpoint before it', async () => {
    jest.useFakeTimers();
    const { sut, reader, mocks, committed } = newTestFollower();
    const stored = { blockNumber: 41n, transactionId: 'tx-41', handledInBlock: 1 };
    mocks.checkpoints.read.mockResolvedValue(stored);
    mocks.checkpoints.advance.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    mocks.follow.mockImplementation(delivering([BLOCK_42]));

    const following = sut.start(reader);
    await jest.advanceTimersByTimeAsync(0);
    expect(committed).toEqual([]);

    await jest.advanceTimersByTimeAsync(500);

    expect(mocks.follow.mock.calls.map(([from]) => from)).toEqual([
      { blockNumber: 41n, transactionId: 'tx-41' },
      { blockNumber: 41n, transactionId: 'tx-41' },
    ]);
    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-c', handledInBlock: 3 },
    ]);
    expect(mocks.write).toHaveBeenCalledTimes(1);
    await following.stop();
  });

  it('follows again when the reader’s write fails, without moving the checkpoint', async () => {
    jest.useFakeTimers();
    const { sut, reader, mocks, committed } = newTestFollower();
    mocks.write.mockRejectedValueOnce(new Error('deadlock detected'));
    mocks.follow.mockImplementation(delivering([BLOCK_42]));

    const following = sut.start(reader);
    await jest.advanceTimersByTimeAsync(0);
    expect(committed).toEqual([]);
    expect(mocks.warn).toHaveBeenCalledWith(expect.stringContaining('deadlock detected'));

    await jest.advanceTimersByTimeAsync(500);

    expect(mocks.write).toHaveBeenCalledTimes(2);
    expect(committed).toHaveLength(1);
    await following.stop();
  });

  it('waits twice as long after each failed attempt, at most 15 s, and from the start again once a batch went through', async () => {
    jest.useFakeTimers();
    const { sut, reader, mocks } = newTestFollower();
    const broken = () => Promise.reject(new LedgerUnavailableError('peer unreachable'));
    mocks.follow
      .mockImplementationOnce(broken)
      .mockImplementationOnce(broken)
      .mockImplementationOnce(broken)
      .mockImplementationOnce(async (_from, handle) => {
        await handle(BLOCK_42);
        throw new LedgerUnavailableError('peer unreachable');
      })
      .mockImplementation(broken);
    const attemptsAfter = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      return mocks.follow.mock.calls.length;
    };

    const following = sut.start(reader);

    expect(await attemptsAfter(0)).toBe(1);
    expect(await attemptsAfter(499)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2);
    expect(await attemptsAfter(999)).toBe(2);
    expect(await attemptsAfter(1)).toBe(3);
    expect(await attemptsAfter(2000)).toBe(4);
    expect(await attemptsAfter(499)).toBe(4);
    expect(await attemptsAfter(1)).toBe(5);
    for (const wait of [1000, 2000, 4000, 8000]) await attemptsAfter(wait);
    expect(mocks.follow).toHaveBeenCalledTimes(9);
    expect(await attemptsAfter(15_000 - 1)).toBe(9);
    expect(await attemptsAfter(1)).toBe(10);
    expect(await attemptsAfter(15_000)).toBe(11);
    await following.stop();
  });

  it('on stop during the wait after a failure, stops waiting and returns at once', async () => {
    jest.useFakeTimers();
    const { sut, reader, mocks } = newTestFollower();
    mocks.follow.mockRejectedValue(new LedgerUnavailableError('peer unreachable'));
    const following = sut.start(reader);
    await jest.advanceTimersByTimeAsync(100);
    const [, , signal] = mocks.follow.mock.calls[0];
    expect(sleep).toHaveBeenCalledWith(500, undefined, { signal });

    let stopped = false;
    void following.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(mocks.follow).toHaveBeenCalledTimes(1);
  });

  it('on stop aborts the signal it follows with, and returns once the following ended', async () => {
    const { sut, reader, mocks } = newTestFollower();

    const following = sut.start(reader);
    await settle();
    const [, , signal] = mocks.follow.mock.calls[0];
    expect(signal.aborted).toBe(false);

    await following.stop();

    expect(signal.aborted).toBe(true);
    await settle();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).not.toHaveBeenCalled();
  });

  it('on stop neither warns nor follows again when the stream ends by failing at the abort', async () => {
    const { sut, reader, mocks } = newTestFollower();
    mocks.follow.mockImplementationOnce(async (_from, _handle, signal) => {
      await untilAborted(signal);
      throw new LedgerUnavailableError('the event stream was cancelled');
    });

    const following = sut.start(reader);
    await settle();
    await following.stop();

    await settle();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).not.toHaveBeenCalled();
  });

  it('follows each reader with a checkpoint of its own', async () => {
    const { sut, reader, mocks } = newTestFollower();
    const other: LedgerEventReader = { name: 'other-reader', start: 'from-genesis', write: mocks.write };

    const followings = [sut.start(reader), sut.start(other)];
    await settle();

    expect(mocks.checkpoints.read.mock.calls.map(([of]) => of.reader).sort()).toEqual(['other-reader', 'test-reader']);
    await Promise.all(followings.map((following) => following.stop()));
  });
});

describe('positionAfter', () => {
  it('counts the events of the last event’s block, from the start of a block', () => {
    expect(positionAfter(null, [...BLOCK_42, ...BLOCK_43])).toEqual({
      blockNumber: 43n,
      transactionId: 'tx-e',
      handledInBlock: 2,
    });
    expect(positionAfter({ blockNumber: 42n, transactionId: null, handledInBlock: 0 }, BLOCK_42)).toEqual({
      blockNumber: 42n,
      transactionId: 'tx-c',
      handledInBlock: 3,
    });
  });

  it('keeps the count of a block unknown when the checkpoint in it did not know it, until the next block', () => {
    const legacy = { blockNumber: 42n, transactionId: 'tx-a', handledInBlock: null };

    expect(positionAfter(legacy, BLOCK_42.slice(1))).toEqual({
      blockNumber: 42n,
      transactionId: 'tx-c',
      handledInBlock: null,
    });
    expect(positionAfter(legacy, [...BLOCK_42.slice(1), ...BLOCK_43]).handledInBlock).toBe(2);
  });
});
