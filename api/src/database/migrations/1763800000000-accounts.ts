import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, sessions and ledger identities. PHI (names, birth dates, e-mail addresses)
 * lives here and only here: rows can be erased, a ledger cannot.
 */
export class Accounts1763800000000 implements MigrationInterface {
  name = 'Accounts1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        password_hash text NOT NULL,
        full_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('doctor', 'patient', 'auditor', 'admin')),
        hospital text NOT NULL,
        date_of_birth date,
        license_number text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX users_email_unique ON users (lower(email))');
    await queryRunner.query('CREATE INDEX users_hospital_role ON users (hospital, role)');
    await queryRunner.query('CREATE INDEX users_full_name ON users (lower(full_name) text_pattern_ops)');

    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ip text,
        user_agent text,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query('CREATE INDEX sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL');

    // Refresh tokens are stored only as SHA-256 digests; a spent one stays, so that its
    // reuse is recognised and ends the whole session.
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        spent_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)');

    await queryRunner.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        subject text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX login_failures_subject_time ON login_failures (subject, failed_at)');

    await queryRunner.query(`
      CREATE TABLE ledger_identities (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        msp_id text NOT NULL,
        enrollment_id text NOT NULL,
        certificate_pem text NOT NULL,
        sealed_private_key bytea NOT NULL,
        key_id text NOT NULL,
        enrolled_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_identities');
    await queryRunner.query('DROP TABLE login_failures');
    await queryRunner.query('DROP TABLE refresh_tokens');
    await queryRunner.query('DROP TABLE sessions');
    await queryRunner.query('DROP TABLE users');
  }
}
