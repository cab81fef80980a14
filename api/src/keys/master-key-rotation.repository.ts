import type { DataSource } from 'typeorm';
import type { SealedColumn } from './sealed-columns.js';

/** A sealed value as the rotation reads it. */
export interface SealedRow {
  id: string;
  keyId: string;
  sealed: Buffer;
}

/**
 * The rotation's queries: the tables of SEALED_COLUMNS (their names come from that list,
 * never from input), `retired_master_keys`, and the advisory lock of a running rotation.
 */
export class MasterKeyRotationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the advisory lock `name` on a connection of its own, held until the returned
   * release is called (or the process ends); undefined when another session holds it.
   */
  async lock(name: string): Promise<(() => Promise<void>) | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name])) as Array<{
      locked: boolean;
    }>;
    if (!locked) {
      await runner.release();
      return undefined;
    }
    return async () => {
      try {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      } finally {
        await runner.release();
      }
    };
  }

  async isRetired(keyId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM retired_master_keys WHERE key_id = $1', [keyId]);
    return rows.length > 0;
  }

  /** From now on the database refuses values stored under `keyId` (the trigger of the sealed tables). */
  async retire(keyId: string): Promise<void> {
    await this.dataSource.query('INSERT INTO retired_master_keys (key_id) VALUES ($1) ON CONFLICT DO NOTHING', [keyId]);
  }

  /** How many values of the column are sealed under each key id that is not one of `keyIds`. */
  async countOutside(column: SealedColumn, keyIds: string[]): Promise<Array<{ keyId: string; count: number }>> {
    const rows = await this.dataSource.query<Array<{ key_id: string; count: string }>>(
      `SELECT key_id, count(*) AS count FROM ${column.table}
        WHERE key_id IS NOT NULL AND key_id <> ALL($1) GROUP BY key_id ORDER BY key_id`,
      [keyIds],
    );
    return rows.map((row) => ({ keyId: row.key_id, count: Number(row.count) }));
  }

  /**
   * One batch, in one transaction: the next `limit` values (by id, after `after`) not sealed
   * under `keyId`, locked; each re-sealed by `reseal` and stored under `keyId`. Returns how
   * many it re-wrapped and the last id it looked at (undefined when there were none left).
   */
  async rewrapBatch(
    column: SealedColumn,
    after: string | undefined,
    limit: number,
    keyId: string,
    reseal: (row: SealedRow) => Promise<Buffer>,
  ): Promise<{ rewrapped: number; last?: string }> {
    const { table, id, idType, sealed } = column;
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<Array<{ id: string; key_id: string; sealed: Buffer }>>(
        `SELECT ${id}::text AS id, key_id, ${sealed} AS sealed FROM ${table}
          WHERE key_id IS NOT NULL AND key_id <> $1 ${after === undefined ? '' : `AND ${id} > $3::${idType}`}
          ORDER BY ${id} LIMIT $2 FOR UPDATE`,
        after === undefined ? [keyId, limit] : [keyId, limit, after],
      );
      if (rows.length === 0) return { rewrapped: 0 };
      const values: Buffer[] = [];
      for (const row of rows) values.push(await reseal({ id: row.id, keyId: row.key_id, sealed: row.sealed }));
      await manager.query(
        `UPDATE ${table} AS sealed_table SET ${sealed} = rewrapped.sealed, key_id = $3
           FROM unnest($1::${idType}[], $2::bytea[]) AS rewrapped (id, sealed)
          WHERE sealed_table.${id} = rewrapped.id`,
        [rows.map((row) => row.id), values, keyId],
      );
      return { rewrapped: rows.length, last: rows[rows.length - 1]!.id };
    });
  }
}
