import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HISTORY, legacyEvent, PLACES, txIdOf, V2_EVENTS } from '../../../test/fixtures/ledger-events.js';
import type { LedgerEventFollower, LedgerEventReader } from '../ledger-events/ledger-event-follower.js';
import { LedgerProjection } from './ledger-projection.js';
import { projectionRowsOf, type ProjectionRows } from './projection-rows.js';
import type { ProjectionRepository } from './projection.repository.js';

function newTestProjection() {
  const stop = jest.fn(() => Promise.resolve());
  const mocks = {
    start: jest.fn((_reader: LedgerEventReader) => ({ stop })),
    stop,
    write: jest.fn((_manager: EntityManager, _rows: ProjectionRows) => Promise.resolve()),
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const sut = new LedgerProjection(
    { start: mocks.start } as unknown as LedgerEventFollower,
    { write: mocks.write } as unknown as ProjectionRepository,
  );
  return { sut, mocks };
}

const MANAGER = { transaction: 1 } as unknown as EntityManager;

describe('LedgerProjection', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('is followed as the `projection` reader, from the first block', () => {
    const { sut, mocks } = newTestProjection();

    sut.onApplicationBootstrap();

    expect(mocks.start).toHaveBeenCalledWith(sut);
    expect(sut.name).toBe('projection');
    expect(sut.start).toBe('from-genesis');
  });

  it('writes a batch’s rows with the manager of the transaction that moves its checkpoint', async () => {
    const { sut, mocks } = newTestProjection();

    await sut.write(MANAGER, HISTORY);

    expect(mocks.write).toHaveBeenCalledTimes(1);
    expect(mocks.write).toHaveBeenCalledWith(MANAGER, projectionRowsOf(HISTORY).rows);
  });

  it('warns once for each event written before the v2 envelope, naming its transaction and nothing of its payload', async () => {
    const { sut, mocks } = newTestProjection();
    const legacy = legacyEvent('ReportRecorded', { block: 3n, tx: 'legacy-report' }, { patientId: 'patient-id-7' });

    await sut.write(MANAGER, [legacy, V2_EVENTS.ReportAccessed]);

    expect(mocks.warn).toHaveBeenCalledTimes(1);
    const [message] = mocks.warn.mock.calls[0] as [string];
    expect(message).toContain(txIdOf('legacy-report'));
    expect(message).toContain('ReportRecorded');
    expect(message).toContain('before the v2 event envelope');
    expect(message).not.toContain('patient-id-7');
    expect(mocks.write.mock.calls[0][1].accesses).toHaveLength(1);
  });

  it('warns of an envelope it cannot write with the fields at fault, not their values', async () => {
    const { sut, mocks } = newTestProjection();
    const payload = V2_EVENTS.CareEnded.payload as { records: { care: object } };
    const invalid = {
      ...V2_EVENTS.CareEnded,
      payload: { ...payload, records: { care: { ...payload.records.care, endedBy: 'Dr House' } } },
    };

    await sut.write(MANAGER, [invalid]);

    const [message] = mocks.warn.mock.calls[0] as [string];
    expect(message).toContain(txIdOf(PLACES.careEnded.tx));
    expect(message).toContain('records.care.endedBy');
    expect(message).not.toContain('Dr House');
  });

  it('writes nothing and warns of nothing for a batch of probes', async () => {
    const { sut, mocks } = newTestProjection();

    await sut.write(MANAGER, [V2_EVENTS.ProbeRecorded]);

    expect(mocks.warn).not.toHaveBeenCalled();
    expect(Object.values(mocks.write.mock.calls[0][1]).every((rows) => rows.length === 0)).toBe(true);
  });

  it('on shutdown stops following; at once when never started', async () => {
    const { sut, mocks } = newTestProjection();
    await expect(sut.onApplicationShutdown()).resolves.toBeUndefined();

    sut.onApplicationBootstrap();
    await sut.onApplicationShutdown();

    expect(mocks.stop).toHaveBeenCalledTimes(1);
  });
});
