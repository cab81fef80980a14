import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate limits that protect without locking anyone out (issue 16), shared by every API
 * process:
 *
 * - `rate_limit_buckets`: one row per costly route's limit and user or client address,
 *   holding the time its whole budget is back (rate-limits/rate-limits.repository.ts).
 *   Unlogged: the buckets live for a minute or so, and after a crash of PostgreSQL every
 *   budget simply starts full.
 * - `login_throttle`: failed sign-ins by subject (auth/login-throttle.ts), an account
 *   from one address (`pair:`), an account from anywhere (`account:`), an address for any
 *   account (`address:`): how many, when the pair may try again, when they are forgotten.
 *   E-mail addresses are kept as digests only: most of them belong to nobody's account.
 *   It replaces `login_failures`, one row per failure, which a single address could fill
 *   with a million rows and whose count a concurrent guess could read before another's
 *   failure was written.
 */
export class RateLimits1766300000000 implements MigrationInterface {
  name = 'RateLimits1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE rate_limit_buckets (
        key text PRIMARY KEY,
        refilled_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX rate_limit_buckets_refilled ON rate_limit_buckets (refilled_at)');

    await queryRunner.query(`
      CREATE TABLE login_throttle (
        subject text PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT 'epoch',
        forget_at timestamptz NOT NULL DEFAULT 'epoch'
      )`);
    await queryRunner.query('CREATE INDEX login_throttle_forget ON login_throttle (forget_at)');
    await queryRunner.query('DROP TABLE login_failures');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        subject text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX login_failures_subject_time ON login_failures (subject, failed_at)');
    await queryRunner.query('DROP TABLE login_throttle');
    await queryRunner.query('DROP TABLE rate_limit_buckets');
  }
}
