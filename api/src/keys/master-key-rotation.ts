import { LocalKeyService } from '../crypto/local-key-service.js';
import { type MasterKeyHolder, MasterKeyHoldersRepository } from '../crypto/master-key-holders.repository.js';
import { generateMasterKey, keyringIds, type MasterKeyring, parseMasterKey } from '../crypto/master-keys.js';
import { SecretsFile } from '../crypto/secrets-file.js';
import { MasterKeyRotationRepository } from './master-key-rotation.repository.js';
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns.js';

/** The rotation cannot start or go on safely now; nothing is lost, and running it again resumes it. */
export class RotationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationRefusedError';
  }
}

export interface RotationOptions {
  /** The new master key (base64); a random one when not given. Never logged. */
  nextKey?: string;
  /** Values re-wrapped per transaction. */
  batchSize: number;
  /** A pause between two batches (to spare a busy database). */
  pauseMs: number;
  /** How long to wait for every running API to take the new keys. */
  waitMs: number;
  /** How long requests that sealed under the old key just before the APIs switched may take to store it. */
  settleMs: number;
  /** Progress lines (key ids and counts, never a key). */
  progress: (line: string) => void;
}

export interface RotationResult {
  /** The id of the replaced master key, and of the new one. */
  from: string;
  to: string;
  /** Whether this run finished a rotation that an earlier run began. */
  resumed: boolean;
  /** Values re-wrapped by this run, per sealed column (its label). */
  rewrapped: Array<{ label: string; count: number }>;
  /** API processes that had not yet forgotten the old key when the command ended (they do within seconds). */
  lingering: MasterKeyHolder[];
}

/** A rotation holds this PostgreSQL advisory lock: one at a time per database. */
const LOCK = 'medledger:master-key-rotation';

/**
 * Re-wraps every value sealed under the master key (SEALED_COLUMNS) under a new one while
 * the API serves, then drops the old key (docs/keys.md). The secrets file is the one source
 * of the keys and of the rotation's state:
 *
 * 1. Checks that everything sealed opens with the file's key and that every running API
 *    (`master_key_holders`) follows the file.
 * 2. Writes the file with the new key as MASTER_KEY and the old one as MASTER_KEY_PREVIOUS
 *    (atomic, mode 600). Every API reads it within seconds: from then on it opens values
 *    under either key and seals under the new one.
 * 3. Waits until every running API reports that it holds both keys and seals under the new
 *    one, lets requests that sealed just before finish, and retires the old key in the
 *    database: a trigger refuses any value stored under it from now on.
 * 4. Re-wraps the values still under the old key, in batches, one transaction each (rows
 *    locked, each value opened and sealed again in its own context), until none is left.
 * 5. Writes the file without MASTER_KEY_PREVIOUS; the APIs forget the old key within seconds.
 *
 * A crash at any point leaves the file and the database consistent: the file holds
 * MASTER_KEY_PREVIOUS until the end, so a second run resumes with the same new key and
 * skips the values already under it.
 */
