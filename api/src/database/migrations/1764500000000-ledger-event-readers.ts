import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each reader of the chaincode events keeps a checkpoint of its own: the notifications
 * reader starts at the height the ledger had when it first ran (it tells users of what
 * happens from then on), the projection reader at the first block.
 */
export class LedgerEventReaders1764500000000 implements MigrationInterface {
  name = 'LedgerEventReaders1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ledger_checkpoint ADD COLUMN reader text NOT NULL DEFAULT 'projection'`);
    await queryRunner.query('ALTER TABLE ledger_checkpoint ALTER COLUMN reader DROP DEFAULT');
    await queryRunner.query('ALTER TABLE ledger_checkpoint DROP CONSTRAINT ledger_checkpoint_pkey');
    await queryRunner.query('ALTER TABLE ledger_checkpoint ADD PRIMARY KEY (reader, channel, chaincode)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM ledger_checkpoint WHERE reader <> 'projection'");
    await queryRunner.query('ALTER TABLE ledger_checkpoint DROP CONSTRAINT ledger_checkpoint_pkey');
    await queryRunner.query('ALTER TABLE ledger_checkpoint ADD PRIMARY KEY (channel, chaincode)');
    await queryRunner.query('ALTER TABLE ledger_checkpoint DROP COLUMN reader');
  }
}
