import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second factor (TOTP, RFC 6238) with recovery codes (docs/api.md, "Second factor"):
 *
 * - `user_second_factors`: one per user, the TOTP secret sealed by the KeyService
 *   (`sealed_secret`, under the master key `key_id`, in the context
 *   `second-factor:<user id>`: `npm run keys:rotate` re-wraps it, and the retired-key trigger
 *   of 1766200000000 guards it); `confirmed_at` null while enrolment awaits its first code;
 *   `last_used_step`, the last accepted time step, so that a code is accepted once.
 * - `second_factor_recovery_codes`: SHA-256 digests only, each spent once (`used_at`).
 * - `second_factor_challenges`: what a right password leaves when the account has a
 *   second factor, by the SHA-256 digest of its id (a bearer secret, like a refresh token):
 *   it expires and is spent by the sign-in it completes.
 * - `sessions.awaits_second_factor`: a staff member's session from a password alone, before
 *   their second factor is confirmed: it reaches the enrolment routes and sign-out only.
 *   Live sessions of staff who have no second factor become such sessions now.
 */
export class SecondFactor1766400000000 implements MigrationInterface {
  name = 'SecondFactor1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE user_second_factors (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        sealed_secret bytea NOT NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint
      )`);
    await queryRunner.query(
      `CREATE TRIGGER user_second_factors_retired_master_key BEFORE INSERT OR UPDATE ON user_second_factors
         FOR EACH ROW WHEN (NEW.key_id IS NOT NULL) EXECUTE FUNCTION refuse_retired_master_key()`,
    );
    await queryRunner.query(`
      CREATE TABLE second_factor_recovery_codes (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE second_factor_challenges (
        id_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX second_factor_challenges_expiry ON second_factor_challenges (expires_at)');
    await queryRunner.query('ALTER TABLE sessions ADD COLUMN awaits_second_factor boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      `UPDATE sessions SET awaits_second_factor = true
        WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE role IN ('doctor', 'auditor', 'admin'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sessions DROP COLUMN awaits_second_factor');
    await queryRunner.query('DROP TABLE second_factor_challenges');
    await queryRunner.query('DROP TABLE second_factor_recovery_codes');
    await queryRunner.query('DROP TABLE user_second_factors');
  }
}
