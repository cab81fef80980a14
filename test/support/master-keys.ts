import 'reflect-metadata';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { SealedSecretError } from '../../api/src/crypto/key-service.port.js';
import { LocalKeyService } from '../../api/src/crypto/local-key-service.js';
import { masterKeyring } from '../../api/src/crypto/master-keys.js';
import { SEALED_COLUMNS } from '../../api/src/keys/sealed-columns.js';
import { PROJECT_DIR } from './network-profile.js';

const run = promisify(execFile);

/** A secrets file of its own (mode 600 in a directory of mode 700), as `npm start` writes one. */
export class ScratchSecrets {
  readonly file: string;
  private constructor(private readonly dir: string) {
    this.file = path.join(dir, 'secrets.env');
  }

  static create(masterKey: string): ScratchSecrets {
    const secrets = new ScratchSecrets(mkdtempSync(path.join(tmpdir(), 'medledger-keys-')));
    writeFileSync(secrets.file, `JWT_SECRET=${process.env.JWT_SECRET ?? 'j'.repeat(48)}\nMASTER_KEY=${masterKey}\n`, {
      mode: 0o600,
    });
    return secrets;
  }

  get(name: string): string | undefined {
    const line = readFileSync(this.file, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${name}=`));
    return line?.slice(name.length + 1);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CommandRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The environment of `npm run keys:rotate` against a scratch database and secrets file. */
function commandEnv(databaseUrl: string, secretsFile: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    MASTER_KEY_FILE: secretsFile,
    NODE_OPTIONS: '',
    ...extra,
  };
  // The command reads its keys from the file alone; make sure the test run's own are not around.
  delete env.MASTER_KEY;
  delete env.MASTER_KEY_PREVIOUS;
  return env;
}

/** Runs `npm run keys:rotate` to its end. */
export async function rotateKeys(
  databaseUrl: string,
  secretsFile: string,
  extra: Record<string, string> = {},
): Promise<CommandRun> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'keys:rotate'], {
      cwd: PROJECT_DIR,
      env: commandEnv(databaseUrl, secretsFile, extra),
      timeout: 300_000,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Starts `npm run keys:rotate` (its own process group, so that a test can kill it as a crash would); output collected. */
export function startRotateKeys(
  databaseUrl: string,
  secretsFile: string,
  extra: Record<string, string> = {},
): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn('npm', ['run', '--silent', 'keys:rotate'], {
    cwd: PROJECT_DIR,
    env: commandEnv(databaseUrl, secretsFile, extra),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, done };
}

/**
 * Every bytea value of the database, from a `pg_dump` of it (its COPY lines write bytea as
 * `\\x<hex>`); from a query of every bytea column when no pg_dump of the server's version
 * is installed.
 */
export async function byteaValuesOfDump(database: DataSource, databaseUrl: string): Promise<Buffer[]> {
  const pgDump = await pgDumpFor(database);
  if (pgDump) {
    const { stdout } = await run(pgDump, ['--data-only', '--no-owner', '--dbname', databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return [...stdout.matchAll(/\\\\x([0-9a-f]+)/g)].map((match) => Buffer.from(match[1]!, 'hex'));
  }
  const columns = await database.query<Array<{ table_name: string; column_name: string }>>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type = 'bytea'`,
  );
  const values: Buffer[] = [];
  for (const { table_name, column_name } of columns) {
    const rows = await database.query<Array<{ value: Buffer | null }>>(
      `SELECT "${column_name}" AS value FROM "${table_name}"`,
    );
    for (const row of rows) if (row.value) values.push(row.value);
  }
  return values;
}

async function pgDumpFor(database: DataSource): Promise<string | undefined> {
  const [{ server_version_num }] =
    await database.query<Array<{ server_version_num: string }>>('SHOW server_version_num');
  const major = Math.floor(Number(server_version_num) / 10000);
  const candidate = `/usr/lib/postgresql/${major}/bin/pg_dump`;
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * How many of `values` `masterKey` (base64) opens, each tried in every context the API seals
 * in (SEALED_COLUMNS), for every user of the database: a user's private key, a patient's
 * key-encryption key, a user's TOTP secret.
 * The key's own id is claimed, so that the cipher decides, not the stored id.
 */
export async function openedByKey(database: DataSource, values: Buffer[], masterKey: string): Promise<number> {
  const keys = new LocalKeyService(masterKeyring(masterKey));
  const users = (await database.query<Array<{ id: string }>>('SELECT id FROM users')).map((row) => row.id);
  const contexts = users.flatMap((id) => SEALED_COLUMNS.map((column) => column.context(id)));
  let opened = 0;
  for (const data of values) {
    for (const context of contexts) {
      const ok = await keys.open({ keyId: keys.keyId, data }, context).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof SealedSecretError)) throw error;
          return false;
        },
      );
      if (ok) {
        opened += 1;
        break;
      }
    }
  }
  return opened;
}
