import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { AccessRequestRecord, GrantRecord, LedgerPort } from '../ledger/ledger.port.js';
import type { UsersRepository } from '../users/users.repository.js';
import { ConsentStatementsRecovery } from './consent-statements-recovery.js';
import type { ConsentStatementsRepository, UnconfirmedStatement } from './consent-statements.repository.js';
import {
  accessRequestRecord,
  actorOf,
  DOCTOR,
  emergencyGrantRecord,
  GRANT_ID,
  PATIENT,
  refused,
  REQUEST_ID,
} from './testing/consent-fixtures.js';

const AUDITOR_ID = 'a0d170a0-1234-4abc-8def-0123456789ab';

/** The recovery worker with the ledger's consent queries, the users and the table's settling mocked. */
function newTestRecovery(unconfirmed: UnconfirmedStatement[]) {
  const users = new Map([
    [PATIENT.id, { id: PATIENT.id, hospital: PATIENT.hospital }],
    [DOCTOR.id, { id: DOCTOR.id, hospital: DOCTOR.hospital }],
    [AUDITOR_ID, { id: AUDITOR_ID, hospital: 'hospital-a' }],
  ]);
  const mocks = {
    getRequest: jest.fn<(actor: unknown, id: string) => Promise<AccessRequestRecord>>(),
    getGrant: jest.fn<(actor: unknown, id: string) => Promise<GrantRecord>>(),
    confirm: jest.fn((_subjectId: string, _kind: string) => Promise.resolve()),
    remove: jest.fn((_subjectId: string, _kind: string) => Promise.resolve()),
    signingIdentity: jest.fn((userId: string, hospital: string) => Promise.resolve(actorOf(userId, hospital))),
  };
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const sut = new ConsentStatementsRecovery(
    { RECOVERY_AFTER_SECONDS: 10 } as AppConfig,
    {
      unconfirmed: () => Promise.resolve(unconfirmed),
      confirm: mocks.confirm,
      remove: mocks.remove,
    } as unknown as ConsentStatementsRepository,
    { findById: (id: string) => Promise.resolve(users.get(id) ?? null) } as unknown as UsersRepository,
    { signingIdentity: mocks.signingIdentity } as unknown as LedgerIdentityService,
    { consent: { getRequest: mocks.getRequest, getGrant: mocks.getGrant } } as unknown as LedgerPort,
  );
  return { sut, mocks };
}

describe('ConsentStatementsRecovery', () => {
  it('confirms a request’s reason the ledger holds, asking as its author', async () => {
    const { sut, mocks } = newTestRecovery([{ subjectId: REQUEST_ID, kind: 'request-reason', authorId: DOCTOR.id }]);
    mocks.getRequest.mockResolvedValueOnce(accessRequestRecord());

    await expect(sut.recoverAll()).resolves.toBe(1);
    expect(mocks.signingIdentity).toHaveBeenCalledWith(DOCTOR.id, DOCTOR.hospital);
    expect(mocks.confirm).toHaveBeenCalledWith(REQUEST_ID, 'request-reason');
    expect(mocks.remove).not.toHaveBeenCalled();
  });

  it('removes a reason or a justification whose transaction the ledger never recorded', async () => {
    const { sut, mocks } = newTestRecovery([
      { subjectId: REQUEST_ID, kind: 'request-reason', authorId: DOCTOR.id },
      { subjectId: GRANT_ID, kind: 'emergency-justification', authorId: DOCTOR.id },
    ]);
    mocks.getRequest.mockRejectedValueOnce(refused('NOT_FOUND', `access request ${REQUEST_ID} does not exist`));
    mocks.getGrant.mockRejectedValueOnce(refused('NOT_FOUND', `grant ${GRANT_ID} does not exist`));

    await expect(sut.recoverAll()).resolves.toBe(2);
    expect(mocks.remove.mock.calls).toEqual([
      [REQUEST_ID, 'request-reason'],
      [GRANT_ID, 'emergency-justification'],
    ]);
    expect(mocks.confirm).not.toHaveBeenCalled();
  });

  it.each([
    ['denied', true],
    ['pending', false],
    ['approved', false],
  ] as const)('a denial reason of a request now %s is kept: %s', async (status, kept) => {
    const { sut, mocks } = newTestRecovery([{ subjectId: REQUEST_ID, kind: 'denial-reason', authorId: PATIENT.id }]);
    mocks.getRequest.mockResolvedValueOnce(
      accessRequestRecord({ status, decidedAt: status === 'pending' ? null : '2026-11-21T10:05:00.000Z' }),
    );

    await sut.recoverAll();
    expect(kept ? mocks.confirm : mocks.remove).toHaveBeenCalledWith(REQUEST_ID, 'denial-reason');
  });

  it('keeps a review note only when its author’s review is on the ledger', async () => {
    const { sut, mocks } = newTestRecovery([
      { subjectId: GRANT_ID, kind: 'review-note', authorId: AUDITOR_ID },
      { subjectId: GRANT_ID, kind: 'review-note', authorId: AUDITOR_ID },
    ]);
    const reviewed = { reviewed: true, reviewOutcome: 'appropriate' as const, reviewedAt: '2026-11-21T11:00:00.000Z' };
    mocks.getGrant
      .mockResolvedValueOnce(emergencyGrantRecord({ ...reviewed, reviewedBy: AUDITOR_ID }))
      .mockResolvedValueOnce(emergencyGrantRecord({ reviewed: false }));

    await sut.recoverAll();
    expect(mocks.confirm).toHaveBeenCalledTimes(1);
    expect(mocks.remove).toHaveBeenCalledTimes(1);
  });

  it('settles nothing while the ledger cannot answer: the text waits for the next pass', async () => {
    const { sut, mocks } = newTestRecovery([{ subjectId: REQUEST_ID, kind: 'request-reason', authorId: DOCTOR.id }]);
    mocks.getRequest.mockRejectedValueOnce(new LedgerUnavailableError('peer unreachable'));

    await expect(sut.recoverAll()).resolves.toBe(0);
    expect(mocks.confirm).not.toHaveBeenCalled();
    expect(mocks.remove).not.toHaveBeenCalled();
  });

  it('waits at least as long as the ledger may still commit a transaction the API proposed', () => {
    const { sut } = newTestRecovery([]);
    expect((sut as unknown as { idleSeconds: number }).idleSeconds).toBeGreaterThanOrEqual(80);
  });
});
