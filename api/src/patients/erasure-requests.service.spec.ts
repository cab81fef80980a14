import { describe, expect, it, jest } from '@jest/globals';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { NewNotification } from '../notifications/notification-kinds.js';
import type { NotificationsRepository } from '../notifications/notifications.repository.js';
import type {
  CancelOutcome,
  ErasureRequestRow,
  ErasureRequestsRepository,
  ErasureRequestWithPatient,
} from './erasure-requests.repository.js';
import {
  ErasureRequestNotPendingError,
  ErasureRequestOpenError,
  ErasureRequestsService,
  ErasureTakingEffectError,
} from './erasure-requests.service.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const IN_A_WEEK = new Date('2026-05-08T12:00:00.000Z');
const REQUEST_ID = '5b0d7f5e-2c1a-4e8b-9f4d-7a6c3e2b1d90';
const PATIENT: AuthenticatedUser = {
  id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  role: 'patient',
  hospital: 'hospital-a',
  sessionId: 's-1',
};
const ADMIN: AuthenticatedUser = {
  id: '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11',
  role: 'admin',
  hospital: 'hospital-a',
  sessionId: 's-2',
};
const OTHER_ADMIN_ID = 'a3c1f1d2-58b4-4c33-8f0e-2f9a6c1d7b20';
const ADMIN_OF_B: AuthenticatedUser = { ...ADMIN, id: '0f6a1c2d-3b4e-4f50-8a61-b2c3d4e5f607', hospital: 'hospital-b' };

const row = (overrides: Partial<ErasureRequestRow> = {}): ErasureRequestRow => ({
  id: REQUEST_ID,
  patientId: PATIENT.id,
  state: 'pending-confirmation',
  requestedAt: new Date('2026-04-30T09:00:00.000Z'),
  confirmedBy: null,
  confirmedAt: null,
  effectiveAt: null,
  cancelledAt: null,
  completedAt: null,
  ...overrides,
});

const withPatient = (overrides: Partial<ErasureRequestWithPatient> = {}): ErasureRequestWithPatient => ({
  ...row(),
  patientName: 'Ada Lovelace',
  patientDateOfBirth: '1815-12-10',
  patientHospital: 'hospital-a',
  ...overrides,
});

/** The service with its repositories mocked; `alongside` callbacks run with a stand-in transaction. */
function newTestService() {
  const manager = { transaction: 'stand-in' };
  const mocks = {
    requests: {
      create: jest.fn<ErasureRequestsRepository['create']>(async (id, patientId, alongside) => {
        const created = row({ id, patientId });
        await alongside(manager as never, created);
        return created;
      }),
      openOf: jest.fn<ErasureRequestsRepository['openOf']>(() => Promise.resolve(null)),
      cancel: jest.fn<ErasureRequestsRepository['cancel']>(() =>
        Promise.resolve<CancelOutcome>({ cancelled: row({ state: 'cancelled', cancelledAt: NOW }) }),
      ),
      waitingOf: jest.fn<ErasureRequestsRepository['waitingOf']>(() => Promise.resolve([])),
      findWithPatient: jest.fn<ErasureRequestsRepository['findWithPatient']>(() => Promise.resolve(withPatient())),
      confirm: jest.fn<ErasureRequestsRepository['confirm']>(async (id, adminId, _seconds, alongside) => {
        const confirmed = row({
          id,
          state: 'confirmed',
          confirmedBy: adminId,
          confirmedAt: NOW,
          effectiveAt: IN_A_WEEK,
        });
        await alongside(manager as never, confirmed);
        return confirmed;
      }),
      activeAdminsOf: jest.fn<ErasureRequestsRepository['activeAdminsOf']>(() =>
        Promise.resolve([ADMIN.id, OTHER_ADMIN_ID]),
      ),
    },
    notifications: {
      recordAll: jest.fn<(manager: unknown, items: NewNotification[]) => Promise<number>>(() => Promise.resolve(1)),
    },
  };
  const sut = new ErasureRequestsService(
    { ERASURE_COOLING_OFF_SECONDS: 604_800 } as AppConfig,
    mocks.requests as unknown as ErasureRequestsRepository,
    mocks.notifications as unknown as NotificationsRepository,
    { now: () => NOW } as Clock,
  );
  return { sut, mocks, manager };
}