export class MasterKeyRotation {
  constructor(
    private readonly holders: MasterKeyHoldersRepository,
    private readonly rotation: MasterKeyRotationRepository,
    /** The API's secrets file (MASTER_KEY_FILE). */
    private readonly secretsFile: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async run(options: RotationOptions): Promise<RotationResult> {
    const unlock = await this.rotation.lock(LOCK);
    if (!unlock) throw new RotationRefusedError('another key rotation is running on this database');
    try {
      return await this.rotate(options);
    } finally {
      await unlock();
    }
  }

  private async rotate(options: RotationOptions): Promise<RotationResult> {
    const { progress } = options;
    let file = SecretsFile.read(this.secretsFile);
    let ring = file.keyring();
    const resumed = ring.previous !== undefined;
    if (resumed) {
      if (options.nextKey !== undefined && parseMasterKey(options.nextKey, 'MASTER_KEY_NEXT').id !== ring.current.id)
        throw new RotationRefusedError(
          `a rotation to ${ring.current.id} is unfinished: run the command without MASTER_KEY_NEXT to finish it first`,
        );
      progress(`resuming the rotation from ${ring.previous!.id} to ${ring.current.id}`);
      await this.checkEverythingOpens(ring);
    } else {
      const next = parseMasterKey(options.nextKey ?? generateMasterKey(), 'MASTER_KEY_NEXT');
      if (next.id === ring.current.id) throw new RotationRefusedError('MASTER_KEY_NEXT is the current master key');
      if (await this.rotation.isRetired(next.id))
        throw new RotationRefusedError(`MASTER_KEY_NEXT is a retired master key (${next.id}): take a new one`);
      await this.checkEverythingOpens(ring);
      await this.awaitHolders(
        (holder) => holder.sealingKeyId === ring.current.id,
        options.waitMs,
        `seal under the secrets file's master key ${ring.current.id}`,
      );
      file = file
        .with('MASTER_KEY', next.secret.toString('base64'))
        .with('MASTER_KEY_PREVIOUS', file.get('MASTER_KEY'));
      file.write();
      ring = file.keyring();
      progress(`${this.secretsFile}: sealing under ${ring.current.id} now, ${ring.previous!.id} kept as previous`);
    }
    const from = ring.previous!.id;
    const to = ring.current.id;

    await this.awaitHolders(
      (holder) => holder.sealingKeyId === to && holder.keyIds.includes(from),
      options.waitMs,
      `open values under ${from} and ${to} and seal under ${to}`,
    );
    await this.sleep(options.settleMs);
    await this.rotation.retire(from);
    progress(`${from} retired: nothing can be stored under it any more`);

    const rewrapped = await this.rewrapAll(ring, options);

    file = file.with('MASTER_KEY_PREVIOUS', undefined);
    file.write();
    progress(`${this.secretsFile}: ${from} removed`);
    const lingering = await this.awaitHolders(
      (holder) => holder.keyIds.length === 1 && holder.keyIds[0] === to,
      options.waitMs,
      `forget ${from}`,
      false,
    );
    return { from, to, resumed, rewrapped, lingering };
  }

  /** Refuses when a value is sealed under a key that the file does not hold: the rotation could not open it. */
  private async checkEverythingOpens(ring: MasterKeyring): Promise<void> {
    const held = keyringIds(ring);
    for (const column of SEALED_COLUMNS) {
      const foreign = await this.rotation.countOutside(column, held);
      if (foreign.length > 0)
        throw new RotationRefusedError(
          `${column.table} holds values sealed under ${foreign.map(({ keyId, count }) => `${keyId} (${count})`).join(', ')}, ` +
            `which ${this.secretsFile} does not hold (${held.join(', ')}): the API that sealed them uses another master key`,
        );
    }
  }

  /**
   * Waits until every running API process satisfies `ready`; refuses at once when one of
   * them does not follow a secrets file (it could never take the new key). With `refuse`
   * false, returns the processes still not ready when the time is up instead of refusing.
   */
  private async awaitHolders(
    ready: (holder: MasterKeyHolder) => boolean,
    waitMs: number,
    what: string,
    refuse = true,
  ): Promise<MasterKeyHolder[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const live = await this.holders.live();
      const fixed = live.filter((holder) => !holder.followsFile);
      if (refuse && fixed.length > 0)
        throw new RotationRefusedError(
          `${describe(fixed)} ${fixed.length === 1 ? 'holds its' : 'hold their'} master key from the environment, ` +
            'not from a secrets file (MASTER_KEY_FILE), and could not take a new one: restart it with MASTER_KEY_FILE first',
        );
      const waiting = live.filter((holder) => !ready(holder));
      if (waiting.length === 0) return [];
      if (Date.now() >= deadline) {
        if (!refuse) return waiting;
        throw new RotationRefusedError(
          `${describe(waiting)} did not ${what} within ${Math.round(waitMs / 1000)} s; ` +
            'nothing is lost: run the command again to go on',
        );
      }
      await this.sleep(500);
    }
  }

  private async rewrapAll(ring: MasterKeyring, options: RotationOptions): Promise<RotationResult['rewrapped']> {
    const keys = new LocalKeyService(ring);
    const counts = new Map(SEALED_COLUMNS.map((column) => [column.label, 0]));
    // Nothing new can arrive under the retired key, so one pass leaves nothing behind; the
    // count after it checks that, and a second pass would take what a row lock hid.
    for (let pass = 1; ; pass += 1) {
      for (const column of SEALED_COLUMNS) {
        const count = await this.rewrapColumn(column, keys, options);
        counts.set(column.label, counts.get(column.label)! + count);
      }
      const left = (
        await Promise.all(SEALED_COLUMNS.map((column) => this.rotation.countOutside(column, [ring.current.id])))
      )
        .flat()
        .reduce((sum, { count }) => sum + count, 0);
      if (left === 0) break;
      if (pass >= 3) throw new Error(`${left} values are still sealed under other keys after ${pass} passes`);
    }
    return [...counts].map(([label, count]) => ({ label, count }));
  }

  private async rewrapColumn(column: SealedColumn, keys: LocalKeyService, options: RotationOptions): Promise<number> {
    let after: string | undefined;
    let total = 0;
    for (;;) {
      const batch = await this.rotation.rewrapBatch(column, after, options.batchSize, keys.keyId, async (row) => {
        try {
          return (await keys.reseal({ keyId: row.keyId, data: row.sealed }, column.context(row.id))).data;
        } catch (error) {
          throw new Error(`${column.table} ${row.id}: ${(error as Error).message}`, { cause: error });
        }
      });
      total += batch.rewrapped;
      if (batch.rewrapped > 0) options.progress(`${column.label}: ${total} re-wrapped`);
      if (batch.last === undefined) return total;
      after = batch.last;
      if (options.pauseMs > 0) await this.sleep(options.pauseMs);
    }
  }
}

const describe = (holders: MasterKeyHolder[]) =>
  holders.map((holder) => `the API process ${holder.pid} on ${holder.host}`).join(', ');
