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
});
