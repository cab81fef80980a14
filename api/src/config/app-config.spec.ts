import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

/** The variables that have no default: secrets. */
const SECRETS = { JWT_SECRET: 'x'.repeat(48), MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('loadConfig', () => {
  it('accepts an environment with only the secrets, using the development defaults', () => {
    const config = loadConfig({ ...SECRETS });
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', CONTENT_STORE: 'kubo', CORS_ORIGINS: [] });
  });

  it('converts numbers and lists from their text form', () => {
    const config = loadConfig({ ...SECRETS, PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.PORT).toBe(8080);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('links e-mail to the portal this API serves unless PORTAL_URL says where; checks the links’ lifetimes', () => {
    expect(loadConfig({ ...SECRETS, PORT: '8080' }).PORTAL_URL).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ ...SECRETS, PORTAL_URL: 'https://portal.example/' }).PORTAL_URL).toBe(
      'https://portal.example/',
    );
    expect(loadConfig({ ...SECRETS })).toMatchObject({
      ACTIVATION_LINK_TTL_SECONDS: 72 * 3600,
      PASSWORD_RESET_LINK_TTL_SECONDS: 3600,
    });
    expect(() => loadConfig({ ...SECRETS, PORTAL_URL: 'portal' })).toThrow(/PORTAL_URL="portal"/);
    expect(() => loadConfig({ ...SECRETS, ACTIVATION_LINK_TTL_SECONDS: '5' })).toThrow(/ACTIVATION_LINK_TTL_SECONDS/);
  });

  it('gives absolute links (the FHIR facade’s) at this API unless API_PUBLIC_URL says where clients reach it', () => {
    expect(loadConfig({ ...SECRETS, PORT: '8080' }).API_PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ ...SECRETS, API_PUBLIC_URL: 'https://ehr.example' }).API_PUBLIC_URL).toBe(
      'https://ehr.example',
    );
    expect(() => loadConfig({ ...SECRETS, API_PUBLIC_URL: 'ehr' })).toThrow(/API_PUBLIC_URL="ehr"/);
  });

  it('lists every problem at once, naming each variable and its value', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', CONTENT_STORE: 'dropbox', DATABASE_URL: 'mysql://db/x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="eighty"/);
    expect(problems).toMatch(/CONTENT_STORE="dropbox"/);
    expect(problems).toMatch(/DATABASE_URL="mysql:\/\/db\/x"/);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ ...SECRETS, HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it('requires the secrets, and a master key of exactly 32 bytes', () => {
    expect(() => loadConfig({})).toThrow(/JWT_SECRET[\s\S]*MASTER_KEY|MASTER_KEY[\s\S]*JWT_SECRET/);
    expect(() => loadConfig({ ...SECRETS, MASTER_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/MASTER_KEY/);
  });

  describe('WEB_DIST_DIR', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("defaults to the project's web/dist", () => {
      expect(loadConfig({ ...SECRETS }).WEB_DIST_DIR).toMatch(/[/\\]web[/\\]dist$/);
    });

    it('takes a relative path from the working directory', () => {
      const relative = path.relative(process.cwd(), dir);
      expect(loadConfig({ ...SECRETS, WEB_DIST_DIR: relative }).WEB_DIST_DIR).toBe(dir);
    });

    it('accepts a directory that does not exist yet (the portal is not built), but not a file', () => {
      expect(loadConfig({ ...SECRETS, WEB_DIST_DIR: path.join(dir, 'later') }).WEB_DIST_DIR).toBe(
        path.join(dir, 'later'),
      );
      expect(() => loadConfig({ ...SECRETS, WEB_DIST_DIR: path.join(dir, 'index.html') })).toThrow(
        /WEB_DIST_DIR=".*index\.html": WEB_DIST_DIR must be a directory/,
      );
      expect(() => loadConfig({ ...SECRETS, WEB_DIST_DIR: '' })).toThrow(/WEB_DIST_DIR/);
    });
  });

  describe('master keys (docs/keys.md)', () => {
    const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'master-keys-'));
      file = path.join(dir, 'secrets.env');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('takes MASTER_KEY_PREVIOUS during a rotation, when it differs from MASTER_KEY', () => {
      expect(loadConfig({ ...SECRETS, MASTER_KEY_PREVIOUS: key(8) }).MASTER_KEY_PREVIOUS).toBe(key(8));
      expect(() => loadConfig({ ...SECRETS, MASTER_KEY_PREVIOUS: SECRETS.MASTER_KEY })).toThrow(
        /MASTER_KEY_PREVIOUS=\(hidden\): MASTER_KEY_PREVIOUS must differ from MASTER_KEY/,
      );
      expect(() => loadConfig({ ...SECRETS, MASTER_KEY_PREVIOUS: 'short' })).toThrow(
        /MASTER_KEY_PREVIOUS must be 32 bytes/,
      );
    });

    it('reads the master keys from MASTER_KEY_FILE in place of the environment', () => {
      writeFileSync(file, `JWT_SECRET=ignored\nMASTER_KEY=${key(1)}\nMASTER_KEY_PREVIOUS=${key(2)}\n`, { mode: 0o600 });
      const config = loadConfig({ ...SECRETS, MASTER_KEY_FILE: file });
      expect(config).toMatchObject({ MASTER_KEY: key(1), MASTER_KEY_PREVIOUS: key(2), JWT_SECRET: SECRETS.JWT_SECRET });
      expect(loadConfig({ JWT_SECRET: SECRETS.JWT_SECRET, MASTER_KEY_FILE: file }).MASTER_KEY).toBe(key(1));
    });

    it('refuses a file open to other users, a missing one, and one without a valid MASTER_KEY', () => {
      writeFileSync(file, `MASTER_KEY=${key(1)}\n`, { mode: 0o644 });
      expect(() => loadConfig({ ...SECRETS, MASTER_KEY_FILE: file })).toThrow(/MASTER_KEY_FILE=".*": .*chmod 600/);
      expect(() => loadConfig({ ...SECRETS, MASTER_KEY_FILE: path.join(dir, 'absent') })).toThrow(/ENOENT/);
      writeFileSync(path.join(dir, 'bad.env'), 'MASTER_KEY=not-a-key-at-all\n', { mode: 0o600 });
      expect(() => loadConfig({ ...SECRETS, MASTER_KEY_FILE: path.join(dir, 'bad.env') })).toThrow(
        /MASTER_KEY=\(hidden\) in MASTER_KEY_FILE: MASTER_KEY must be 32 bytes in base64/,
      );
    });

    it('never prints a secret it refuses', () => {
      const almost = `${key(3).slice(0, 40)}`;
      let caught: unknown;
      try {
        loadConfig({ JWT_SECRET: 'short-secret', MASTER_KEY: almost, MASTER_KEY_PREVIOUS: almost });
      } catch (error) {
        caught = error;
      }
      const message = (caught as ConfigError).message;
      expect(message).toMatch(/JWT_SECRET=\(hidden\)/);
      expect(message).toMatch(/MASTER_KEY=\(hidden\)/);
      expect(message).not.toContain('short-secret');
      expect(message).not.toContain(almost);
    });
  });
});
