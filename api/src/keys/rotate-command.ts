/**
 * `npm run keys:rotate`: re-wraps every value sealed under the master key under a new one
 * while the API serves, then removes the old key from the secrets file (docs/keys.md).
 *
 * Reads the secrets file MASTER_KEY_FILE (default `.run/api/secrets.env`, as `npm start`
 * writes it) and the API's DATABASE_URL; the new key is MASTER_KEY_NEXT when given (32
 * bytes in base64), else a random one. KEY_ROTATION_BATCH_SIZE (500) values per
 * transaction, KEY_ROTATION_PAUSE_MS (0) between two batches, KEY_ROTATION_WAIT_SECONDS (60):
 * how long to wait for the running APIs to take the new keys.
 *
 * Exit status: 0 rotated; 1 refused (another rotation runs, an API cannot follow the file,
 * the APIs did not take the keys in time, a value under a key the file lacks): nothing is
 * lost, and a run after an interrupted one resumes it; 3 failed (configuration, database).
 * Prints key ids and counts, never a key.
 */
import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { errorSummary } from '../common/loggable-error.js';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config.js';
import { MasterKeyHoldersRepository } from '../crypto/master-key-holders.repository.js';
import { MasterKeyError } from '../crypto/master-keys.js';
import { KEYRING_FILE_POLL_MS } from '../crypto/master-keyring-follower.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { MasterKeyRotation, type RotationResult, RotationRefusedError } from './master-key-rotation.js';
import { MasterKeyRotationRepository } from './master-key-rotation.repository.js';

const EXIT = { rotated: 0, refused: 1, failed: 3 } as const;

const PROJECT_DIR = path.resolve(import.meta.dirname, '..', '..', '..');
const RUN_DIR = process.env.MEDLEDGER_RUN_DIR ?? path.join(PROJECT_DIR, '.run');
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/** The API's configuration as the command reads it (its master keys from the secrets file), and the command's own. */
export class RotateKeysConfig extends AppConfig {
  @IsString() @IsNotEmpty() override MASTER_KEY_FILE = path.join(RUN_DIR, 'api', 'secrets.env');

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000) KEY_ROTATION_BATCH_SIZE = 500;

  @Transform(toInt) @IsInt() @Min(0) @Max(60_000) KEY_ROTATION_PAUSE_MS = 0;

  @Transform(toInt) @IsInt() @Min(5) @Max(3600) KEY_ROTATION_WAIT_SECONDS = 60;
}
// The command signs no token: the API's JWT secret may be absent.
IsOptional()(RotateKeysConfig.prototype, 'JWT_SECRET');

async function main(): Promise<number> {
  // The new key leaves the environment at once: nothing this process starts inherits it.
  const nextKey = process.env.MASTER_KEY_NEXT || undefined;
  delete process.env.MASTER_KEY_NEXT;
  let config: RotateKeysConfig;
  try {
    config = loadConfig(process.env, RotateKeysConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT.failed;
  }
  const dataSource = await new DataSource(dataSourceOptions(config.DATABASE_URL)).initialize();
  try {
    if (await dataSource.showMigrations()) {
      console.error('the database has migrations the API has not run yet: start the API (npm start) first');
      return EXIT.failed;
    }
    const rotation = new MasterKeyRotation(
      new MasterKeyHoldersRepository(dataSource),
      new MasterKeyRotationRepository(dataSource),
      config.MASTER_KEY_FILE,
    );
    const result = await rotation.run({
      nextKey,
      batchSize: config.KEY_ROTATION_BATCH_SIZE,
      pauseMs: config.KEY_ROTATION_PAUSE_MS,
      waitMs: config.KEY_ROTATION_WAIT_SECONDS * 1000,
      // A request that sealed under the old key just before its API switched stores it within this.
      settleMs: KEYRING_FILE_POLL_MS,
      progress: (line) => console.error(line),
    });
    for (const line of summary(result, config.MASTER_KEY_FILE)) console.log(line);
    return EXIT.rotated;
  } catch (error) {
    if (error instanceof RotationRefusedError || error instanceof MasterKeyError) {
      console.error(`key rotation refused: ${error.message}`);
      return EXIT.refused;
    }
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

function summary(result: RotationResult, file: string): string[] {
  return [
    `master key rotated${result.resumed ? ' (an interrupted rotation, finished)' : ''}: ${result.from} -> ${result.to}`,
    ...result.rewrapped.map(({ label, count }) => `  ${label}: ${count} re-wrapped`),
    `  ${file} holds ${result.to} alone; nothing in the database is sealed under ${result.from}, which is retired`,
    ...result.lingering.map(
      (holder) =>
        `  the API process ${holder.pid} on ${holder.host} still holds ${result.from}: it drops it within seconds`,
    ),
  ];
}

function exit(status: number): void {
  process.exitCode = status;
  // Everything is closed; should a connection still hold the event loop, do not hang.
  setTimeout(() => process.exit(status), 5000).unref();
}

main().then(exit, (error: unknown) => {
  console.error(`key rotation failed: ${errorSummary(error)}`);
  exit(EXIT.failed);
});
