import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerCheckpoint } from '../ledger/ledger.port.js';

/** How far each reader of a channel's chaincode events has come (the `ledger_checkpoint` table). */
@Injectable()
export class LedgerCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(channel: string, chaincode: string): Promise<LedgerCheckpoint | null> {
    const [row] = await this.dataSource.query<Array<{ block: string; tx: string | null }>>(
      'SELECT block_number::text AS block, transaction_id AS tx FROM ledger_checkpoint WHERE channel = $1 AND chaincode = $2',
      [channel, chaincode],
    );
    return row ? { blockNumber: BigInt(row.block), transactionId: row.tx } : null;
  }

  /**
   * Runs `work` and moves the checkpoint to `checkpoint` in one transaction: what an event
   * caused is written exactly when the reader records having read it. Two API processes
   * may both apply an event: the work must be idempotent, and the checkpoint never moves back.
   */
  async advance(
    channel: string,
    chaincode: string,
    checkpoint: LedgerCheckpoint,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await work(manager);
      await manager.query(
        `INSERT INTO ledger_checkpoint (channel, chaincode, block_number, transaction_id, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (channel, chaincode) DO UPDATE
           SET block_number = EXCLUDED.block_number, transaction_id = EXCLUDED.transaction_id, updated_at = now()
           WHERE ledger_checkpoint.block_number <= EXCLUDED.block_number`,
        [channel, chaincode, checkpoint.blockNumber.toString(), checkpoint.transactionId],
      );
    });
  }
}
