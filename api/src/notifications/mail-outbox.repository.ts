import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** An e-mail of the outbox that is due, with the address it goes to. */
export interface DueMail {
  id: string;
  userId: string;
  /** The user's address (PHI): for the mailer only, never for a log or an error. */
  to: string;
  /** Failed attempts so far. */
  attempts: number;
}

/** What became of one attempt: sent, or failed and to be tried again after a delay. */
export type DeliveryOutcome = { sent: true } | { sent: false; error: string; retryAfterSeconds: number };

/** The durable outbox of e-mails (table mail_outbox); rows are written with their notification. */
@Injectable()
export class MailOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the due e-mail that waited longest, hands it to `deliver` and notes the outcome,
   * all in one transaction that holds the row's lock throughout: another API process skips
   * the row meanwhile, so no two processes send it. One row per transaction, so that a crash
   * can repeat at most the one e-mail that was being sent (its Message-ID shows the
   * duplicate). Returns the outcome, or null when no e-mail was due.
   */
  async deliverNext(deliver: (mail: DueMail) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome | null> {
    return this.dataSource.transaction(async (manager) => {
      const [mail] = await manager.query<DueMail[]>(
        `SELECT o.id, o.user_id AS "userId", u.email AS "to", o.attempts
         FROM mail_outbox o JOIN users u ON u.id = o.user_id
         WHERE o.sent_at IS NULL AND o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at
         LIMIT 1
         FOR UPDATE OF o SKIP LOCKED`,
      );
      if (!mail) return null;
      const outcome = await deliver(mail);
      // clock_timestamp(), not now(): the transaction began before the send, which may take seconds.
      if (outcome.sent) {
        await manager.query('UPDATE mail_outbox SET sent_at = clock_timestamp(), last_error = NULL WHERE id = $1', [
          mail.id,
        ]);
      } else {
        await manager.query(
          `UPDATE mail_outbox
           SET attempts = attempts + 1, last_error = $2, next_attempt_at = clock_timestamp() + make_interval(secs => $3)
           WHERE id = $1`,
          [mail.id, outcome.error, outcome.retryAfterSeconds],
        );
      }
      return outcome;
    });
  }
}