describe('ErasureRequestsService', () => {
  describe('request', () => {
    it('writes a pending request of the patient and notifies every active admin of their hospital in its transaction', async () => {
      const { sut, mocks, manager } = newTestService();
      const request = await sut.request(PATIENT);
      expect(request).toMatchObject({ state: 'pending-confirmation', confirmedAt: null, effectiveAt: null });
      expect(mocks.requests.activeAdminsOf).toHaveBeenCalledWith('hospital-a');
      expect(mocks.requests.create).toHaveBeenCalledWith(request.id, PATIENT.id, expect.any(Function));
      expect(mocks.notifications.recordAll).toHaveBeenCalledWith(
        manager,
        [ADMIN.id, OTHER_ADMIN_ID].map((userId) => ({
          userId,
          kind: 'erasure-requested',
          subject: { type: 'erasure-request', id: request.id },
          sourceTxId: `erasure-request:${request.id}`,
        })),
      );
    });

    it('refuses a second request while one is open (409 ERASURE_REQUEST_OPEN), notifying nobody', async () => {
      const { sut, mocks } = newTestService();
      mocks.requests.create.mockResolvedValueOnce(null);
      await expect(sut.request(PATIENT)).rejects.toBeInstanceOf(ErasureRequestOpenError);
      expect(mocks.notifications.recordAll).not.toHaveBeenCalled();
    });
  });

  describe('current', () => {
    it('shows the open request, a confirmed one with its effective time', async () => {
      const { sut, mocks } = newTestService();
      mocks.requests.openOf.mockResolvedValueOnce(
        row({ state: 'confirmed', confirmedBy: ADMIN.id, confirmedAt: NOW, effectiveAt: IN_A_WEEK }),
      );
      await expect(sut.current(PATIENT)).resolves.toMatchObject({
        state: 'confirmed',
        effectiveAt: IN_A_WEEK,
        coolingOffSeconds: 604_800,
      });
    });

    it('is not found without an open request', async () => {
      const { sut } = newTestService();
      await expect(sut.current(PATIENT)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('cancel', () => {
    it('cancels a request that has not taken effect', async () => {
      const { sut, mocks } = newTestService();
      await expect(sut.cancel(PATIENT)).resolves.toBeUndefined();
      expect(mocks.requests.cancel).toHaveBeenCalledWith(PATIENT.id);
    });

    it('is not found without an open request, and a conflict once the request takes effect', async () => {
      const { sut, mocks } = newTestService();
      mocks.requests.cancel.mockResolvedValueOnce({ cancelled: null, open: null });
      await expect(sut.cancel(PATIENT)).rejects.toBeInstanceOf(NotFoundError);
      mocks.requests.cancel.mockResolvedValueOnce({ cancelled: null, open: row({ state: 'recorded' }) });
      await expect(sut.cancel(PATIENT)).rejects.toBeInstanceOf(ErasureTakingEffectError);
    });
  });

  describe('confirm', () => {
    it('confirms a pending request of the admin’s hospital with the cooling-off delay, and notifies the patient', async () => {
      const { sut, mocks, manager } = newTestService();
      const confirmed = await sut.confirm(ADMIN, REQUEST_ID);
      expect(mocks.requests.confirm).toHaveBeenCalledWith(REQUEST_ID, ADMIN.id, 604_800, expect.any(Function));
      expect(confirmed).toMatchObject({
        id: REQUEST_ID,
        patientId: PATIENT.id,
        patientName: 'Ada Lovelace',
        state: 'confirmed',
        confirmedBy: ADMIN.id,
        effectiveAt: IN_A_WEEK,
      });
      expect(mocks.notifications.recordAll).toHaveBeenCalledWith(manager, [
        {
          userId: PATIENT.id,
          kind: 'erasure-confirmed',
          subject: { type: 'erasure-request', id: REQUEST_ID },
          sourceTxId: `erasure-confirmed:${REQUEST_ID}`,
        },
      ]);
    });

    it('does not find a request of another hospital, or none, and confirms nothing', async () => {
      const { sut, mocks } = newTestService();
      await expect(sut.confirm(ADMIN_OF_B, REQUEST_ID)).rejects.toBeInstanceOf(NotFoundError);
      mocks.requests.findWithPatient.mockResolvedValueOnce(null);
      await expect(sut.confirm(ADMIN, REQUEST_ID)).rejects.toBeInstanceOf(NotFoundError);
      expect(mocks.requests.confirm).not.toHaveBeenCalled();
    });

    it('refuses a request that does not wait for a confirmation (409), saying its state', async () => {
      const { sut, mocks } = newTestService();
      mocks.requests.findWithPatient.mockResolvedValueOnce(withPatient({ state: 'cancelled', cancelledAt: NOW }));
      mocks.requests.confirm.mockResolvedValueOnce(null);
      const refused = sut.confirm(ADMIN, REQUEST_ID);
      await expect(refused).rejects.toBeInstanceOf(ErasureRequestNotPendingError);
      await expect(refused).rejects.toThrow(/cancelled/);
      expect(mocks.notifications.recordAll).not.toHaveBeenCalled();
    });
  });

  describe('waiting', () => {
    it('lists the hospital’s waiting requests a page at a time, with a cursor after the last', async () => {
      const { sut, mocks } = newTestService();
      const rows = [1, 2, 3].map((n) =>
        withPatient({ id: `00000000-0000-4000-8000-00000000000${n}`, requestedAt: new Date(NOW.getTime() + n) }),
      );
      mocks.requests.waitingOf.mockResolvedValueOnce(rows);
      const page = await sut.waiting(ADMIN, { limit: 2 });
      expect(mocks.requests.waitingOf).toHaveBeenCalledWith('hospital-a', 3, undefined);
      expect(page.items.map((item) => item.id)).toEqual([rows[0].id, rows[1].id]);
      expect(page.nextCursor).toEqual(expect.any(String));
      await sut.waiting(ADMIN, { cursor: page.nextCursor! });
      expect(mocks.requests.waitingOf).toHaveBeenLastCalledWith('hospital-a', 51, {
        at: rows[1].requestedAt,
        id: rows[1].id,
      });
    });
  });
});
