import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An admin's care page lists the assignments of their hospital, newest first
 * (`GET /admin/care-assignments`): an index in that order, so the page reads its rows
 * instead of sorting the hospital's whole history.
 */
export class CareDirectory1765100000000 implements MigrationInterface {
  name = 'CareDirectory1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX projection_care_assignments_hospital ON projection_care_assignments (hospital_msp_id, started_at DESC, assignment_id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX projection_care_assignments_hospital');
  }
}
