import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { masterKeyring, type MasterKeyring } from './master-keys.js';

/**
 * The API's secrets file, `.run/api/secrets.env` under `npm start`: `NAME=value` lines, as
 * scripts/medledger.sh writes and reads them (and shells source them: values are never
 * quoted). The master keys live here, so that `npm run keys:rotate` can change them while
 * the API runs and the API can follow (docs/keys.md).
 */
export class SecretsFile {
  private constructor(
    readonly file: string,
    private readonly lines: string[],
  ) {}

  /** Reads the file; refuses one that others than its owner may read or write (it holds keys). */
  static read(file: string): SecretsFile {
    checkOwnerOnly(file);
    return SecretsFile.parse(file, readFileSync(file, 'utf8'));
  }

  static async readAsync(file: string): Promise<SecretsFile> {
    checkOwnerOnly(file);
    return SecretsFile.parse(file, await readFile(file, 'utf8'));
  }

  static parse(file: string, text: string): SecretsFile {
    return new SecretsFile(
      file,
      text.split('\n').filter((line) => line.trim() !== ''),
    );
  }

  get(name: string): string | undefined {
    const line = this.lines.find((candidate) => nameOf(candidate) === name);
    return line?.slice(name.length + 1);
  }

  /** A copy with `name` set to `value` (in place when present, else appended), or removed when `value` is undefined. */
  with(name: string, value: string | undefined): SecretsFile {
    if (value !== undefined && /[\s'"`$\\]/.test(value)) throw new Error(`${name}: not a value for a secrets file`);
    const lines = this.lines.filter((line) => nameOf(line) !== name || value !== undefined);
    const entry = value === undefined ? undefined : `${name}=${value}`;
    if (entry !== undefined) {
      const at = lines.findIndex((line) => nameOf(line) === name);
      if (at >= 0) lines[at] = entry;
      else lines.push(entry);
    }
    return new SecretsFile(this.file, lines);
  }

  /** The master keyring the file holds (MASTER_KEY and, during a rotation, MASTER_KEY_PREVIOUS). */
  keyring(): MasterKeyring {
    const current = this.get('MASTER_KEY');
    if (current === undefined) throw new Error(`${this.file} holds no MASTER_KEY`);
    return masterKeyring(current, this.get('MASTER_KEY_PREVIOUS'));
  }

  /**
   * Replaces the file atomically: a new file beside it (mode 600, written and flushed to
   * disk) renamed over the old one, then the directory flushed. A reader sees the old file
   * or the new one, never a part; a crash leaves one of the two (and perhaps a stray
   * `.secrets-*` file, which holds no more than they do and is removed on the next write).
   */
  write(): void {
    const directory = path.dirname(this.file);
    for (const stray of readdirSync(directory).filter((name) => STRAY.test(name)))
      rmSync(path.join(directory, stray), { force: true });
    const temporary = path.join(directory, `.secrets-${randomBytes(6).toString('hex')}.tmp`);
    const descriptor = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(descriptor, `${this.lines.join('\n')}\n`);
      fsyncSync(descriptor);
    } catch (error) {
      closeSync(descriptor);
      rmSync(temporary, { force: true });
      throw error;
    }
    closeSync(descriptor);
    renameSync(temporary, this.file);
    const directoryDescriptor = openSync(directory, 'r');
    try {
      fsyncSync(directoryDescriptor);
    } finally {
      closeSync(directoryDescriptor);
    }
  }
}

/** A new file that a crash left behind before it replaced the old one. */
const STRAY = /^\.secrets-[0-9a-f]{12}\.tmp$/;

const nameOf = (line: string) => line.slice(0, Math.max(0, line.indexOf('=')));

/** Throws when the file is missing, not a regular file, or open to its group or to others. */
function checkOwnerOnly(file: string): void {
  const stats = statSync(file);
  if (!stats.isFile()) throw new Error(`${file} is not a file`);
  if ((stats.mode & 0o077) !== 0)
    throw new Error(`${file} is open to other users (mode ${(stats.mode & 0o777).toString(8)}): chmod 600 it`);
}

/** Reads only the master keyring of a secrets file (for the API: at start and while it runs). */
export async function readKeyringFile(file: string): Promise<MasterKeyring> {
  return (await SecretsFile.readAsync(file)).keyring();
}
