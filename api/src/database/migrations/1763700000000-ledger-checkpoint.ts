import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the ledger projection remembers how far it has read each channel's chaincode
 * events; written in the same transaction as the rows it projects.
 */
export class LedgerCheckpoint1763700000000 implements MigrationInterface {
  name = 'LedgerCheckpoint1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_checkpoint (
        channel text NOT NULL,
        chaincode text NOT NULL,
        block_number bigint NOT NULL CHECK (block_number >= 0),
        transaction_id text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, chaincode)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_checkpoint');
  }
}
