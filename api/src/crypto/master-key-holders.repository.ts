import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What one API process reports of the master keys it holds (ids only: keys never reach the database). */
export interface MasterKeyHolder {
  instanceId: string;
  host: string;
  pid: number;
  /** Whether it follows a secrets file (MASTER_KEY_FILE) and so can take a new key while it runs. */
  followsFile: boolean;
  /** The id of the key it seals new values under. */
  sealingKeyId: string;
  /** Every key id it holds, the sealing one first. */
  keyIds: string[];
}

/** A process that has not reported for this long is taken for gone (it reports every HOLDER_REPORT_MS). */
export const HOLDER_LIVE_SECONDS = 30;
export const HOLDER_REPORT_MS = 5000;

/**
 * `master_key_holders`: every API process reports which master keys it holds, at start,
 * whenever they change and every few seconds, so that `npm run keys:rotate` knows when every
 * running API can open values sealed under the new key and seals under it (docs/keys.md).
 */
@Injectable()
export class MasterKeyHoldersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async report(holder: MasterKeyHolder): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO master_key_holders (instance_id, host, pid, follows_file, sealing_key_id, key_ids, seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (instance_id) DO UPDATE
         SET follows_file = EXCLUDED.follows_file, sealing_key_id = EXCLUDED.sealing_key_id,
             key_ids = EXCLUDED.key_ids, seen_at = now()`,
      [holder.instanceId, holder.host, holder.pid, holder.followsFile, holder.sealingKeyId, holder.keyIds],
    );
  }

  async remove(instanceId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM master_key_holders WHERE instance_id = $1', [instanceId]);
  }

  /** Every process that reported within HOLDER_LIVE_SECONDS; forgets those gone for a day. */
  async live(): Promise<MasterKeyHolder[]> {
    await this.dataSource.query("DELETE FROM master_key_holders WHERE seen_at < now() - interval '1 day'");
    const rows = await this.dataSource.query<
      Array<{
        instance_id: string;
        host: string;
        pid: number;
        follows_file: boolean;
        sealing_key_id: string;
        key_ids: string[];
      }>
    >(
      `SELECT instance_id, host, pid, follows_file, sealing_key_id, key_ids FROM master_key_holders
        WHERE seen_at > now() - make_interval(secs => $1) ORDER BY host, pid`,
      [HOLDER_LIVE_SECONDS],
    );
    return rows.map((row) => ({
      instanceId: row.instance_id,
      host: row.host,
      pid: row.pid,
      followsFile: row.follows_file,
      sealingKeyId: row.sealing_key_id,
      keyIds: row.key_ids,
    }));
  }
}
