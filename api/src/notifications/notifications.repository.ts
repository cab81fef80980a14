import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/keyset-cursor.js';
import type { NewNotification, Notification, NotificationKind, SubjectType } from './notification-kinds.js';

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  subjectType: SubjectType;
  subjectId: string;
  createdAt: Date;
  readAt: Date | null;
}

const COLUMNS = `id, kind, subject_type AS "subjectType", subject_id AS "subjectId", created_at AS "createdAt", read_at AS "readAt"`;

const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  kind: row.kind,
  subject: { type: row.subjectType, id: row.subjectId },
  createdAt: row.createdAt,
  readAt: row.readAt,
});

/** The notification feed of each user, and the e-mail that each new notification puts in the outbox. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records notifications inside the caller's transaction (`manager`), each with one e-mail
   * in the outbox. Skips, silently, those of users this node does not have (another
   * hospital's) and those already recorded (the same ledger event seen again, or by another
   * API process: the second waits for the first's transaction, then finds the row). Returns
   * how many were new.
   */
  async recordAll(manager: EntityManager, items: NewNotification[]): Promise<number> {
    if (items.length === 0) return 0;
    const [{ recorded }] = await manager.query<Array<{ recorded: number }>>(
      `WITH item AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[])
           WITH ORDINALITY AS i (id, user_id, kind, subject_type, subject_id, source_tx_id, position)
       ), inserted AS (
         INSERT INTO notifications (id, user_id, kind, subject_type, subject_id, source_tx_id)
         SELECT item.id, item.user_id, item.kind, item.subject_type, item.subject_id, item.source_tx_id
         FROM item JOIN users ON users.id = item.user_id
         ORDER BY item.position
         ON CONFLICT (user_id, kind, subject_id, source_tx_id) DO NOTHING
         RETURNING id, user_id
       ), mailed AS (
         INSERT INTO mail_outbox (id, user_id, notification_id)
         SELECT gen_random_uuid(), user_id, id FROM inserted
       )
       SELECT count(*)::int AS recorded FROM inserted`,
      [
        items.map(() => randomUUID()),
        items.map((item) => item.userId),
        items.map((item) => item.kind),
        items.map((item) => item.subject.type),
        items.map((item) => item.subject.id),
        items.map((item) => item.sourceTxId),
      ],
    );
    return recorded;
  }

  /**
   * A user's notifications, newest first (then by id), after a position; only the unread
   * ones with `unread: true`, only the read ones with `unread: false`.
   */
  async list(
    userId: string,
    filter: { unread?: boolean; limit: number; after?: KeysetPosition },
  ): Promise<Notification[]> {
    const rows = await this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM notifications
       WHERE user_id = $1
         AND ($2::boolean IS NULL OR (read_at IS NULL) = $2)
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [userId, filter.unread ?? null, filter.after?.at ?? null, filter.after?.id ?? null, filter.limit],
    );
    return rows.map(toNotification);
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ unread }] = await this.dataSource.query<Array<{ unread: number }>>(
      'SELECT count(*)::int AS unread FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return unread;
  }

  /**
   * Marks one of the user's notifications read (when it was first read stays); the
   * notification, or null when the user has none with this id.
   */
  async markRead(userId: string, id: string): Promise<Notification | null> {
    // An UPDATE answers [rows, count].
    const [[row]] = await this.dataSource.query<[NotificationRow[], number]>(
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, userId],
    );
    return row ? toNotification(row) : null;
  }

  /** Marks every unread notification of the user read; how many there were. */
  async markAllRead(userId: string): Promise<number> {
    const [, marked] = await this.dataSource.query<[unknown[], number]>(
      'UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return marked;
  }
}
