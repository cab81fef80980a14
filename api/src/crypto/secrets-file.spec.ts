import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { masterKeyId } from './master-keys.js';
import { readKeyringFile, SecretsFile } from './secrets-file.js';

describe('SecretsFile', () => {
  let dir: string;
  let file: string;
  const [current, previous] = [randomBytes(32), randomBytes(32)];
  const lines = [
    'JWT_SECRET=jwt-secret-of-48-characters-xxxxxxxxxxxxxxxxxxxxx',
    `MASTER_KEY=${current.toString('base64')}`,
    'BOOTSTRAP_ADMINS=hospital-a:admin@a.test:pw-1,hospital-b:admin@b.test:pw-2',
  ];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    file = path.join(dir, 'secrets.env');
    writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the lines that scripts/medledger.sh writes, and the master keyring', async () => {
    const secrets = SecretsFile.read(file);
    expect(secrets.get('BOOTSTRAP_ADMINS')).toBe('hospital-a:admin@a.test:pw-1,hospital-b:admin@b.test:pw-2');
    expect(secrets.get('MASTER_KEY_PREVIOUS')).toBeUndefined();
    expect(secrets.keyring().current.id).toBe(masterKeyId(current));
    expect((await readKeyringFile(file)).previous).toBeUndefined();
  });

  it('replaces the file atomically with mode 600, keeping every other line as it was', async () => {
    chmodSync(file, 0o600);
    SecretsFile.read(file)
      .with('MASTER_KEY', previous.toString('base64'))
      .with('MASTER_KEY_PREVIOUS', current.toString('base64'))
      .write();

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(
      `${[lines[0], `MASTER_KEY=${previous.toString('base64')}`, lines[2], `MASTER_KEY_PREVIOUS=${current.toString('base64')}`].join('\n')}\n`,
    );
    const ring = await readKeyringFile(file);
    expect([ring.current.id, ring.previous?.id]).toEqual([masterKeyId(previous), masterKeyId(current)]);

    SecretsFile.read(file).with('MASTER_KEY_PREVIOUS', undefined).write();
    expect(readFileSync(file, 'utf8')).toBe(
      `${[lines[0], `MASTER_KEY=${previous.toString('base64')}`, lines[2]].join('\n')}\n`,
    );
    expect(readdirSync(dir)).toEqual(['secrets.env']);
  });

  it('removes a new file that a crash left behind before it was renamed', () => {
    writeFileSync(path.join(dir, '.secrets-0123456789ab.tmp'), 'MASTER_KEY=…', { mode: 0o600 });
    SecretsFile.read(file).write();
    expect(readdirSync(dir)).toEqual(['secrets.env']);
  });

  it('refuses a file that its group or others may read, a missing file, and one without MASTER_KEY', async () => {
    chmodSync(file, 0o640);
    expect(() => SecretsFile.read(file)).toThrow(/open to other users \(mode 640\): chmod 600 it/);
    await expect(readKeyringFile(file)).rejects.toThrow(/chmod 600/);
    expect(() => SecretsFile.read(path.join(dir, 'absent.env'))).toThrow(/ENOENT/);
    writeFileSync(path.join(dir, 'empty.env'), 'JWT_SECRET=x\n', { mode: 0o600 });
    expect(() => SecretsFile.read(path.join(dir, 'empty.env')).keyring()).toThrow(/holds no MASTER_KEY/);
  });

  it('refuses a value that a shell would read differently', () => {
    expect(() => SecretsFile.read(file).with('MASTER_KEY', 'a b')).toThrow(/not a value/);
  });
});
