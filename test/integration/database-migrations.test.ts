import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../api/src/database/migrations/index.js';
import { ScratchDatabase } from '../support/scratch-database.js';

/** Runs every migration up and back down on a scratch database of the real PostgreSQL server. */
describe('database migrations on the real PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let database: DataSource;

  const tables = async (): Promise<string[]> =>
    (
      await database.query<Array<{ table_name: string }>>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      )
    ).map((row) => row.table_name);

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('migrations');
    database = await scratch.connect();
  });

  afterAll(async () => {
    await database?.destroy();
    await scratch?.drop();
  });

  it('applies every migration, then reverts every one, leaving an empty schema', async () => {
    const applied = await database.runMigrations({ transaction: 'each' });
    expect(applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'ledger_checkpoint',
        'schema_migrations',
        'users',
        'sessions',
        'refresh_tokens',
        'ledger_identities',
        'patient_keys',
        'reports',
        'key_envelopes',
        'upload_sagas',
      ]),
    );
    expect(await database.showMigrations()).toBe(false);

    // One checkpoint per reader of a channel's chaincode events.
    const checkpoint = (reader: string, block: number) =>
      database.query(
        'INSERT INTO ledger_checkpoint (reader, channel, chaincode, block_number) VALUES ($1, $2, $3, $4)',
        [reader, 'ehr', 'medledger', block],
      );
    await checkpoint('projection', 7);
    await expect(checkpoint('projection', 8)).rejects.toThrow(/duplicate key/);
    await expect(checkpoint('notifications', 8)).resolves.toBeDefined();

    for (let remaining = MIGRATIONS.length; remaining > 0; remaining -= 1) {
      await database.undoLastMigration({ transaction: 'each' });
    }
    expect(await tables()).toEqual(['schema_migrations']);
    expect(await database.showMigrations()).toBe(true);
  });
});
