import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SealedSecretError } from '../crypto/key-service.port.js';
import { LocalKeyService } from '../crypto/local-key-service.js';
import type { MasterKeyHolder, MasterKeyHoldersRepository } from '../crypto/master-key-holders.repository.js';
import { masterKeyId, masterKeyring } from '../crypto/master-keys.js';
import { SecretsFile } from '../crypto/secrets-file.js';
import { MasterKeyRotation, type RotationOptions, RotationRefusedError } from './master-key-rotation.js';
import type { MasterKeyRotationRepository, SealedRow } from './master-key-rotation.repository.js';
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns.js';

/** The sealed tables in memory, with what the real repository does to them (the SQL is tested in test/integration). */
class FakeRotationRepository {
  readonly tables = new Map<string, Map<string, { keyId: string; sealed: Buffer }>>(
    SEALED_COLUMNS.map((column) => [column.table, new Map()]),
  );
  readonly retired = new Set<string>();
  locked = false;

  constructor(private readonly events: string[]) {}

  async lock() {
    if (this.locked) return undefined;
    this.locked = true;
    return async () => {
      this.locked = false;
    };
  }

  async isRetired(keyId: string) {
    return this.retired.has(keyId);
  }

  async retire(keyId: string) {
    this.events.push(`retire ${keyId}`);
    this.retired.add(keyId);
  }

  async countOutside(column: SealedColumn, keyIds: string[]) {
    const counts = new Map<string, number>();
    for (const row of this.tables.get(column.table)!.values())
      if (!keyIds.includes(row.keyId)) counts.set(row.keyId, (counts.get(row.keyId) ?? 0) + 1);
    return [...counts].map(([keyId, count]) => ({ keyId, count }));
  }

  async rewrapBatch(
    column: SealedColumn,
    after: string | undefined,
    limit: number,
    keyId: string,
    reseal: (row: SealedRow) => Promise<Buffer>,
  ) {
    const rows = [...this.tables.get(column.table)!]
      .filter(([id, row]) => row.keyId !== keyId && (after === undefined || id > after))
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, limit);
    if (rows.length === 0) return { rewrapped: 0 };
    const values: Buffer[] = [];
    for (const [id, row] of rows) values.push(await reseal({ id, keyId: row.keyId, sealed: row.sealed }));
    rows.forEach(([id], index) => this.tables.get(column.table)!.set(id, { keyId, sealed: values[index]! }));
    this.events.push(`batch ${column.table} ${rows.length}`);
    return { rewrapped: rows.length, last: rows[rows.length - 1]![0] };
  }
}

/** The API processes on the database: each takes the file's keys when `follow` is called (as they do every 2 s). */
class FakeHolders {
  readonly processes: Array<MasterKeyHolder & { file?: string; stuck?: boolean }> = [];

  async live() {
    return this.processes.map((holder) => ({ ...holder }));
  }

  add(file: string | undefined, ring: ReturnType<typeof masterKeyring>, stuck = false) {
    const ids = ring.previous ? [ring.current.id, ring.previous.id] : [ring.current.id];
    this.processes.push({
      instanceId: randomUUID(),
      host: 'node-1',
      pid: 1000 + this.processes.length,
      followsFile: file !== undefined,
      sealingKeyId: ring.current.id,
      keyIds: ids,
      file,
      stuck,
    });
  }

  follow() {
    for (const holder of this.processes) {
      if (!holder.file || holder.stuck) continue;
      const ring = SecretsFile.read(holder.file).keyring();
      holder.sealingKeyId = ring.current.id;
      holder.keyIds = ring.previous ? [ring.current.id, ring.previous.id] : [ring.current.id];
    }
  }
}

