import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A doctor finds a patient by any part of the name ("lovel" finds Ada Lovelace), which the
 * prefix index users_full_name could not serve: a trigram index (pg_trgm, a trusted
 * extension shipped with PostgreSQL, which the database owner may create) serves
 * `lower(full_name) LIKE '%…%'` and prefixes alike, for patients only (the one role
 * searched). The search by date of birth gets an index of its own.
 */
export class PatientSearch1765000000000 implements MigrationInterface {
  name = 'PatientSearch1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query(
      "CREATE INDEX users_patient_name_trgm ON users USING gin (lower(full_name) gin_trgm_ops) WHERE role = 'patient'",
    );
    await queryRunner.query("CREATE INDEX users_patient_date_of_birth ON users (date_of_birth) WHERE role = 'patient'");
    await queryRunner.query('DROP INDEX users_full_name');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX users_full_name ON users (lower(full_name) text_pattern_ops)');
    await queryRunner.query('DROP INDEX users_patient_date_of_birth');
    await queryRunner.query('DROP INDEX users_patient_name_trgm');
    await queryRunner.query('DROP EXTENSION IF EXISTS pg_trgm');
  }
}
