import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCOUNT_TOKEN_PURPOSES } from '../../auth/account-tokens.js';
import { MAIL_KINDS } from '../../notifications/mail/mail-kinds.js';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Owners set their own passwords (issue 17):
 *
 * - `users.status` gains `pending`: an account an admin created, whose owner has not chosen
 *   a password yet (`password_hash` is NULL; nobody can sign in as it). Only a pending or
 *   a suspended account may be without a password.
 * - `account_tokens`: one-time links (activation, password reset), kept only as the
 *   SHA-256 digest of the 32 random bytes that the e-mail carries, with the user, the
 *   purpose, the expiry and when it was used. A link is spent by one conditional UPDATE
 *   (`used_at IS NULL AND expires_at > now()`), so that two concurrent uses cannot both
 *   succeed. A user has at most one link per purpose: a new one deletes the older.
 * - `mail_outbox` gains the e-mail's `kind` (the existing rows are all `attention`) and,
 *   for the e-mails with a link, the link's token row and the token itself. The token is in
 *   the outbox only while its e-mail waits: sending erases it, and so do using or replacing
 *   the link (the e-mail of a replaced link goes with its token row; an unsent e-mail of a
 *   used link is dropped).
 */
export class AccountLinks1766310000000 implements MigrationInterface {
  name = 'AccountLinks1766310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL');
    await queryRunner.query('ALTER TABLE users DROP CONSTRAINT users_status_check');
    await queryRunner.query(
      "ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('pending', 'active', 'suspended'))",
    );
    await queryRunner.query(
      "ALTER TABLE users ADD CONSTRAINT users_password_unless_pending CHECK (password_hash IS NOT NULL OR status IN ('pending', 'suspended'))",
    );

    await queryRunner.query(`
      CREATE TABLE account_tokens (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN (${quoted(ACCOUNT_TOKEN_PURPOSES)})),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose)');

    await queryRunner.query(
      `ALTER TABLE mail_outbox ADD COLUMN kind text NOT NULL DEFAULT 'attention' CHECK (kind IN (${quoted(MAIL_KINDS)}))`,
    );
    await queryRunner.query(
      'ALTER TABLE mail_outbox ADD COLUMN account_token_hash bytea REFERENCES account_tokens (token_hash) ON DELETE CASCADE',
    );
    // The link's token, while its e-mail waits (erased once sent): the e-mail has to carry it.
    await queryRunner.query('ALTER TABLE mail_outbox ADD COLUMN link_token text');
    await queryRunner.query(
      'ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_link CHECK (link_token IS NULL OR account_token_hash IS NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX mail_outbox_account_token ON mail_outbox (account_token_hash)');
    await queryRunner.query('CREATE INDEX mail_outbox_user_kind ON mail_outbox (user_id, kind, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX mail_outbox_user_kind');
    await queryRunner.query("DELETE FROM mail_outbox WHERE kind <> 'attention'");
    await queryRunner.query('ALTER TABLE mail_outbox DROP COLUMN link_token');
    await queryRunner.query('ALTER TABLE mail_outbox DROP COLUMN account_token_hash');
    await queryRunner.query('ALTER TABLE mail_outbox DROP COLUMN kind');
    await queryRunner.query('DROP TABLE account_tokens');
    // Accounts nobody activated cannot go back into a table where every account has a password.
    await queryRunner.query("DELETE FROM users WHERE password_hash IS NULL AND status = 'pending'");
    await queryRunner.query("UPDATE users SET password_hash = '!no-password' WHERE password_hash IS NULL");
    await queryRunner.query('ALTER TABLE users DROP CONSTRAINT users_password_unless_pending');
    await queryRunner.query('ALTER TABLE users DROP CONSTRAINT users_status_check');
    await queryRunner.query(
      "ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended'))",
    );
    await queryRunner.query('ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL');
  }
}
