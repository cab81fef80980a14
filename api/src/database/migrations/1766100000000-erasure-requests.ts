import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFICATION_KINDS, SUBJECT_TYPES } from '../../notifications/notification-kinds.js';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/** The notification vocabulary this migration adds (its down() takes them out again). */
const ERASURE_KINDS = ['erasure-requested', 'erasure-confirmed'];
const ERASURE_SUBJECTS = ['erasure-request'];

/**
 * Erasure as the patient asks (issue 17): the patient requests it, an admin of their
 * hospital confirms it, it takes effect after a cooling-off delay during which the patient
 * may cancel, then a worker carries it out step by step, each step conditional on the
 * state that the one before left, so that a crash anywhere is resumed by any API process:
 *
 *   pending-confirmation → confirmed (effective_at set) → recorded (the ledger's
 *   RecordErasure: tx_id) → content-erased (the key destroyed, report PHI scrubbed:
 *   reports_erased) → done (the patient told by e-mail, demographics pseudonymised,
 *   sessions ended: completed_at); pending-confirmation or confirmed → cancelled.
 *
 * One open (not cancelled) request per patient: a second is a 409, and an erasure that was
 * carried out stays the patient's one. The table replaces patient_erasures (the
 * admin-alone erasure): its rows come over as confirmed (requested, effective at once) or
 * recorded, which the worker completes with the steps above, or done (those erasures left
 * the demographics as they were, and stay so).
 *
 * The notification kinds of the requests join the feed's vocabulary.
 */
export class ErasureRequests1766100000000 implements MigrationInterface {
  name = 'ErasureRequests1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erasure_requests (
        id uuid PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES users (id),
        state text NOT NULL
          CHECK (state IN ('pending-confirmation', 'confirmed', 'cancelled', 'recorded', 'content-erased', 'done')),
        -- milliseconds only: the admins' list pages by (requested_at, id) with a JavaScript date in its cursor
        requested_at timestamptz(3) NOT NULL DEFAULT now(),
        confirmed_by uuid REFERENCES users (id),
        confirmed_at timestamptz,
        -- confirmed_at + ERASURE_COOLING_OFF_SECONDS: the patient may cancel until then
        effective_at timestamptz,
        cancelled_at timestamptz,
        -- the ledger's RecordErasure: its transaction, block (NULL when found already recorded) and time
        tx_id text,
        block_number bigint,
        erased_at timestamptz,
        reports_erased integer CHECK (reports_erased >= 0),
        -- the e-mail that tells the patient: when it was accepted, and failed attempts
        patient_told_at timestamptz,
        mail_attempts integer NOT NULL DEFAULT 0,
        completed_at timestamptz,
        -- failed attempts of the worker, and when to try again (NULL: at once)
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        -- why the last attempt stopped, for operators: an error's message, never PHI
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL)),
        CHECK (state IN ('pending-confirmation', 'cancelled')
               OR (confirmed_by IS NOT NULL AND confirmed_at IS NOT NULL AND effective_at IS NOT NULL)),
        CHECK ((state IN ('recorded', 'content-erased', 'done')) = (tx_id IS NOT NULL AND erased_at IS NOT NULL)),
        CHECK ((state IN ('content-erased', 'done')) = (reports_erased IS NOT NULL)),
        CHECK ((state = 'done') = (completed_at IS NOT NULL))
      )`);
    await queryRunner.query(
      "CREATE UNIQUE INDEX erasure_requests_one_open ON erasure_requests (patient_id) WHERE state <> 'cancelled'",
    );
    await queryRunner.query(
      `CREATE INDEX erasure_requests_waiting ON erasure_requests (requested_at, id)
       WHERE state IN ('pending-confirmation', 'confirmed')`,
    );
    await queryRunner.query(
      `CREATE INDEX erasure_requests_due ON erasure_requests (effective_at)
       WHERE state IN ('confirmed', 'recorded', 'content-erased')`,
    );

    // The admin-alone erasures, carried over.
    await queryRunner.query(`
      INSERT INTO erasure_requests (id, patient_id, state, requested_at, confirmed_by, confirmed_at, effective_at,
        tx_id, block_number, erased_at, reports_erased, completed_at, last_error, updated_at)
      SELECT gen_random_uuid(), patient_id,
        CASE state WHEN 'requested' THEN 'confirmed' ELSE state END,
        created_at, requested_by, created_at, created_at,
        tx_id, block_number, erased_at, reports_erased,
        CASE state WHEN 'done' THEN updated_at END, last_error, updated_at
      FROM patient_erasures`);
    await queryRunner.query('DROP TABLE patient_erasures');

    await this.notificationVocabulary(queryRunner, NOTIFICATION_KINDS, SUBJECT_TYPES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM notifications WHERE kind IN (${quoted(ERASURE_KINDS)})`);
    await this.notificationVocabulary(
      queryRunner,
      NOTIFICATION_KINDS.filter((kind) => !ERASURE_KINDS.includes(kind)),
      SUBJECT_TYPES.filter((type) => !ERASURE_SUBJECTS.includes(type)),
    );
    await queryRunner.query(`
      CREATE TABLE patient_erasures (
        patient_id uuid PRIMARY KEY REFERENCES users (id),
        requested_by uuid NOT NULL REFERENCES users (id),
        state text NOT NULL CHECK (state IN ('requested', 'recorded', 'done')),
        tx_id text,
        block_number bigint,
        erased_at timestamptz,
        reports_erased integer CHECK (reports_erased >= 0),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'requested') = (tx_id IS NULL)),
        CHECK ((state = 'requested') = (erased_at IS NULL)),
        CHECK ((state = 'done') = (reports_erased IS NOT NULL))
      )`);
    await queryRunner.query(
      "CREATE INDEX patient_erasures_open ON patient_erasures (updated_at) WHERE state <> 'done'",
    );
    // Only what had taken effect: the old table knew no cooling-off, so a request still in
    // it (or not confirmed, or cancelled) would be carried out at once there.
    await queryRunner.query(`
      INSERT INTO patient_erasures (patient_id, requested_by, state, tx_id, block_number, erased_at, reports_erased,
        last_error, created_at, updated_at)
      SELECT patient_id, confirmed_by,
        CASE state WHEN 'confirmed' THEN 'requested' WHEN 'content-erased' THEN 'done' ELSE state END,
        tx_id, block_number, erased_at, reports_erased, last_error, requested_at, updated_at
      FROM erasure_requests
      WHERE state IN ('recorded', 'content-erased', 'done') OR (state = 'confirmed' AND effective_at <= now())`);
    await queryRunner.query('DROP TABLE erasure_requests');
  }

  /** The CHECK constraints of notifications (migration 1764300000000) over this vocabulary. */
  private async notificationVocabulary(
    queryRunner: QueryRunner,
    kinds: readonly string[],
    subjects: readonly string[],
  ): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notifications
        DROP CONSTRAINT notifications_kind_check,
        ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${quoted(kinds)})),
        DROP CONSTRAINT notifications_subject_type_check,
        ADD CONSTRAINT notifications_subject_type_check CHECK (subject_type IN (${quoted(subjects)}))`);
  }
}
