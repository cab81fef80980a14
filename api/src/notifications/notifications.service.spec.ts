import { jest } from '@jest/globals';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { decodeKeysetCursor } from '../common/keyset-cursor.js';
import type { Notification } from './notification-kinds.js';
import type { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

const CALLER: AuthenticatedUser = {
  id: '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10',
  role: 'patient',
  hospital: 'hospital-a',
  sessionId: 'session-1',
};

const notification = (index: number): Notification => ({
  id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  kind: 'access-requested',
  subject: { type: 'access-request', id: '5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f' },
  createdAt: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 1000 - index)),
  readAt: null,
});

function newTestService() {
  const mocks = {
    notifications: {
      list: jest.fn((_userId: string, _filter: unknown) => Promise.resolve([] as Notification[])),
      unreadCount: jest.fn((_userId: string) => Promise.resolve(0)),
      markRead: jest.fn((_userId: string, _id: string) => Promise.resolve(null as Notification | null)),
      markAllRead: jest.fn((_userId: string) => Promise.resolve(0)),
    },
  };
  const sut = new NotificationsService(mocks.notifications as unknown as NotificationsRepository);
  return { sut, mocks };
}

describe('NotificationsService', () => {
  it('answers a page of the caller’s feed with a cursor after its last item, and the unread count', async () => {
    const { sut, mocks } = newTestService();
    mocks.notifications.list.mockResolvedValue([1, 2, 3].map(notification));
    mocks.notifications.unreadCount.mockResolvedValue(7);

    const page = await sut.list(CALLER, { unread: true, limit: 2 });

    expect(mocks.notifications.list).toHaveBeenCalledWith(CALLER.id, { unread: true, limit: 3, after: undefined });
    expect(page.items).toEqual([1, 2].map(notification));
    expect(page.unreadCount).toBe(7);
    expect(decodeKeysetCursor(page.nextCursor!)).toEqual({ at: notification(2).createdAt, id: notification(2).id });
  });

  it('reads on from a cursor, and has no next cursor on the last page', async () => {
    const { sut, mocks } = newTestService();
    const first = await (async () => {
      mocks.notifications.list.mockResolvedValueOnce([1, 2].map(notification));
      return sut.list(CALLER, { limit: 1 });
    })();
    mocks.notifications.list.mockResolvedValueOnce([notification(2)]);

    const second = await sut.list(CALLER, { limit: 1, cursor: first.nextCursor! });

    expect(mocks.notifications.list).toHaveBeenLastCalledWith(CALLER.id, {
      unread: undefined,
      limit: 2,
      after: { at: notification(1).createdAt, id: notification(1).id },
    });
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue', async () => {
    const { sut } = newTestService();
    await expect(sut.list(CALLER, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('marks one of the caller’s notifications read, and answers NOT_FOUND for anyone else’s', async () => {
    const { sut, mocks } = newTestService();
    const read = { ...notification(1), readAt: new Date() };
    mocks.notifications.markRead.mockResolvedValueOnce(read);

    await expect(sut.markRead(CALLER, read.id)).resolves.toBe(read);
    expect(mocks.notifications.markRead).toHaveBeenCalledWith(CALLER.id, read.id);
    await expect(sut.markRead(CALLER, notification(2).id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
