import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { DatabaseHealth } from '../database/database-health.js';
import type { LedgerPort } from '../ledger/ledger.port.js';
import type { ContentStore } from '../storage/content-store.port.js';
import { NotReadyError, ReadinessService } from './readiness.service.js';

/** What a driver says when its component is gone: hosts, ports, users, versions. */
const INTERNAL = 'connect ECONNREFUSED 10.0.4.17:5001 (kubo 0.39.0 as medledger)';

function newTestService() {
  const mocks = {
    database: jest.fn<DatabaseHealth['check']>(() => Promise.resolve()),
    ledger: jest.fn<() => Promise<void>>(() => Promise.resolve()),
    ipfs: jest.fn<ContentStore['ping']>(() => Promise.resolve()),
  };
  const sut = new ReadinessService(
    { READINESS_TIMEOUT_MS: 100 } as AppConfig,
    { check: mocks.database } as unknown as DatabaseHealth,
    { system: { checkReady: mocks.ledger } } as unknown as LedgerPort,
    { ping: mocks.ipfs } as unknown as ContentStore,
  );
  return { sut, mocks };
}

describe('ReadinessService', () => {
  it('answers every component up with its latency', async () => {
    const { sut } = newTestService();
    const readiness = await sut.check();
    expect(Object.keys(readiness)).toEqual(['database', 'ledger', 'ipfs']);
    for (const state of Object.values(readiness)) {
      expect(state).toEqual({ status: 'up', latencyMs: expect.any(Number) });
    }
  });

  it('names a component that is down by name and state only; why goes to the log, once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { sut, mocks } = newTestService();
    mocks.ipfs.mockRejectedValue(new Error(INTERNAL));
    let refusal: NotReadyError | undefined;
    for (let probe = 0; probe < 3; probe += 1) {
      refusal = await sut.check().then(
        () => undefined,
        (error: unknown) => error as NotReadyError,
      );
    }
    expect(refusal).toBeInstanceOf(NotReadyError);
    expect(refusal!.message).toBe('not ready: ipfs unavailable');
    const { components } = refusal!.details as { components: Record<string, object> };
    expect(components.ipfs).toEqual({ status: 'down', latencyMs: expect.any(Number) });
    expect(components.database).toEqual({ status: 'up', latencyMs: expect.any(Number) });
    expect(JSON.stringify(refusal!.details)).not.toMatch(/ECONNREFUSED|10\.0\.4\.17|5001|kubo|medledger/);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(`ipfs is down: ${INTERNAL}`);
    warn.mockRestore();
  });

  it('counts a component that does not answer in time as down', async () => {
    const { sut, mocks } = newTestService();
    mocks.ledger.mockReturnValue(new Promise<void>(() => undefined));
    await expect(sut.check()).rejects.toMatchObject({
      code: 'NOT_READY',
      details: { components: { ledger: { status: 'down', latencyMs: expect.any(Number) } } },
    });
  });
});
