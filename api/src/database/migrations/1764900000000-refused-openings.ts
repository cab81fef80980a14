import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refused openings each user had recorded on the ledger recently, so that every API
 * replica applies the same rate limit (a row per refusal written; rows older than a day
 * are of no more use and are deleted as new ones arrive).
 */
export class RefusedOpenings1764900000000 implements MigrationInterface {
  name = 'RefusedOpenings1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE refused_openings (
        user_id uuid NOT NULL,
        report_id uuid NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX refused_openings_user_time ON refused_openings (user_id, recorded_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE refused_openings');
  }
}
