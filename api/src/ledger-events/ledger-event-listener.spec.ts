import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { LedgerCheckpoint, LedgerEvent, LedgerEvents, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import type { GrantExpiryRemindersRepository } from '../notifications/grant-expiry-reminders.repository.js';
import type { ExpiryReminder } from '../notifications/ledger-event-notifications.js';
import type { NewNotification } from '../notifications/notification-kinds.js';
import type { NotificationsRepository } from '../notifications/notifications.repository.js';
import type { LedgerCheckpointRepository } from './ledger-checkpoint.repository.js';

/**
 * The listener waits between attempts with node:timers/promises, which Jest's fake timers
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
const { LedgerEventListener } = await import('./ledger-event-listener.js');

const NETWORK = { channel: 'medledger', chaincode: 'medledger-cc', hospitals: [] } as unknown as NetworkProfile;
const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';
const DOCTOR_ID = '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const REQUEST_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const GRANT_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';

type Work = Parameters<LedgerCheckpointRepository['advance']>[2];
type Reader = Parameters<LedgerCheckpointRepository['advance']>[0];
const READER: Reader = { reader: 'notifications', channel: 'medledger', chaincode: 'medledger-cc' };
type Manager = Parameters<Work>[0];

/** Consent events as the chaincode emits them, at their places on the ledger. */
const EVENTS: LedgerEvent[] = [
  {
    blockNumber: 42n,
    transactionId: 'tx-requested',
    name: 'AccessRequested',
    payload: { requestId: REQUEST_ID, patientId: PATIENT_ID, doctorId: DOCTOR_ID, purposeOfUse: 'TREAT' },
  },
  {
    blockNumber: 42n,
    transactionId: 'tx-granted',
    name: 'AccessGranted',
    payload: {
      grantId: GRANT_ID,
      patientId: PATIENT_ID,
      doctorId: DOCTOR_ID,
      kind: 'consent',
      purposeOfUse: 'TREAT',
      validFrom: '2026-11-21T10:00:00.000Z',
      expiresAt: '2026-12-21T10:00:00.000Z',
    },
  },
  {
    blockNumber: 43n,
    transactionId: 'tx-revoked',
    name: 'GrantRevoked',
    payload: { grantId: GRANT_ID, patientId: PATIENT_ID, doctorId: DOCTOR_ID },
  },
  { blockNumber: 44n, transactionId: 'tx-probe', name: 'ProbeRecorded', payload: { probeId: 'p-1', revision: 3 } },
];

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

/** A follow that delivers `events` one after another, then waits, as a live stream does, until aborted. */
const delivering =
  (events: LedgerEvent[]): LedgerEvents['follow'] =>
  async (_from, handle, signal) => {
    for (const event of events) await handle(event);
    await untilAborted(signal);
  };

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The listener with the ledger's events and the repositories mocked. Each `advance` runs its
 * work with a manager of its own, like the transaction it stands for, and only then counts
 * as committed.
 */
function newTestListener() {
  const committed: Array<{ checkpoint: LedgerCheckpoint; manager: Manager }> = [];
  const mocks = {
    follow: jest.fn<LedgerEvents['follow']>(delivering([])),
    chainHeight: jest.fn(() => Promise.resolve(57n)),
    checkpoints: {
      read: jest.fn((_of: Reader) => Promise.resolve<LedgerCheckpoint | null>(null)),
      readOrStart: jest.fn((_of: Reader, start: LedgerCheckpoint) => Promise.resolve(start)),
      advance: jest.fn(async (_of: Reader, checkpoint: LedgerCheckpoint, work: Work) => {
        const manager = { transaction: committed.length + 1 } as unknown as Manager;
        await work(manager);
        committed.push({ checkpoint, manager });
      }),
    },
    notifications: {
      recordAll: jest.fn((_manager: Manager, items: NewNotification[]) => Promise.resolve(items.length)),
    },
    reminders: {
      watch: jest.fn((_manager: Manager, _reminder: ExpiryReminder) => Promise.resolve()),
      forget: jest.fn((_manager: Manager, _grantId: string) => Promise.resolve()),
    },
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const sut = new LedgerEventListener(
    { events: { follow: mocks.follow }, system: { chainHeight: mocks.chainHeight } } as unknown as LedgerPort,
    NETWORK,
    mocks.checkpoints as unknown as LedgerCheckpointRepository,
    mocks.notifications as unknown as NotificationsRepository,
    mocks.reminders as unknown as GrantExpiryRemindersRepository,
  );
  return { sut, mocks, committed };
}

describe('LedgerEventListener', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    sleep.mockClear();
  });

  it('follows the events from the checkpoint stored for its channel and chaincode', async () => {
    const { sut, mocks } = newTestListener();
    const stored = { blockNumber: 41n, transactionId: 'tx-last-handled' };
    mocks.checkpoints.read.mockResolvedValueOnce(stored);

    sut.onApplicationBootstrap();
    await settle();

    expect(mocks.checkpoints.read).toHaveBeenCalledWith(READER);
    expect(mocks.checkpoints.readOrStart).not.toHaveBeenCalled();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.follow.mock.calls[0][0]).toEqual(stored);
    await sut.onApplicationShutdown();
  });

  it('on its first run starts at the ledger’s height then, stored at once, not at the ledger’s past', async () => {
    const { sut, mocks } = newTestListener();

    sut.onApplicationBootstrap();
    await settle();

    const start = { blockNumber: 57n, transactionId: null };
    expect(mocks.checkpoints.readOrStart).toHaveBeenCalledWith(READER, start);
    expect(mocks.follow.mock.calls[0][0]).toEqual(start);
    await sut.onApplicationShutdown();
  });

  it('writes each event’s effects in the transaction that moves the checkpoint to that event', async () => {
    const { sut, mocks, committed } = newTestListener();
    mocks.follow.mockImplementationOnce(delivering(EVENTS));

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    expect(mocks.checkpoints.advance.mock.calls.map(([of]) => of)).toEqual(EVENTS.map(() => READER));
    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-requested' },
      { blockNumber: 42n, transactionId: 'tx-granted' },
      { blockNumber: 43n, transactionId: 'tx-revoked' },
      { blockNumber: 44n, transactionId: 'tx-probe' },
    ]);
    const [requested, granted, revoked] = committed.map(({ manager }) => manager);
    expect(mocks.notifications.recordAll.mock.calls).toEqual([
      [
        requested,
        [
          {
            userId: PATIENT_ID,
            kind: 'access-requested',
            subject: { type: 'access-request', id: REQUEST_ID },
            sourceTxId: 'tx-requested',
          },
        ],
      ],
      [
        granted,
        [
          {
            userId: DOCTOR_ID,
            kind: 'grant-created',
            subject: { type: 'grant', id: GRANT_ID },
            sourceTxId: 'tx-granted',
          },
        ],
      ],
      [
        revoked,
        [
          {
            userId: DOCTOR_ID,
            kind: 'grant-revoked',
            subject: { type: 'grant', id: GRANT_ID },
            sourceTxId: 'tx-revoked',
          },
        ],
      ],
    ]);
    expect(mocks.reminders.watch.mock.calls).toEqual([
      [
        granted,
        {
          grantId: GRANT_ID,
          patientId: PATIENT_ID,
          doctorId: DOCTOR_ID,
          expiresAt: new Date('2026-12-21T10:00:00.000Z'),
          remindAt: new Date('2026-12-20T10:00:00.000Z'),
        },
      ],
    ]);
    expect(mocks.reminders.forget.mock.calls).toEqual([[revoked, GRANT_ID]]);
  });

  it('hands the next event over only after the one before is committed', async () => {
    const { sut, mocks, committed } = newTestListener();
    const committedWhenHandled: number[] = [];
    mocks.follow.mockImplementationOnce(async (_from, handle, signal) => {
      for (const event of EVENTS) {
        await handle(event);
        committedWhenHandled.push(committed.length);
      }
      await untilAborted(signal);
    });

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    expect(committedWhenHandled).toEqual([1, 2, 3, 4]);
  });

  it('follows again from the checkpoint, read again, when the stream breaks', async () => {
    jest.useFakeTimers();
    const { sut, mocks } = newTestListener();
    const before = { blockNumber: 41n, transactionId: 'tx-41' };
    const after = { blockNumber: 42n, transactionId: 'tx-granted' };
    mocks.checkpoints.read.mockResolvedValueOnce(before).mockResolvedValueOnce(after);
    mocks.follow
      .mockImplementationOnce(async (_from, handle) => {
        await handle(EVENTS[0]);
        await handle(EVENTS[1]);
        throw new LedgerUnavailableError('the peer closed the event stream');
      })
      .mockImplementationOnce(delivering([]));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).toHaveBeenCalledWith(expect.stringContaining('the peer closed the event stream'));

    await jest.advanceTimersByTimeAsync(500);

    expect(mocks.checkpoints.read).toHaveBeenCalledTimes(2);
    expect(mocks.follow).toHaveBeenCalledTimes(2);
    expect(mocks.follow.mock.calls[1][0]).toEqual(after);
    await sut.onApplicationShutdown();
  });

  it('follows again when an event could not be written (the database was down), from the checkpoint before it', async () => {
    jest.useFakeTimers();
    const { sut, mocks, committed } = newTestListener();
    const stored = { blockNumber: 41n, transactionId: 'tx-41' };
    mocks.checkpoints.read.mockResolvedValue(stored);
    mocks.checkpoints.advance.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    mocks.follow.mockImplementation(delivering(EVENTS.slice(0, 1)));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(committed).toEqual([]);

    await jest.advanceTimersByTimeAsync(500);

    expect(mocks.follow.mock.calls.map(([from]) => from)).toEqual([stored, stored]);
    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-requested' },
    ]);
    expect(mocks.notifications.recordAll).toHaveBeenCalledTimes(1);
    await sut.onApplicationShutdown();
  });

  it('waits twice as long after each failed attempt, at most 15 s, and from the start again once an event went through', async () => {
    jest.useFakeTimers();
    const { sut, mocks } = newTestListener();
    const broken = () => Promise.reject(new LedgerUnavailableError('peer unreachable'));
    mocks.follow
      .mockImplementationOnce(broken)
      .mockImplementationOnce(broken)
      .mockImplementationOnce(broken)
      .mockImplementationOnce(async (_from, handle) => {
        await handle(EVENTS[0]);
        throw new LedgerUnavailableError('peer unreachable');
      })
      .mockImplementation(broken);
    const attemptsAfter = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      return mocks.follow.mock.calls.length;
    };

    sut.onApplicationBootstrap();

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
    await sut.onApplicationShutdown();
  });

  it('on shutdown during the wait after a failure, stops waiting and returns at once', async () => {
    jest.useFakeTimers();
    const { sut, mocks } = newTestListener();
    mocks.follow.mockRejectedValue(new LedgerUnavailableError('peer unreachable'));
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(100);
    const [, , signal] = mocks.follow.mock.calls[0];
    expect(sleep).toHaveBeenCalledWith(500, undefined, { signal });

    let stopped = false;
    void sut.onApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(mocks.follow).toHaveBeenCalledTimes(1);
  });

  it('on shutdown aborts the signal it follows with, and returns once the following ended', async () => {
    const { sut, mocks } = newTestListener();

    sut.onApplicationBootstrap();
    await settle();
    const [, , signal] = mocks.follow.mock.calls[0];
    expect(signal.aborted).toBe(false);

    await sut.onApplicationShutdown();

    expect(signal.aborted).toBe(true);
    await settle();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).not.toHaveBeenCalled();
  });

  it('on shutdown neither warns nor follows again when the stream ends by failing at the abort', async () => {
    const { sut, mocks } = newTestListener();
    mocks.follow.mockImplementationOnce(async (_from, _handle, signal) => {
      await untilAborted(signal);
      throw new LedgerUnavailableError('the event stream was cancelled');
    });

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    await settle();
    expect(mocks.follow).toHaveBeenCalledTimes(1);
    expect(mocks.warn).not.toHaveBeenCalled();
  });

  it('shuts down at once when it was never started', async () => {
    const { sut, mocks } = newTestListener();

    await expect(sut.onApplicationShutdown()).resolves.toBeUndefined();
    expect(mocks.follow).not.toHaveBeenCalled();
  });
});
