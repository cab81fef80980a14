import { describe, expect, it, jest } from '@jest/globals';
import type { AppConfig } from '../config/app-config.js';
import type { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { ChaincodeDefinition, InspectedNetwork, LedgerInspection, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import { ProjectionStatus } from '../projection/projection-status.js';
import type { ReconciliationRepository } from '../reconciliation/reconciliation.repository.js';
import { ContentStoreUnavailableError } from '../storage/storage.errors.js';
import type { ContentStore, ContentStoreStatus } from '../storage/content-store.port.js';
import { API_VERSION } from './api-version.js';
import { SystemStatusDto } from './system-status.dto.js';
import { SystemStatusService } from './system-status.service.js';

const DEADLINE_MS = 100;

const NETWORK: InspectedNetwork = {
  channel: 'ehr',
  chaincode: 'medledger',
  fabricVersion: '3.1.1',
  peers: [
    { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051' },
    { hospital: 'hospital-b', mspId: 'HospitalBMSP', endpoint: 'localhost:9051' },
  ],
};

const DEFINITION: ChaincodeDefinition = { name: 'medledger', version: '3f2a9c1b7d4e', sequence: 4 };

/** A promise that never settles: a peer whose process hangs without closing its socket. */
const never = <T>() => new Promise<T>(() => undefined);

/**
 * The service over mocked ports: both peers answer at height 42 unless a test says
 * otherwise; the projection's checkpoint is in block 40, and no event lies after it.
 */
function newTestService() {
  const inspection = {
    network: jest.fn<LedgerInspection['network']>(() => NETWORK),
    chainHeightAt: jest.fn<LedgerInspection['chainHeightAt']>(() => Promise.resolve(42n)),
    peerVersionAt: jest.fn<LedgerInspection['peerVersionAt']>(() => Promise.resolve('3.1.1')),
    chaincodeDefinitionAt: jest.fn<LedgerInspection['chaincodeDefinitionAt']>(() => Promise.resolve(DEFINITION)),
    countEventsBetween: jest.fn<LedgerInspection['countEventsBetween']>(() => Promise.resolve(0)),
  };
  const contentStore = {
    kind: 'kubo' as const,
    status: jest.fn<ContentStore['status']>(() =>
      Promise.resolve<ContentStoreStatus>({ id: '12D3KooWExample', version: '0.39.0', repoSizeBytes: 1_048_576 }),
    ),
  };
  const checkpoints = {
    read: jest.fn<LedgerCheckpointRepository['read']>(() =>
      Promise.resolve({ blockNumber: 40n, transactionId: 'tx-40', handledInBlock: 1 }),
    ),
  };
  const reconciliations = {
    last: jest.fn<ReconciliationRepository['last']>(() =>
      Promise.resolve({ finishedAt: new Date('2025-03-05T08:00:00.000Z'), differences: 0 }),
    ),
  };
  const ledger = { inspection } as unknown as LedgerPort;
  const sut = new SystemStatusService(
    ledger,
    contentStore as unknown as ContentStore,
    new ProjectionStatus(checkpoints as unknown as LedgerCheckpointRepository, ledger, {
      channel: NETWORK.channel,
      chaincode: NETWORK.chaincode,
    } as NetworkProfile),
    reconciliations as unknown as ReconciliationRepository,
    { READINESS_TIMEOUT_MS: DEADLINE_MS } as AppConfig,
  );
  return { sut, mocks: { inspection, contentStore, checkpoints, reconciliations } };
}

describe('SystemStatusService', () => {
  it('reports every component when all answer', async () => {
    const { sut, mocks } = newTestService();

    const status = SystemStatusDto.from(await sut.status());

    expect(status).toEqual({
      api: { version: API_VERSION },
      chaincode: { name: 'medledger', version: '3f2a9c1b7d4e', sequence: 4 },
      fabric: { version: '3.1.1' },
      channel: 'ehr',
      peers: [
        { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051', answering: true, blockHeight: 42 },
        { hospital: 'hospital-b', mspId: 'HospitalBMSP', endpoint: 'localhost:9051', answering: true, blockHeight: 42 },
      ],
      ipfs: { kind: 'kubo', answering: true, id: '12D3KooWExample', version: '0.39.0', repoSizeBytes: 1_048_576 },
      projection: { checkpointBlock: 40, chainHeight: 42, lagBlocks: 0, lagEvents: 0 },
      reconciliation: { finishedAt: '2025-03-05T08:00:00.000Z', differences: 0, ok: true },
    });
    expect(mocks.checkpoints.read).toHaveBeenCalledWith({
      reader: 'projection',
      channel: 'ehr',
      chaincode: 'medledger',
    });
    expect(mocks.inspection.chainHeightAt).toHaveBeenCalledWith('hospital-b', DEADLINE_MS);
  });

  it('reports a peer that does not answer within the deadline as not answering, and still answers', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.chainHeightAt.mockImplementation((hospital) =>
      hospital === 'hospital-b' ? never() : Promise.resolve(43n),
    );
    mocks.inspection.peerVersionAt.mockImplementation((hospital) =>
      hospital === 'hospital-b' ? never() : Promise.resolve('3.1.1'),
    );
    mocks.inspection.chaincodeDefinitionAt.mockImplementation((hospital) =>
      hospital === 'hospital-b' ? never() : Promise.resolve(DEFINITION),
    );

    const started = performance.now();
    const status = SystemStatusDto.from(await sut.status());
    const took = performance.now() - started;

    expect(status.peers).toEqual([
      { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051', answering: true, blockHeight: 43 },
      {
        hospital: 'hospital-b',
        mspId: 'HospitalBMSP',
        endpoint: 'localhost:9051',
        answering: false,
        blockHeight: null,
      },
    ]);
    expect(status.projection).toEqual({ checkpointBlock: 40, chainHeight: 43, lagBlocks: 0, lagEvents: 0 });
    expect(status.chaincode).toEqual({ name: 'medledger', version: '3f2a9c1b7d4e', sequence: 4 });
    expect(took).toBeLessThan(DEADLINE_MS * 5);
  });

  it('reports a stopped peer (connection refused) as not answering', async () => {
    const { sut, mocks } = newTestService();
    const refused = new LedgerUnavailableError('GetChainInfo: a peer or the orderer is unreachable');
    mocks.inspection.chainHeightAt.mockImplementation((hospital) =>
      hospital === 'hospital-a' ? Promise.reject(refused) : Promise.resolve(42n),
    );
    mocks.inspection.peerVersionAt.mockImplementation((hospital) =>
      hospital === 'hospital-a' ? Promise.reject(refused) : Promise.resolve('3.1.1'),
    );

    const status = SystemStatusDto.from(await sut.status());

    expect(status.peers.map(({ hospital, answering, blockHeight }) => ({ hospital, answering, blockHeight }))).toEqual([
      { hospital: 'hospital-a', answering: false, blockHeight: null },
      { hospital: 'hospital-b', answering: true, blockHeight: 42 },
    ]);
    expect(status.fabric).toEqual({ version: '3.1.1' });
  });

  it('falls back to the built Fabric release and null figures when no peer answers', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.chainHeightAt.mockRejectedValue(new LedgerUnavailableError('unreachable'));
    mocks.inspection.peerVersionAt.mockRejectedValue(new LedgerUnavailableError('unreachable'));
    mocks.inspection.chaincodeDefinitionAt.mockRejectedValue(new LedgerUnavailableError('unreachable'));
    mocks.checkpoints.read.mockResolvedValue(null);
    mocks.reconciliations.last.mockResolvedValue(null);

    const status = SystemStatusDto.from(await sut.status());

    expect(status).toMatchObject({
      chaincode: { name: 'medledger', version: null, sequence: null },
      fabric: { version: '3.1.1' },
      projection: { checkpointBlock: null, chainHeight: null, lagBlocks: null, lagEvents: null },
      reconciliation: null,
    });
    expect(status.peers.every((peer) => !peer.answering)).toBe(true);
  });

  it('reports an IPFS node that does not answer, and a reconciliation that found differences', async () => {
    const { sut, mocks } = newTestService();
    mocks.contentStore.status.mockRejectedValue(new ContentStoreUnavailableError('Kubo did not answer'));
    mocks.reconciliations.last.mockResolvedValue({ finishedAt: new Date('2025-03-05T08:00:00.000Z'), differences: 3 });

    const status = SystemStatusDto.from(await sut.status());

    expect(status.ipfs).toEqual({ kind: 'kubo', answering: false, id: null, version: null, repoSizeBytes: null });
    expect(status.reconciliation).toEqual({ finishedAt: '2025-03-05T08:00:00.000Z', differences: 3, ok: false });
  });

  it('shows no lag when the projection holds every event, though event-less blocks follow its checkpoint', async () => {
    const { sut, mocks } = newTestService();
    mocks.checkpoints.read.mockResolvedValue({ blockNumber: 30n, transactionId: 'tx-30', handledInBlock: 2 });

    const status = SystemStatusDto.from(await sut.status());

    expect(status.projection).toEqual({ checkpointBlock: 30, chainHeight: 42, lagBlocks: 0, lagEvents: 0 });
    // The events after the checkpoint's transaction below the highest peer's height, within the deadline.
    expect(mocks.inspection.countEventsBetween).toHaveBeenCalledWith(
      { blockNumber: 30n, transactionId: 'tx-30' },
      42n,
      DEADLINE_MS,
    );
  });

  it('shows the blocks and events still to write when the projection is behind', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.countEventsBetween.mockResolvedValue(4);

    const status = SystemStatusDto.from(await sut.status());

    expect(status.projection).toEqual({ checkpointBlock: 40, chainHeight: 42, lagBlocks: 1, lagEvents: 4 });
  });

  it('counts every block as lag before the projection wrote its first event', async () => {
    const { sut, mocks } = newTestService();
    mocks.checkpoints.read.mockResolvedValue(null);
    mocks.inspection.countEventsBetween.mockResolvedValue(17);

    const status = SystemStatusDto.from(await sut.status());

    expect(status.projection).toEqual({ checkpointBlock: null, chainHeight: 42, lagBlocks: 42, lagEvents: 17 });
  });

  it('gives the blocks after the checkpoint and no count when the peer does not deliver the blocks in time', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.countEventsBetween.mockImplementation(() => never());

    const started = performance.now();
    const status = SystemStatusDto.from(await sut.status());

    expect(status.projection).toEqual({ checkpointBlock: 40, chainHeight: 42, lagBlocks: 1, lagEvents: null });
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS * 5);
  });
});
