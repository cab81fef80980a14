import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerCheckpoint } from '../ledger/ledger.port.js';

/** Which reader of which channel's chaincode events a checkpoint is for. */
export interface EventReader {
  reader: string;
  channel: string;
  chaincode: string;
}

/** How far each reader of a channel's chaincode events has come (the `ledger_checkpoint` table). */
@Injectable()
export class LedgerCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(of: EventReader): Promise<LedgerCheckpoint | null> {
    const [row] = await this.dataSource.query<Array<{ block: string; tx: string | null }>>(
      `SELECT block_number::text AS block, transaction_id AS tx FROM ledger_checkpoint
       WHERE reader = $1 AND channel = $2 AND chaincode = $3`,
      [of.reader, of.channel, of.chaincode],
    );
    return row ? { blockNumber: BigInt(row.block), transactionId: row.tx } : null;
  }

  /** The reader's checkpoint; `start` becomes it when the reader has none yet (the first of two processes wins). */
  async readOrStart(of: EventReader, start: LedgerCheckpoint): Promise<LedgerCheckpoint> {
    await this.dataSource.query(
      `INSERT INTO ledger_checkpoint (reader, channel, chaincode, block_number, transaction_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reader, channel, chaincode) DO NOTHING`,
      [of.reader, of.channel, of.chaincode, start.blockNumber.toString(), start.transactionId],
    );
    return (await this.read(of))!;
  }

  /**
   * Runs `work` and moves the checkpoint to `checkpoint` in one transaction: what an event
   * caused is written exactly when the reader records having read it. Two API processes
   * may both apply an event: the work must be idempotent, and the checkpoint never moves back.
   */
  async advance(
    of: EventReader,
    checkpoint: LedgerCheckpoint,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await work(manager);
      await manager.query(
        `INSERT INTO ledger_checkpoint (reader, channel, chaincode, block_number, transaction_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (reader, channel, chaincode) DO UPDATE
           SET block_number = EXCLUDED.block_number, transaction_id = EXCLUDED.transaction_id, updated_at = now()
           WHERE ledger_checkpoint.block_number <= EXCLUDED.block_number`,
        [of.reader, of.channel, of.chaincode, checkpoint.blockNumber.toString(), checkpoint.transactionId],
      );
    });
  }
}
