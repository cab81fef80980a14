import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFICATION_KINDS, SUBJECT_TYPES } from '../../notifications/notification-kinds.js';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * The in-app notification feed, and the durable outbox of the e-mails that tell a user to
 * look at it. IDs, kinds and times only: no PHI. A notification is unique per user, kind,
 * subject and causing ledger transaction, so that every API process may record what the
 * same ledger event caused and only the first one does.
 *
 * `created_at` keeps milliseconds only: the feed's cursor carries it as a JavaScript date,
 * and microseconds that the cursor drops would skip the rows that one transaction wrote.
 */
export class Notifications1764300000000 implements MigrationInterface {
  name = 'Notifications1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN (${quoted(NOTIFICATION_KINDS)})),
        subject_type text NOT NULL CHECK (subject_type IN (${quoted(SUBJECT_TYPES)})),
        subject_id uuid NOT NULL,
        -- the ledger transaction that caused it, or a synthetic key (the expiry reminder)
        source_tx_id text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (user_id, kind, subject_id, source_tx_id)
      )`);
    await queryRunner.query('CREATE INDEX notifications_feed ON notifications (user_id, created_at DESC, id DESC)');
    await queryRunner.query(
      'CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL',
    );
    await queryRunner.query(`
      CREATE TABLE mail_outbox (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        notification_id uuid UNIQUE REFERENCES notifications (id) ON DELETE CASCADE,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- why the last attempt failed: the error's message, never an address or a text
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE mail_outbox');
    await queryRunner.query('DROP TABLE notifications');
  }
}
