import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integrity alerts: every time stored content or a stored record was found not to match
 * the ledger (on a read, a verification or an audit's integrity report), for the people
 * who must investigate. IDs and check names only: no PHI.
 */
export class IntegrityAlerts1764100000000 implements MigrationInterface {
  name = 'IntegrityAlerts1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE integrity_alerts (
        id uuid PRIMARY KEY,
        report_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('read', 'verify', 'integrity-report')),
        failed_checks text[] NOT NULL,
        detail text NOT NULL,
        detected_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX integrity_alerts_by_report ON integrity_alerts (report_id, created_at)');
    await queryRunner.query('CREATE INDEX integrity_alerts_by_time ON integrity_alerts (created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE integrity_alerts');
  }
}
