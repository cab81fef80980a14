import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { decodeKeysetCursor, keysetPage } from '../common/keyset-cursor.js';
import type { Notification } from './notification-kinds.js';
import { NotificationsRepository } from './notifications.repository.js';

/** One page of a user's feed, with the count of all their unread notifications. */
export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

/** The caller's own notification feed: every user sees and marks only their own. */
@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  async list(
    caller: AuthenticatedUser,
    query: { unread?: boolean; limit?: number; cursor?: string },
  ): Promise<NotificationPage> {
    const limit = query.limit ?? 50;
    const [found, unreadCount] = await Promise.all([
      this.notifications.list(caller.id, {
        unread: query.unread,
        limit: limit + 1,
        after: query.cursor ? decodeKeysetCursor(query.cursor) : undefined,
      }),
      this.notifications.unreadCount(caller.id),
    ]);
    return { ...keysetPage(found, limit, (item) => ({ at: item.createdAt, id: item.id })), unreadCount };
  }

  /** Marks one of the caller's notifications read; NotFoundError when the caller has none with this id. */
  async markRead(caller: AuthenticatedUser, id: string): Promise<Notification> {
    const notification = await this.notifications.markRead(caller.id, id);
    if (!notification) throw new NotFoundError('you have no notification with this id');
    return notification;
  }

  /** Marks all the caller's notifications read; how many were unread. */
  markAllRead(caller: AuthenticatedUser): Promise<number> {
    return this.notifications.markAllRead(caller.id);
  }
}
