import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger projection (issue 14, design section D): the ledger's facts, no PHI, written
 * by the `projection` reader of the chaincode events from the first block on, for the
 * audit trail's queries. Every row says where the ledger said it: `block_number` and
 * `tx_id` of the creating transaction and, for mutable records, `last_block_number` and
 * `last_tx_id` of the transaction whose version the row shows (upserts move only forward
 * by it). `block_number` of a mutable record is null when the projection first saw it in a
 * later version (created before the chaincode put records in its events).
 *
 * Few constraints beyond types and NOT NULL: the rows are the ledger's, checked by the
 * reader before they are written, and a constraint the ledger does not share would stop the
 * projection at an event forever.
 *
 * `ledger_checkpoint.handled_in_block` counts the events of the checkpoint's block a reader
 * has handled, so that two checkpoints in one block are ordered and a slower API process
 * never moves a checkpoint back within a block (transaction IDs have no order).
 */
export class LedgerProjection1764700000000 implements MigrationInterface {
  name = 'LedgerProjection1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ledger_checkpoint ADD COLUMN handled_in_block integer');
    await queryRunner.query('UPDATE ledger_checkpoint SET handled_in_block = 0 WHERE transaction_id IS NULL');

    await queryRunner.query(`
      CREATE TABLE projection_participants (
        uid uuid PRIMARY KEY,
        role text NOT NULL,
        msp_id text NOT NULL,
        registered_at timestamptz NOT NULL,
        erased_at timestamptz,
        block_number bigint,
        tx_id text NOT NULL,
        last_block_number bigint NOT NULL,
        last_tx_id text NOT NULL
      )`);
    // A recorded report, or the void mark of a report ID never recorded (only voided_* set).
    await queryRunner.query(`
      CREATE TABLE projection_reports (
        report_id uuid PRIMARY KEY,
        patient_id uuid,
        hospital_msp_id text,
        author_id uuid,
        author_role text,
        author_msp_id text,
        type text,
        cid text,
        ciphertext_sha256 text,
        plaintext_commitment text,
        size bigint,
        recorded_at timestamptz,
        write_basis text,
        write_basis_id text,
        voided_at timestamptz,
        voided_by uuid,
        voided_by_msp_id text,
        block_number bigint,
        tx_id text NOT NULL,
        last_block_number bigint NOT NULL,
        last_tx_id text NOT NULL,
        CHECK (recorded_at IS NOT NULL OR voided_at IS NOT NULL)
      )`);
    await queryRunner.query('CREATE INDEX projection_reports_patient ON projection_reports (patient_id)');
    await queryRunner.query(`
      CREATE TABLE projection_requests (
        request_id uuid PRIMARY KEY,
        patient_id uuid NOT NULL,
        patient_msp_id text NOT NULL,
        doctor_id uuid NOT NULL,
        doctor_msp_id text NOT NULL,
        report_ids uuid[],
        duration_days integer NOT NULL,
        purpose_of_use text NOT NULL,
        reason_commitment text NOT NULL,
        status text NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_at timestamptz,
        grant_id uuid,
        block_number bigint,
        tx_id text NOT NULL,
        last_block_number bigint NOT NULL,
        last_tx_id text NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX projection_requests_patient ON projection_requests (patient_id)');
    await queryRunner.query(`
      CREATE TABLE projection_grants (
        grant_id uuid PRIMARY KEY,
        kind text NOT NULL,
        patient_id uuid NOT NULL,
        patient_msp_id text NOT NULL,
        grantee_kind text NOT NULL,
        doctor_id uuid,
        doctor_msp_id text,
        grantee_msp_id text,
        report_ids uuid[],
        purpose_of_use text NOT NULL,
        valid_from timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL,
        revoked_at timestamptz,
        request_id uuid,
        justification_commitment text,
        reviewed boolean,
        review_outcome text,
        reviewed_by uuid,
        reviewed_at timestamptz,
        block_number bigint,
        tx_id text NOT NULL,
        last_block_number bigint NOT NULL,
        last_tx_id text NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX projection_grants_patient ON projection_grants (patient_id)');
    await queryRunner.query(`
      CREATE TABLE projection_care_assignments (
        assignment_id uuid PRIMARY KEY,
        patient_id uuid NOT NULL,
        doctor_id uuid NOT NULL,
        hospital_msp_id text NOT NULL,
        assigned_by uuid NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_by uuid,
        block_number bigint,
        tx_id text NOT NULL,
        last_block_number bigint NOT NULL,
        last_tx_id text NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX projection_care_assignments_patient ON projection_care_assignments (patient_id)',
    );
    await queryRunner.query(`
      CREATE TABLE projection_erasures (
        patient_id uuid PRIMARY KEY,
        erased_by uuid NOT NULL,
        erased_by_msp_id text NOT NULL,
        erased_at timestamptz NOT NULL,
        block_number bigint NOT NULL,
        tx_id text NOT NULL
      )`);
    // patient_msp_id: the report's hospital; null only for a report the projection does not hold.
    await queryRunner.query(`
      CREATE TABLE projection_accesses (
        tx_id text PRIMARY KEY,
        block_number bigint NOT NULL,
        at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('granted', 'refused')),
        refusal_code text,
        report_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        patient_msp_id text,
        actor_id uuid NOT NULL,
        actor_role text NOT NULL,
        actor_msp_id text NOT NULL,
        basis text,
        grant_id uuid,
        grantee_kind text,
        purpose_of_use text
      )`);
    for (const column of ['patient_id', 'actor_id', 'report_id', 'patient_msp_id', 'actor_msp_id']) {
      await queryRunner.query(
        `CREATE INDEX projection_accesses_${column} ON projection_accesses (${column}, at, tx_id)`,
      );
    }
    // An auditor's list: its patients' rows (patient_msp_id), and its staff opening another
    // hospital's records, which this partial index holds alone (a few among many).
    await queryRunner.query(
      `CREATE INDEX projection_accesses_cross_hospital ON projection_accesses (actor_msp_id, at, tx_id)
       WHERE patient_msp_id IS DISTINCT FROM actor_msp_id`,
    );
    await queryRunner.query(`
      CREATE TABLE projection_events (
        tx_id text PRIMARY KEY,
        block_number bigint NOT NULL,
        at timestamptz NOT NULL,
        name text NOT NULL,
        actor_id uuid,
        actor_role text,
        actor_msp_id text,
        patient_id uuid,
        patient_msp_id text,
        report_id uuid,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        other_msp_id text,
        purpose_of_use text,
        outcome text,
        refusal_code text
      )`);
    await queryRunner.query('CREATE INDEX projection_events_patient ON projection_events (patient_id, at, tx_id)');
    await queryRunner.query('CREATE INDEX projection_events_report ON projection_events (report_id, at, tx_id)');
    await queryRunner.query('CREATE INDEX projection_events_block ON projection_events (block_number)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'projection_events',
      'projection_accesses',
      'projection_erasures',
      'projection_care_assignments',
      'projection_grants',
      'projection_requests',
      'projection_reports',
      'projection_participants',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('ALTER TABLE ledger_checkpoint DROP COLUMN handled_in_block');
  }
}
