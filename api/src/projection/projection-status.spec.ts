import { describe, expect, it, jest } from '@jest/globals';
import type { LedgerCheckpointRepository, StoredCheckpoint } from '../ledger-events/ledger-checkpoint.repository.js';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { LedgerInspection, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import { ProjectionStatus } from './projection-status.js';

const NETWORK = { channel: 'medledger', chaincode: 'medledger-cc', hospitals: [] } as unknown as NetworkProfile;

/** The status over a stored checkpoint and a ledger holding `pending` events after it. */
function newTestStatus(stored: StoredCheckpoint | null, pending = 0) {
  const read = jest.fn((_of: unknown) => Promise.resolve(stored));
  const countEventsBetween = jest.fn<LedgerInspection['countEventsBetween']>(() => Promise.resolve(pending));
  const sut = new ProjectionStatus(
    { read } as unknown as LedgerCheckpointRepository,
    { inspection: { countEventsBetween } } as unknown as LedgerPort,
    NETWORK,
  );
  return { sut, read, countEventsBetween };
}

const AT_812: StoredCheckpoint = { blockNumber: 812n, transactionId: 'tx-812', handledInBlock: 3 };

describe('ProjectionStatus', () => {
  it('is the block of the projection reader’s checkpoint of the channel’s chaincode', async () => {
    const { sut, read } = newTestStatus(AT_812);

    await expect(sut.lag(813n, 100)).resolves.toMatchObject({ checkpointBlock: 812n, chainHeight: 813n });
    expect(read).toHaveBeenCalledWith({ reader: 'projection', channel: 'medledger', chaincode: 'medledger-cc' });
  });

  it('lags by 0 when caught up, however many blocks without an event of the chaincode follow', async () => {
    const { sut, countEventsBetween } = newTestStatus(AT_812, 0);

    await expect(sut.lag(820n, 100)).resolves.toEqual({
      checkpointBlock: 812n,
      chainHeight: 820n,
      lagBlocks: 0n,
      lagEvents: 0,
    });
    // The events after the checkpoint's transaction, below the height, within the deadline.
    expect(countEventsBetween).toHaveBeenCalledWith({ blockNumber: 812n, transactionId: 'tx-812' }, 820n, 100);
  });

  it('lags by the blocks after the checkpoint and the events not written yet when some are', async () => {
    const { sut } = newTestStatus(AT_812, 5);

    await expect(sut.lag(820n, 100)).resolves.toEqual({
      checkpointBlock: 812n,
      chainHeight: 820n,
      lagBlocks: 7n,
      lagEvents: 5,
    });
  });

  it('counts every block before the projection wrote its first event, and nothing on a chain without events', async () => {
    await expect(newTestStatus(null, 3).sut.lag(42n, 100)).resolves.toEqual({
      checkpointBlock: null,
      chainHeight: 42n,
      lagBlocks: 42n,
      lagEvents: 3,
    });
    await expect(newTestStatus(null, 0).sut.lag(2n, 100)).resolves.toMatchObject({ lagBlocks: 0n, lagEvents: 0 });
  });

  it('gives the blocks after the checkpoint and no count when the events cannot be counted', async () => {
    const unanswered = newTestStatus(AT_812);
    unanswered.countEventsBetween.mockRejectedValue(new LedgerUnavailableError('no blocks in time'));
    await expect(unanswered.sut.lag(820n, 100)).resolves.toMatchObject({ lagBlocks: 7n, lagEvents: null });

    // Too far behind to count within a status request.
    const far = newTestStatus(AT_812);
    await expect(far.sut.lag(812n + 5000n, 100)).resolves.toMatchObject({ lagBlocks: 4999n, lagEvents: null });
    expect(far.countEventsBetween).not.toHaveBeenCalled();
  });

  it('has no lag without a chain height (no peer answered)', async () => {
    const { sut, countEventsBetween } = newTestStatus(AT_812);

    await expect(sut.lag(null, 100)).resolves.toEqual({
      checkpointBlock: 812n,
      chainHeight: null,
      lagBlocks: null,
      lagEvents: null,
    });
    expect(countEventsBetween).not.toHaveBeenCalled();
  });
});
