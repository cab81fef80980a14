import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { LedgerIdentity, LedgerPort, ReportsLedger } from '../ledger/ledger.port.js';
import { isRefusedOpening, RefusedOpenings } from './refused-openings.js';
import type { RecentRefusals, RefusedOpeningsRepository } from './refused-openings.repository.js';

const USER_ID = '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const REPORT_ID = '1e2d3c4b-5a69-4788-96a5-b4c3d2e1f001';
const ACTOR = { hospital: 'hospital-a', mspId: 'HospitalAMSP' } as LedgerIdentity;
const NOW = new Date('2026-12-02T10:00:00.000Z');

/** The service over a repository whose user has `recent` refusals recorded: it records one when the service's rule allows. */
function newTestService(recent: RecentRefusals = { all: 0, ofReport: 0 }) {
  const mocks = {
    claim: jest.fn<RefusedOpeningsRepository['claim']>((_user, _report, _now, _windows, allows) =>
      Promise.resolve(allows(recent)),
    ),
    recordRefusal: jest.fn<ReportsLedger['recordRefusal']>(() =>
      Promise.resolve({
        result: {
          txId: 'a'.repeat(64),
          reportId: REPORT_ID,
          patientId: USER_ID,
          readerId: USER_ID,
          readerRole: 'doctor' as const,
          code: 'FORBIDDEN' as const,
          grantId: null,
          at: NOW.toISOString(),
        },
        transactionId: 'a'.repeat(64),
        blockNumber: 9n,
      }),
    ),
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const sut = new RefusedOpenings(
    { claim: mocks.claim } as unknown as RefusedOpeningsRepository,
    { REFUSAL_REPEAT_SECONDS: 60, REFUSALS_PER_USER_PER_HOUR: 60 } as AppConfig,
    { now: () => NOW } as Clock,
    { reports: { recordRefusal: mocks.recordRefusal } } as unknown as LedgerPort,
  );
  return { sut, mocks };
}

describe('isRefusedOpening', () => {
  it.each(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'])('takes the chaincode’s %s as a refused opening', (code) => {
    expect(isRefusedOpening(new ChaincodeRefusedError(code, 'refused'))).toBe(true);
  });

  it.each([
    ['a missing report', new ChaincodeRefusedError('NOT_FOUND', 'no such report')],
    ['bad input', new ChaincodeRefusedError('INVALID_ARGUMENT', 'bad id')],
    ['an unavailable ledger', new LedgerUnavailableError('peer down')],
    ['any other error', new Error('boom')],
  ])('does not take %s as one', (_what, error) => {
    expect(isRefusedOpening(error)).toBe(false);
  });
});

describe('RefusedOpenings', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('records the refusal on the ledger under the refused user’s own identity when the limits allow', async () => {
    const { sut, mocks } = newTestService({ all: 59, ofReport: 0 });

    await sut.record(USER_ID, ACTOR, REPORT_ID);

    expect(mocks.claim).toHaveBeenCalledWith(
      USER_ID,
      REPORT_ID,
      NOW,
      // The last hour, and the repeat window (REFUSAL_REPEAT_SECONDS) for this report.
      { allSince: new Date('2026-12-02T09:00:00.000Z'), reportSince: new Date('2026-12-02T09:59:00.000Z') },
      expect.any(Function),
    );
    expect(mocks.recordRefusal).toHaveBeenCalledWith(ACTOR, REPORT_ID);
  });

  it.each([
    ['one of the same report was recorded within the repeat window', { all: 1, ofReport: 1 }],
    ['the user had REFUSALS_PER_USER_PER_HOUR recorded in the last hour', { all: 60, ofReport: 0 }],
  ])('writes nothing to the ledger when %s', async (_case, recent) => {
    const { sut, mocks } = newTestService(recent);

    await sut.record(USER_ID, ACTOR, REPORT_ID);

    expect(mocks.claim).toHaveBeenCalledTimes(1);
    expect(mocks.recordRefusal).not.toHaveBeenCalled();
  });

  it('resolves, logging only the code, when the ledger does not take the refusal', async () => {
    const { sut, mocks } = newTestService();
    mocks.recordRefusal.mockRejectedValueOnce(
      new ChaincodeRefusedError('CONFLICT', `report ${REPORT_ID}: not refused`),
    );

    await expect(sut.record(USER_ID, ACTOR, REPORT_ID)).resolves.toBeUndefined();

    expect(mocks.warn).toHaveBeenCalledTimes(1);
    const [message] = mocks.warn.mock.calls[0] as [string];
    expect(message).toContain('CONFLICT');
    expect(message).not.toContain(REPORT_ID);
  });

  it('resolves when the rate limit cannot be read (the database is down): the refusal stands unrecorded', async () => {
    const { sut, mocks } = newTestService();
    mocks.claim.mockRejectedValueOnce(Object.assign(new Error('connection refused'), { name: 'QueryFailedError' }));

    await expect(sut.record(USER_ID, ACTOR, REPORT_ID)).resolves.toBeUndefined();

    expect(mocks.recordRefusal).not.toHaveBeenCalled();
  });
});
