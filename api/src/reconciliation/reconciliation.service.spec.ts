import { describe, expect, it, jest } from '@jest/globals';
import { SystemClock } from '../common/clock.js';
import type { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import type { InspectedNetwork, LedgerEvent, LedgerInspection, LedgerPort, Page } from '../ledger/ledger.port.js';
import type { LedgerFacts } from './expected-projection.js';
import type { ReconciliationRepository } from './reconciliation.repository.js';
import { ProjectionBehindError, ReconciliationService } from './reconciliation.service.js';
import { IDS, ledgerEvents, ledgerFacts, projectionOf, txId } from './testing/ledger-facts.js';

const NETWORK: InspectedNetwork = {
  channel: 'ehr',
  chaincode: 'medledger',
  fabricVersion: '3.1.1',
  peers: [
    { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051' },
    { hospital: 'hospital-b', mspId: 'HospitalBMSP', endpoint: 'localhost:9051' },
  ],
};

const page = <T>(items: T[]): Promise<Page<T>> => Promise.resolve({ items, nextBookmark: null });

/**
 * The service over mocked ports: the ledger holds `facts` and `events` (delivered in two
 * blocks' worth), the projection `projectionOf(facts)`, caught up.
 */
function newTestService(facts: LedgerFacts = ledgerFacts(), events: LedgerEvent[] = ledgerEvents()) {
  const inspection = {
    network: jest.fn<LedgerInspection['network']>(() => NETWORK),
    countEventsBetween: jest.fn<LedgerInspection['countEventsBetween']>(() => Promise.resolve(0)),
    readEventsBelow: jest.fn<LedgerInspection['readEventsBelow']>((_height, _deadline, handle) => {
      handle(events.slice(0, 3));
      handle(events.slice(3));
      return Promise.resolve();
    }),
    // Hospital B's auditor view holds none of hospital A's participants; the first page of A's holds one.
    listParticipants: jest.fn<LedgerInspection['listParticipants']>((hospital, request) =>
      hospital === 'hospital-b'
        ? page([])
        : Promise.resolve(
            request.bookmark === ''
              ? { items: facts.participants.slice(0, 1), nextBookmark: 'next' }
              : { items: facts.participants.slice(1), nextBookmark: null },
          ),
    ),
    listReports: jest.fn<LedgerInspection['listReports']>(() => page(facts.reports)),
    listReceiptsByPatient: jest.fn<LedgerInspection['listReceiptsByPatient']>(() => page(facts.receipts)),
    listRefusalsByPatient: jest.fn<LedgerInspection['listRefusalsByPatient']>(() => page(facts.refusals)),
    listRequestsByPatient: jest.fn<LedgerInspection['listRequestsByPatient']>(() => page(facts.requests)),
    listGrantsByPatient: jest.fn<LedgerInspection['listGrantsByPatient']>(() => page(facts.grants)),
    listCareByPatient: jest.fn<LedgerInspection['listCareByPatient']>(() => page(facts.careAssignments)),
    getErasure: jest.fn<LedgerInspection['getErasure']>(() => Promise.resolve(null)),
  };
  const system = { chainHeight: jest.fn(() => Promise.resolve(10n)) };
  const repository = {
    projection: jest.fn<ReconciliationRepository['projection']>(() => Promise.resolve(projectionOf(facts))),
    record: jest.fn<ReconciliationRepository['record']>(() => Promise.resolve()),
  };
  const checkpoints = {
    read: jest.fn<LedgerCheckpointRepository['read']>(() =>
      Promise.resolve({ blockNumber: 9n, transactionId: txId('last'), handledInBlock: 1 }),
    ),
  };
  const sut = new ReconciliationService(
    { inspection, system } as unknown as LedgerPort,
    repository as unknown as ReconciliationRepository,
    checkpoints as unknown as LedgerCheckpointRepository,
    new SystemClock(),
  );
  return { sut, mocks: { inspection, system, repository, checkpoints } };
}

const FAST = { catchUpTimeoutMs: 200, pollMs: 5 };

describe('ReconciliationService', () => {
  it('records a clean run when the projection holds what the ledger holds', async () => {
    const { sut, mocks } = newTestService();

    const run = await sut.run(FAST);

    expect(run.differences).toBe(0);
    expect(run.report.chainHeight).toEqual({ atStart: '10', afterLedgerRead: '10' });
    expect(run.report.tables.find((table) => table.table === 'projection_participants')).toEqual({
      table: 'projection_participants',
      ledgerRows: 2,
      projectionRows: 2,
      differences: 0,
      notCompared: 0,
    });
    expect(mocks.repository.record).toHaveBeenCalledWith(run);
    // Each patient's records are read as the patient's own hospital.
    expect(mocks.inspection.listGrantsByPatient).toHaveBeenCalledWith('hospital-a', IDS.patient, {
      pageSize: 100,
      bookmark: '',
    });
    expect(mocks.inspection.getErasure).toHaveBeenCalledTimes(1);
    // Every event below the height the run started at, from the blocks.
    expect(mocks.inspection.readEventsBelow).toHaveBeenCalledWith(10n, 600_000, expect.any(Function));
    expect(run.report.tables.find((table) => table.table === 'projection_events')).toEqual({
      table: 'projection_events',
      ledgerRows: 8,
      projectionRows: 8,
      differences: 0,
      notCompared: 0,
    });
  });

  it('reports an event of the blocks that the projection does not hold', async () => {
    const revoked = { ...ledgerFacts().grants[0], effectiveStatus: undefined, status: 'revoked' };
    const { sut } = newTestService(undefined, [
      ...ledgerEvents(),
      {
        blockNumber: 8n,
        transactionId: txId('revoke'),
        name: 'GrantRevoked',
        payload: {
          grantId: IDS.grant,
          at: '2025-03-03T08:00:00.000Z',
          actor: { id: IDS.patient, role: 'patient', mspId: 'HospitalAMSP' },
          records: { grant: { ...revoked, revokedAt: '2025-03-03T08:00:00.000Z' } },
        },
      },
    ]);

    const run = await sut.run(FAST);

    expect(run.report.differences).toEqual([
      {
        table: 'projection_events',
        key: txId('revoke'),
        kind: 'ledger-only',
        field: null,
        ledger: null,
        projection: null,
      },
    ]);
  });

  it('records and returns the differences it finds', async () => {
    const { sut, mocks } = newTestService();
    const projection = projectionOf(ledgerFacts());
    projection.requests = [];
    mocks.repository.projection.mockResolvedValue(projection);

    const run = await sut.run(FAST);

    expect(run.report.differences).toEqual([
      {
        table: 'projection_requests',
        key: IDS.request,
        kind: 'ledger-only',
        field: null,
        ledger: null,
        projection: null,
      },
    ]);
    expect(run.differences).toBe(1);
    expect(mocks.repository.record.mock.calls[0][0]).toMatchObject({ differences: 1 });
  });

  it('waits until the projection has written every event below the height it started at', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.countEventsBetween.mockResolvedValueOnce(3).mockResolvedValueOnce(1);

    await sut.run(FAST);

    expect(mocks.inspection.countEventsBetween).toHaveBeenCalledTimes(3);
    expect(mocks.inspection.countEventsBetween).toHaveBeenCalledWith(
      expect.objectContaining({ blockNumber: 9n, transactionId: txId('last') }),
      10n,
      expect.any(Number),
    );
    expect(mocks.checkpoints.read).toHaveBeenCalledWith({
      reader: 'projection',
      channel: 'ehr',
      chaincode: 'medledger',
    });
  });

  it('fails without recording a run when the projection does not catch up in time', async () => {
    const { sut, mocks } = newTestService();
    mocks.inspection.countEventsBetween.mockResolvedValue(2);

    await expect(sut.run({ catchUpTimeoutMs: 30, pollMs: 5 })).rejects.toBeInstanceOf(ProjectionBehindError);

    expect(mocks.inspection.listParticipants).not.toHaveBeenCalled();
    expect(mocks.repository.record).not.toHaveBeenCalled();
  });

  it('waits again for what was added while it read the ledger, and leaves uncompared what changed meanwhile', async () => {
    const { sut, mocks } = newTestService();
    mocks.system.chainHeight.mockResolvedValueOnce(10n).mockResolvedValueOnce(12n);
    const projection = projectionOf(ledgerFacts());
    // The grant was revoked in block 11, after the ledger was read: the projection is newer.
    projection.grants = projection.grants.map((row) => ({
      ...row,
      fields: { ...row.fields, status: 'revoked', revoked_at: '2025-03-06T08:00:00.000Z' },
      versionBlock: 11n,
    }));
    mocks.repository.projection.mockResolvedValue(projection);

    const run = await sut.run(FAST);

    expect(mocks.inspection.countEventsBetween).toHaveBeenLastCalledWith(expect.anything(), 12n, expect.any(Number));
    expect(run.differences).toBe(0);
    expect(run.report.tables.find((table) => table.table === 'projection_grants')).toMatchObject({ notCompared: 1 });
  });
});
