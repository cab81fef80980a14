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

/**
 * A reader's checkpoint as stored: fabric-gateway's (the block, and the last transaction
 * of it handled), and how many of that block's chaincode events the reader has handled, by
 * which two checkpoints in one block are ordered (transaction IDs are not). Null when
 * unknown: a checkpoint stored before it was counted, until the reader leaves that block.
 */
export interface StoredCheckpoint extends LedgerCheckpoint {
  handledInBlock: number | null;
}

/** How far each reader of a channel's chaincode events has come (the `ledger_checkpoint` table). */
@Injectable()
export class LedgerCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(of: EventReader): Promise<StoredCheckpoint | null> {
    const [row] = await this.dataSource.query<Array<{ block: string; tx: string | null; handled: number | null }>>(
      `SELECT block_number::text AS block, transaction_id AS tx, handled_in_block AS handled FROM ledger_checkpoint
       WHERE reader = $1 AND channel = $2 AND chaincode = $3`,
      [of.reader, of.channel, of.chaincode],
    );
    return row ? { blockNumber: BigInt(row.block), transactionId: row.tx, handledInBlock: row.handled } : null;
  }

  /**
   * The reader's checkpoint; the start of block `blockNumber` becomes it when the reader has
   * none yet (the first of two processes wins).
   */
  async readOrStart(of: EventReader, blockNumber: bigint): Promise<StoredCheckpoint> {
    await this.dataSource.query(
      `INSERT INTO ledger_checkpoint (reader, channel, chaincode, block_number, transaction_id, handled_in_block)
       VALUES ($1, $2, $3, $4, NULL, 0) ON CONFLICT (reader, channel, chaincode) DO NOTHING`,
      [of.reader, of.channel, of.chaincode, blockNumber.toString()],
    );
    return (await this.read(of))!;
  }

  /**
   * Runs `work` and moves the checkpoint to `checkpoint` in one transaction: what events
   * caused is written exactly when the reader records having read them. Two API processes
   * may both apply an event: the work must be idempotent, and the checkpoint never moves
   * back (a later block, or later in the same block; when the position in the block is
   * unknown, as before it was counted, a checkpoint in the same block is taken).
   */
  async advance(
    of: EventReader,
    checkpoint: StoredCheckpoint,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await work(manager);
      await manager.query(
        `INSERT INTO ledger_checkpoint AS stored
           (reader, channel, chaincode, block_number, transaction_id, handled_in_block, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (reader, channel, chaincode) DO UPDATE
           SET block_number = EXCLUDED.block_number, transaction_id = EXCLUDED.transaction_id,
               handled_in_block = EXCLUDED.handled_in_block, updated_at = now()
           WHERE stored.block_number < EXCLUDED.block_number
              OR (stored.block_number = EXCLUDED.block_number
                  AND coalesce(stored.handled_in_block <= EXCLUDED.handled_in_block, true))`,
        [
          of.reader,
          of.channel,
          of.chaincode,
          checkpoint.blockNumber.toString(),
          checkpoint.transactionId,
          checkpoint.handledInBlock,
        ],
      );
    });
  }
}
