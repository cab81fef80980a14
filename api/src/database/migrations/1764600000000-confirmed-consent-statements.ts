import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent text is written before the ledger transaction that commits to it, and marked
 * confirmed once that transaction is known to have committed. A text left unconfirmed (a
 * crash, an outage, a transaction that failed to commit) is settled by a recovery worker:
 * confirmed when the ledger holds its transaction, removed when it does not.
 */
export class ConfirmedConsentStatements1764600000000 implements MigrationInterface {
  name = 'ConfirmedConsentStatements1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE consent_statements ADD COLUMN confirmed_at timestamptz');
    await queryRunner.query('UPDATE consent_statements SET confirmed_at = created_at');
    await queryRunner.query(
      'CREATE INDEX consent_statements_unconfirmed ON consent_statements (created_at) WHERE confirmed_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX consent_statements_unconfirmed');
    await queryRunner.query('ALTER TABLE consent_statements DROP COLUMN confirmed_at');
  }
}
