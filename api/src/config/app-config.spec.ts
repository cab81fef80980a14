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
});
