import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ExpiryReminder } from './ledger-event-notifications.js';
import { NotificationsRepository } from './notifications.repository.js';

/** Grants whose holder is told a day before they end (`grant_expiry_reminders`). */
@Injectable()
export class GrantExpiryRemindersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsRepository,
  ) {}

  /** Watches a new grant (once: the same event again changes nothing). */
  async watch(manager: EntityManager, reminder: ExpiryReminder): Promise<void> {
    await manager.query(
      `INSERT INTO grant_expiry_reminders (grant_id, patient_id, doctor_id, expires_at, remind_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (grant_id) DO NOTHING`,
      [reminder.grantId, reminder.patientId, reminder.doctorId, reminder.expiresAt, reminder.remindAt],
    );
  }

  /** A revoked grant is not reminded of. */
  async forget(manager: EntityManager, grantId: string): Promise<void> {
    await manager.query(
      'UPDATE grant_expiry_reminders SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL',
      [grantId],
    );
  }

  /**
   * Sends the reminders that are due, each as a `grant-expiring` notification (with its
   * mail) in the transaction that marks it sent; rows locked, so two API processes never
   * both take one. Returns how many were sent.
   */
  async remindDue(now: Date, batch = 50): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager.query<Array<{ grant_id: string; doctor_id: string }>>(
        `SELECT grant_id, doctor_id FROM grant_expiry_reminders
         WHERE reminded_at IS NULL AND revoked_at IS NULL AND remind_at <= $1 AND expires_at > $1
         ORDER BY remind_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batch],
      );
      if (due.length === 0) return 0;
      await this.notifications.recordAll(
        manager,
        due.map((row) => ({
          userId: row.doctor_id,
          kind: 'grant-expiring' as const,
          subject: { type: 'grant' as const, id: row.grant_id },
          sourceTxId: `expiry-reminder:${row.grant_id}`,
        })),
      );
      await manager.query('UPDATE grant_expiry_reminders SET reminded_at = $2 WHERE grant_id = ANY($1::uuid[])', [
        due.map((row) => row.grant_id),
        now,
      ]);
      return due.length;
    });
  }
}
