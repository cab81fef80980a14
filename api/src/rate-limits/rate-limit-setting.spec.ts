import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../config/app-config.js';

const SECRETS = { JWT_SECRET: 'x'.repeat(48), MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...SECRETS, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('rate-limit settings', () => {
  it('have defaults for a hospital behind one address', () => {
    const config = loadConfig({ ...SECRETS });
    expect(config.RATE_LIMIT_WINDOW_SECONDS).toBe(60);
    expect(config.RATE_LIMIT_REGISTER).toEqual({ perUser: null, perAddress: 60 });
    expect(config.RATE_LIMIT_UPLOAD).toEqual({ perUser: 60, perAddress: 1200 });
    expect(config.LOGIN_FAILURES_BEFORE_DELAY).toBe(5);
  });

  it('read <per user>/<per address>, and the address alone for registration', () => {
    const config = loadConfig({
      ...SECRETS,
      RATE_LIMIT_UPLOAD: ' 2/30 ',
      RATE_LIMIT_REGISTER: '7',
      RATE_LIMIT_WINDOW_SECONDS: '600',
    });
    expect(config.RATE_LIMIT_UPLOAD).toEqual({ perUser: 2, perAddress: 30 });
    expect(config.RATE_LIMIT_REGISTER).toEqual({ perUser: null, perAddress: 7 });
    expect(config.RATE_LIMIT_WINDOW_SECONDS).toBe(600);
  });

  it('stop the start with every bad one named', () => {
    const problems = problemsOf({
      RATE_LIMIT_UPLOAD: '0/10',
      RATE_LIMIT_VERIFY: 'ten/100',
      RATE_LIMIT_SEARCH: '20',
      RATE_LIMIT_CONTENT: '1/2/3',
      RATE_LIMIT_REGISTER: '5/50',
      RATE_LIMIT_AUDIT: '10/99999999',
      RATE_LIMIT_WINDOW_SECONDS: '0',
      LOGIN_MAX_DELAY_SECONDS: '1',
    }).join('\n');
    for (const variable of [
      'RATE_LIMIT_UPLOAD="0/10"',
      'RATE_LIMIT_VERIFY="ten/100"',
      'RATE_LIMIT_SEARCH="20"',
      'RATE_LIMIT_CONTENT="1/2/3"',
      'RATE_LIMIT_REGISTER="5/50"',
      'RATE_LIMIT_AUDIT="10/99999999"',
      'RATE_LIMIT_WINDOW_SECONDS="0"',
      'LOGIN_MAX_DELAY_SECONDS="1"',
    ]) {
      expect(problems).toContain(variable);
    }
    expect(problems).toMatch(/RATE_LIMIT_UPLOAD="0\/10": RATE_LIMIT_UPLOAD must be <per user>\/<per address>/);
    expect(problems).toMatch(
      /RATE_LIMIT_REGISTER="5\/50": RATE_LIMIT_REGISTER must be the requests allowed per client address/,
    );
  });
});
