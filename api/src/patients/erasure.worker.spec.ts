import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { ErasureWorker, erasureRetrySeconds } from './erasure.worker.js';
import type { DueErasure, PatientErasureRepository } from './patient-erasure.repository.js';
import type { PatientErasureService } from './patient-erasure.service.js';

const due = (n: number, attempts = 0): DueErasure => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  patientId: `10000000-0000-4000-8000-00000000000${n}`,
  state: 'confirmed',
  confirmedBy: '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11',
  effectiveAt: new Date('2026-05-08T12:00:00.000Z'),
  attempts,
});

function newTestWorker(requests: DueErasure[]) {
  const mocks = {
    due: jest.fn<PatientErasureRepository['due']>(() => Promise.resolve(requests)),
    noteFailure: jest.fn<PatientErasureRepository['noteFailure']>(() => Promise.resolve()),
    carryOut: jest.fn<PatientErasureService['carryOut']>(() => Promise.resolve('done')),
  };
  const sut = new ErasureWorker(
    { ERASURE_POLL_SECONDS: 10 } as AppConfig,
    { due: mocks.due, noteFailure: mocks.noteFailure } as unknown as PatientErasureRepository,
    { carryOut: mocks.carryOut } as unknown as PatientErasureService,
  );
  return { sut, mocks };
}

describe('erasureRetrySeconds', () => {
  it('waits the poll interval, doubled with every failure before, at most an hour', () => {
    expect(erasureRetrySeconds(0, 10)).toBe(10);
    expect(erasureRetrySeconds(3, 10)).toBe(80);
    expect(erasureRetrySeconds(9, 10)).toBe(3600);
    expect(erasureRetrySeconds(1_000, 10)).toBe(3600);
  });
});

describe('ErasureWorker', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('carries out every due request; one that fails is noted with why and a delay, and the others go on', async () => {
    const { sut, mocks } = newTestWorker([due(1), due(2, 3), due(3)]);
    mocks.carryOut.mockImplementation((request) =>
      request.id === due(2).id ? Promise.reject(new Error('no peer answered')) : Promise.resolve('done'),
    );
    await expect(sut.carryOutDue()).resolves.toBe(2);
    expect(mocks.carryOut).toHaveBeenCalledTimes(3);
    expect(mocks.noteFailure).toHaveBeenCalledTimes(1);
    expect(mocks.noteFailure).toHaveBeenCalledWith(due(2).id, 'no peer answered', 80);
  });

  it('counts a request whose e-mail is still to be sent as not carried out, without a failure of its own', async () => {
    const { sut, mocks } = newTestWorker([due(1)]);
    mocks.carryOut.mockResolvedValueOnce('notice-failed');
    await expect(sut.carryOutDue()).resolves.toBe(0);
    expect(mocks.noteFailure).not.toHaveBeenCalled();
  });

  it('runs one pass at a time', async () => {
    const { sut, mocks } = newTestWorker([due(1)]);
    const first = sut.carryOutDue();
    await expect(sut.carryOutDue()).resolves.toBe(0);
    await expect(first).resolves.toBe(1);
    expect(mocks.due).toHaveBeenCalledTimes(1);
  });
});
