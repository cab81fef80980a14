import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('accepts an empty environment with the development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', CONTENT_STORE: 'kubo', CORS_ORIGINS: [] });
  });

  it('converts numbers and lists from their text form', () => {
    const config = loadConfig({ PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example' });
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
    expect(() => loadConfig({ HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});
