import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every run of the reconciliation of the ledger projection (`npm run audit:reconcile`):
 * when it ran, how many differences it found, and its report (each difference by table,
 * key and field, with the two values: IDs, codes and times only, no PHI).
 */
export class AuditReconciliations1764800000000 implements MigrationInterface {
  name = 'AuditReconciliations1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_reconciliations (
        id uuid PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        differences integer NOT NULL CHECK (differences >= 0),
        report jsonb NOT NULL,
        CHECK (finished_at >= started_at)
      )`);
    await queryRunner.query('CREATE INDEX audit_reconciliations_by_finish ON audit_reconciliations (finished_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_reconciliations');
  }
}
