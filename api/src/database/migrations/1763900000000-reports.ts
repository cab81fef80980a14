import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case reports: metadata (titles and file names are PHI: here, never on the ledger), the
 * key envelope of each record, each patient's key-encryption key (destroying it erases the
 * patient's content), and the durable state of every upload (the saga a restart completes
 * or rolls back).
 */
export class Reports1763900000000 implements MigrationInterface {
  name = 'Reports1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_keys (
        patient_id uuid PRIMARY KEY REFERENCES users (id),
        sealed_key bytea,
        key_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz,
        CHECK ((sealed_key IS NULL) = (destroyed_at IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES users (id),
        author_id uuid NOT NULL REFERENCES users (id),
        type text NOT NULL CHECK (type IN ('report', 'prescription', 'bill', 'lab', 'imaging', 'note')),
        title text NOT NULL,
        file_name text,
        content_type text NOT NULL,
        plaintext_size bigint NOT NULL CHECK (plaintext_size >= 0),
        plaintext_sha256 text NOT NULL,
        cid text NOT NULL,
        ciphertext_sha256 text NOT NULL,
        ciphertext_size bigint NOT NULL,
        plaintext_commitment text NOT NULL,
        encryption_scheme text NOT NULL,
        tx_id text NOT NULL,
        -- unknown (NULL) when a restart completed the upload from the ledger's record
        block_number bigint,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX reports_patient ON reports (patient_id, recorded_at)');
    await queryRunner.query('CREATE INDEX reports_author ON reports (author_id, recorded_at)');
    await queryRunner.query(`
      CREATE TABLE key_envelopes (
        report_id uuid PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
        patient_id uuid NOT NULL REFERENCES users (id),
        wrapped_data_key bytea NOT NULL,
        wrapped_commitment_key bytea NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE upload_sagas (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        idempotency_key text,
        report_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('receiving', 'stored', 'recorded', 'completed', 'rolled_back')),
        step_data jsonb NOT NULL DEFAULT '{}',
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX upload_sagas_idempotency ON upload_sagas (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL',
    );
    await queryRunner.query(
      "CREATE INDEX upload_sagas_open ON upload_sagas (updated_at) WHERE state NOT IN ('completed', 'rolled_back')",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE upload_sagas');
    await queryRunner.query('DROP TABLE key_envelopes');
    await queryRunner.query('DROP TABLE reports');
    await queryRunner.query('DROP TABLE patient_keys');
  }
}
