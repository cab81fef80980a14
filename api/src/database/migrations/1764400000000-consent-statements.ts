import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the consent workflow keeps off the ledger. `consent_statements`: the text of a
 * request's reason, a denial's reason, an emergency's justification and an auditor's review
 * note, with the key of the keyed commitment (HMAC-SHA-256) that the ledger holds instead of
 * the text; erased with the patient. `grant_expiry_reminders`: grants whose grantee is told
 * a day before they end, filled from the ledger's events.
 */
export class ConsentStatements1764400000000 implements MigrationInterface {
  name = 'ConsentStatements1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consent_statements (
        subject_id uuid NOT NULL,
        kind text NOT NULL
          CHECK (kind IN ('request-reason', 'denial-reason', 'emergency-justification', 'review-note')),
        -- no foreign keys: a patient or doctor of another hospital is a user of that hospital's node
        patient_id uuid NOT NULL,
        author_id uuid NOT NULL,
        body text NOT NULL,
        -- the key of the commitment on the ledger; NULL for texts that have none
        commitment_key bytea CHECK (commitment_key IS NULL OR length(commitment_key) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_id, kind)
      )`);
    await queryRunner.query('CREATE INDEX consent_statements_patient ON consent_statements (patient_id)');
    await queryRunner.query(`
      CREATE TABLE grant_expiry_reminders (
        grant_id uuid PRIMARY KEY,
        patient_id uuid NOT NULL,
        doctor_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        remind_at timestamptz NOT NULL,
        reminded_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(
      'CREATE INDEX grant_expiry_reminders_due ON grant_expiry_reminders (remind_at) WHERE reminded_at IS NULL AND revoked_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE grant_expiry_reminders');
    await queryRunner.query('DROP TABLE consent_statements');
  }
}