describe('MasterKeyRotation', () => {
  const oldKey = randomBytes(32).toString('base64');
  const oldId = masterKeyId(Buffer.from(oldKey, 'base64'));
  let dir: string;
  let file: string;
  let events: string[];
  let repository: FakeRotationRepository;
  let holders: FakeHolders;
  let rotation: MasterKeyRotation;
  const options = (extra: Partial<RotationOptions> = {}): RotationOptions => ({
    batchSize: 2,
    pauseMs: 0,
    waitMs: 5000,
    settleMs: 10,
    progress: (line) => events.push(`progress ${line}`),
    ...extra,
  });

  const fileLines = () => readFileSync(file, 'utf8').trim().split('\n');
  const fileState = () => {
    const ring = SecretsFile.read(file).keyring();
    return { current: ring.current.id, previous: ring.previous?.id };
  };

  /** Seals `count` values per sealed column under `key`, as the API would. */
  async function seed(key: string, count: number): Promise<void> {
    const keys = new LocalKeyService(masterKeyring(key));
    for (const column of SEALED_COLUMNS)
      for (let index = 0; index < count; index += 1) {
        const id = randomUUID();
        const sealed = await keys.seal(Buffer.from(`secret of ${id}`), column.context(id));
        repository.tables.get(column.table)!.set(id, { keyId: sealed.keyId, sealed: sealed.data });
      }
  }

  /** Every stored value, opened with `key` alone in its own context; the ones it opens. */
  async function openedBy(key: string): Promise<number> {
    const keys = new LocalKeyService(masterKeyring(key));
    let opened = 0;
    for (const column of SEALED_COLUMNS)
      for (const [id, row] of repository.tables.get(column.table)!) {
        // Claim the key's own id, so that the AEAD decides, not the id.
        const result = await keys.open({ keyId: keys.keyId, data: row.sealed }, column.context(id)).then(
          (plaintext) => plaintext.toString() === `secret of ${id}`,
          (error: unknown) => {
            expect(error).toBeInstanceOf(SealedSecretError);
            return false;
          },
        );
        if (result) opened += 1;
      }
    return opened;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rotation-'));
    file = path.join(dir, 'secrets.env');
    writeFileSync(
      file,
      `JWT_SECRET=${'j'.repeat(48)}\nMASTER_KEY=${oldKey}\nBOOTSTRAP_ADMINS=hospital-a:a@a.test:pw\n`,
      {
        mode: 0o600,
      },
    );
    events = [];
    repository = new FakeRotationRepository(events);
    holders = new FakeHolders();
    // The APIs read the file again whenever the command waits for them.
    const sleep = async () => {
      holders.follow();
    };
    rotation = new MasterKeyRotation(
      holders as unknown as MasterKeyHoldersRepository,
      repository as unknown as MasterKeyRotationRepository,
      file,
      sleep,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('re-wraps every sealed value under a new key; afterwards the old key opens none and the file holds the new one alone', async () => {
    await seed(oldKey, 5);
    holders.add(file, masterKeyring(oldKey));
    holders.add(file, masterKeyring(oldKey));

    const result = await rotation.run(options());

    expect(result).toMatchObject({ from: oldId, resumed: false, lingering: [] });
    expect(result.rewrapped).toEqual(SEALED_COLUMNS.map(({ label }) => ({ label, count: 5 })));
    expect(result.to).not.toBe(oldId);
    expect(fileState()).toEqual({ current: result.to, previous: undefined });
    const lines = fileLines();
    expect(lines[0]).toBe(`JWT_SECRET=${'j'.repeat(48)}`);
    expect(lines[2]).toBe('BOOTSTRAP_ADMINS=hospital-a:a@a.test:pw');
    for (const table of repository.tables.values()) for (const row of table.values()) expect(row.keyId).toBe(result.to);
    expect(await openedBy(oldKey)).toBe(0);
    expect(await openedBy(SecretsFile.read(file).get('MASTER_KEY')!)).toBe(5 * SEALED_COLUMNS.length);
    expect(repository.retired).toEqual(new Set([oldId]));
    // Batches of two, in separate transactions; the old key retired before the first of them.
    expect(events.filter((event) => event.startsWith('batch'))).toHaveLength(3 * SEALED_COLUMNS.length);
    expect(events.findIndex((event) => event.startsWith('retire'))).toBeLessThan(
      events.findIndex((event) => event.startsWith('batch')),
    );
    expect(events.join('\n')).not.toContain(oldKey);
    expect(events.join('\n')).not.toContain(SecretsFile.read(file).get('MASTER_KEY'));
  });

  it('takes the new key from MASTER_KEY_NEXT, and refuses the current one or a retired one', async () => {
    const next = randomBytes(32).toString('base64');
    await seed(oldKey, 1);
    const result = await rotation.run(options({ nextKey: next }));
    expect(result.to).toBe(masterKeyId(Buffer.from(next, 'base64')));
    expect(SecretsFile.read(file).get('MASTER_KEY')).toBe(next);

    await expect(rotation.run(options({ nextKey: next }))).rejects.toThrow('MASTER_KEY_NEXT is the current master key');
    await expect(rotation.run(options({ nextKey: oldKey }))).rejects.toThrow(/MASTER_KEY_NEXT is a retired master key/);
    expect(SecretsFile.read(file).get('MASTER_KEY')).toBe(next);
  });

  it('resumes an interrupted rotation with its new key, skipping the values already under it', async () => {
    const next = randomBytes(32).toString('base64');
    await seed(oldKey, 3);
    const nextKeys = new LocalKeyService(masterKeyring(next, oldKey));
    // An earlier run wrote the file and re-wrapped one identity, then died.
    SecretsFile.read(file).with('MASTER_KEY', next).with('MASTER_KEY_PREVIOUS', oldKey).write();
    const identities = repository.tables.get('ledger_identities')!;
    const [firstId, first] = [...identities][0]!;
    const resealed = await nextKeys.reseal({ keyId: first.keyId, data: first.sealed }, `ledger-identity:${firstId}`);
    identities.set(firstId, { keyId: resealed.keyId, sealed: resealed.data });
    holders.add(file, masterKeyring(next, oldKey));

    await expect(rotation.run(options({ nextKey: randomBytes(32).toString('base64') }))).rejects.toThrow(
      /a rotation to local:\w+ is unfinished: run the command without MASTER_KEY_NEXT/,
    );
    const result = await rotation.run(options());

    expect(result).toMatchObject({ from: oldId, to: nextKeys.keyId, resumed: true });
    expect(result.rewrapped).toEqual([
      { label: SEALED_COLUMNS[0]!.label, count: 2 },
      ...SEALED_COLUMNS.slice(1).map(({ label }) => ({ label, count: 3 })),
    ]);
    expect(fileState()).toEqual({ current: nextKeys.keyId, previous: undefined });
    expect(await openedBy(oldKey)).toBe(0);
    expect(await openedBy(next)).toBe(3 * SEALED_COLUMNS.length);
  });

  it('refuses before changing anything when an API holds its key from the environment', async () => {
    await seed(oldKey, 1);
    holders.add(file, masterKeyring(oldKey));
    holders.add(undefined, masterKeyring(oldKey));

    await expect(rotation.run(options())).rejects.toThrow(
      /the API process 1001 on node-1 holds its master key from the environment, not from a secrets file/,
    );
    expect(fileState()).toEqual({ current: oldId, previous: undefined });
    expect(repository.retired.size).toBe(0);
  });

  it('refuses before changing anything when a value is sealed under a key the file does not hold', async () => {
    await seed(oldKey, 1);
    await seed(randomBytes(32).toString('base64'), 1);

    await expect(rotation.run(options())).rejects.toThrow(
      /ledger_identities holds values sealed under local:\w+ \(1\), which .* does not hold/,
    );
    expect(fileState()).toEqual({ current: oldId, previous: undefined });
  });

  it('stops, resumable, when an API does not take the new key in time: nothing retired, nothing re-wrapped', async () => {
    await seed(oldKey, 2);
    holders.add(file, masterKeyring(oldKey));
    holders.add(file, masterKeyring(oldKey), true);

    await expect(rotation.run(options({ waitMs: 0 }))).rejects.toBeInstanceOf(RotationRefusedError);
    const state = fileState();
    expect(state.previous).toBe(oldId);
    expect(repository.retired.size).toBe(0);
    expect(events.some((event) => event.startsWith('batch'))).toBe(false);
    // Every API can still open everything: all of it is under the old key, which the file still holds.
    expect(await openedBy(oldKey)).toBe(2 * SEALED_COLUMNS.length);

    holders.processes[1]!.stuck = false;
    const result = await rotation.run(options());
    expect(result).toMatchObject({ resumed: true, to: state.current });
    expect(await openedBy(oldKey)).toBe(0);
  });

  it('refuses while another rotation holds the lock', async () => {
    repository.locked = true;
    await expect(rotation.run(options())).rejects.toThrow('another key rotation is running on this database');
  });
});
