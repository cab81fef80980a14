import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure of a patient's content, as a durable request that a retry (or the recovery pass)
 * completes: `requested` (row written, ledger not yet known to hold it), `recorded` (the
 * ledger's RecordErasure committed: its transaction and time are here), `done` (the
 * patient's key destroyed and their reports' PHI scrubbed, in one transaction).
 */
export class PatientErasure1764000000000 implements MigrationInterface {
  name = 'PatientErasure1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_erasures (
        patient_id uuid PRIMARY KEY REFERENCES users (id),
        requested_by uuid NOT NULL REFERENCES users (id),
        state text NOT NULL CHECK (state IN ('requested', 'recorded', 'done')),
        tx_id text,
        -- unknown (NULL) when a retry found the erasure already on the ledger
        block_number bigint,
        -- the ledger transaction's time
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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_erasures');
  }
}
