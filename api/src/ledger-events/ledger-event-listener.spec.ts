import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { LedgerEvent, LedgerEvents, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import type { GrantExpiryRemindersRepository } from '../notifications/grant-expiry-reminders.repository.js';
import type { ExpiryReminder } from '../notifications/ledger-event-notifications.js';
import type { NewNotification } from '../notifications/notification-kinds.js';
import type { NotificationsRepository } from '../notifications/notifications.repository.js';
import type { LedgerCheckpointRepository, StoredCheckpoint } from './ledger-checkpoint.repository.js';
import { LedgerEventFollower } from './ledger-event-follower.js';
import { LedgerEventListener } from './ledger-event-listener.js';

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

/** A follow that delivers `batches` one after another, then waits, as a live stream does, until aborted. */
const delivering =
  (batches: LedgerEvent[][]): LedgerEvents['follow'] =>
  async (_from, handle, signal) => {
    for (const batch of batches) await handle(batch);
    await untilAborted(signal);
  };

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The notifications reader over the follower, with the ledger's events and the
 * repositories mocked. Each `advance` runs its work with a manager of its own, like the
 * transaction it stands for, and only then counts as committed.
 */
function newTestListener() {
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
    notifications: {
      recordAll: jest.fn((_manager: Manager, items: NewNotification[]) => Promise.resolve(items.length)),
    },
    reminders: {
      watch: jest.fn((_manager: Manager, _reminder: ExpiryReminder) => Promise.resolve()),
      forget: jest.fn((_manager: Manager, _grantId: string) => Promise.resolve()),
    },
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const follower = new LedgerEventFollower(
    { events: { follow: mocks.follow }, system: { chainHeight: mocks.chainHeight } } as unknown as LedgerPort,
    NETWORK,
    mocks.checkpoints as unknown as LedgerCheckpointRepository,
  );
  const sut = new LedgerEventListener(
    follower,
    mocks.notifications as unknown as NotificationsRepository,
    mocks.reminders as unknown as GrantExpiryRemindersRepository,
  );
  return { sut, mocks, committed };
}

const REMINDER = {
  grantId: GRANT_ID,
  patientId: PATIENT_ID,
  doctorId: DOCTOR_ID,
  expiresAt: new Date('2026-12-21T10:00:00.000Z'),
  remindAt: new Date('2026-12-20T10:00:00.000Z'),
};

describe('LedgerEventListener (the notifications reader)', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('reads as `notifications`, and on its first run starts at the ledger’s height then, not at the ledger’s past', async () => {
    const { sut, mocks } = newTestListener();

    sut.onApplicationBootstrap();
    await settle();

    expect(mocks.checkpoints.read).toHaveBeenCalledWith(READER);
    expect(mocks.checkpoints.readOrStart).toHaveBeenCalledWith(READER, 57n);
    expect(mocks.follow.mock.calls[0][0]).toEqual({ blockNumber: 57n, transactionId: null });
    await sut.onApplicationShutdown();
  });

  it('resumes from its stored checkpoint', async () => {
    const { sut, mocks } = newTestListener();
    mocks.checkpoints.read.mockResolvedValueOnce({ blockNumber: 41n, transactionId: 'tx-41', handledInBlock: 1 });

    sut.onApplicationBootstrap();
    await settle();

    expect(mocks.checkpoints.readOrStart).not.toHaveBeenCalled();
    expect(mocks.follow.mock.calls[0][0]).toEqual({ blockNumber: 41n, transactionId: 'tx-41' });
    await sut.onApplicationShutdown();
  });

  it('writes a batch’s notifications, in ledger order, and its reminders in the transaction that moves the checkpoint to its last event', async () => {
    const { sut, mocks, committed } = newTestListener();
    mocks.follow.mockImplementationOnce(delivering([EVENTS.slice(0, 2), EVENTS.slice(2)]));

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    expect(mocks.checkpoints.advance.mock.calls.map(([of]) => of)).toEqual([READER, READER]);
    expect(committed.map(({ checkpoint }) => checkpoint)).toEqual([
      { blockNumber: 42n, transactionId: 'tx-granted', handledInBlock: 2 },
      { blockNumber: 44n, transactionId: 'tx-probe', handledInBlock: 1 },
    ]);
    const [first, second] = committed.map(({ manager }) => manager);
    expect(mocks.notifications.recordAll.mock.calls).toEqual([
      [
        first,
        [
          {
            userId: PATIENT_ID,
            kind: 'access-requested',
            subject: { type: 'access-request', id: REQUEST_ID },
            sourceTxId: 'tx-requested',
          },
          {
            userId: DOCTOR_ID,
            kind: 'grant-created',
            subject: { type: 'grant', id: GRANT_ID },
            sourceTxId: 'tx-granted',
          },
        ],
      ],
      [
        second,
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
    expect(mocks.reminders.watch.mock.calls).toEqual([[first, REMINDER]]);
    expect(mocks.reminders.forget.mock.calls).toEqual([[second, GRANT_ID]]);
  });

  it('in one batch, watches a grant’s reminder before it forgets it when the grant is revoked later in the batch', async () => {
    const { sut, mocks, committed } = newTestListener();
    const order: string[] = [];
    mocks.reminders.watch.mockImplementation(() => Promise.resolve(void order.push('watch')));
    mocks.reminders.forget.mockImplementation(() => Promise.resolve(void order.push('forget')));
    mocks.follow.mockImplementationOnce(delivering([EVENTS]));

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    expect(committed).toHaveLength(1);
    expect(mocks.notifications.recordAll).toHaveBeenCalledTimes(1);
    expect(mocks.notifications.recordAll.mock.calls[0][1]).toHaveLength(3);
    expect(order).toEqual(['watch', 'forget']);
  });

  it('a batch that tells no one moves the checkpoint and records nothing', async () => {
    const { sut, mocks, committed } = newTestListener();
    mocks.follow.mockImplementationOnce(delivering([EVENTS.slice(3)]));

    sut.onApplicationBootstrap();
    await settle();
    await sut.onApplicationShutdown();

    expect(committed.map(({ checkpoint }) => checkpoint.transactionId)).toEqual(['tx-probe']);
    expect(mocks.notifications.recordAll).not.toHaveBeenCalled();
    expect(mocks.reminders.watch).not.toHaveBeenCalled();
    expect(mocks.reminders.forget).not.toHaveBeenCalled();
  });

  it('on shutdown stops following, without a warning', async () => {
    const { sut, mocks } = newTestListener();

    sut.onApplicationBootstrap();
    await settle();
    const [, , signal] = mocks.follow.mock.calls[0];

    await sut.onApplicationShutdown();

    expect(signal.aborted).toBe(true);
    expect(mocks.warn).not.toHaveBeenCalled();
  });

  it('shuts down at once when it was never started', async () => {
    const { sut, mocks } = newTestListener();

    await expect(sut.onApplicationShutdown()).resolves.toBeUndefined();
    expect(mocks.follow).not.toHaveBeenCalled();
  });
});
