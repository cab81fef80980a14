import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report's plaintext SHA-256 is erased with the patient's content: once the content is
 * unreadable, a kept digest could still be tested against guessed contents (the reason the
 * ledger holds only a salted commitment). The column becomes nullable for that.
 */
export class ErasablePlaintextDigest1764200000000 implements MigrationInterface {
  name = 'ErasablePlaintextDigest1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE reports ALTER COLUMN plaintext_sha256 DROP NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE reports SET plaintext_sha256 = repeat('0', 64) WHERE plaintext_sha256 IS NULL");
    await queryRunner.query('ALTER TABLE reports ALTER COLUMN plaintext_sha256 SET NOT NULL');
  }
}
