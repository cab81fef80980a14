import { describe, expect, it, jest } from '@jest/globals';
import type { LedgerCheckpointRepository, StoredCheckpoint } from '../ledger-events/ledger-checkpoint.repository.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import { ProjectionStatus } from './projection-status.js';

const NETWORK = { channel: 'medledger', chaincode: 'medledger-cc', hospitals: [] } as unknown as NetworkProfile;

function newTestStatus(stored: StoredCheckpoint | null) {
  const read = jest.fn((_of: unknown) => Promise.resolve(stored));
  const sut = new ProjectionStatus({ read } as unknown as LedgerCheckpointRepository, NETWORK);
  return { sut, read };
}

describe('ProjectionStatus', () => {
  it('is the block of the projection reader’s checkpoint of the channel’s chaincode', async () => {
    const { sut, read } = newTestStatus({ blockNumber: 812n, transactionId: 'tx-812', handledInBlock: 3 });

    await expect(sut.checkpointBlock()).resolves.toBe(812n);
    expect(read).toHaveBeenCalledWith({ reader: 'projection', channel: 'medledger', chaincode: 'medledger-cc' });
  });

  it('is null before the projection wrote its first batch', async () => {
    await expect(newTestStatus(null).sut.checkpointBlock()).resolves.toBeNull();
  });
});
