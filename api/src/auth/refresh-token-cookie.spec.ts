import { InvalidInputError } from '../common/domain-error.js';
import { InvalidRefreshTokenError } from './auth.errors.js';
import { clearedRefreshCookie, cookieValue, presentedRefreshToken, refreshCookie } from './refresh-token-cookie.js';

describe('the refresh cookie', () => {
  it('is HttpOnly, SameSite=Strict, sent back to the refresh route only, for the given seconds', () => {
    expect(refreshCookie('tok-en_1', 3600.9, false)).toBe(
      'medledger_refresh=tok-en_1; Max-Age=3600; Path=/api/v1/auth/refresh; HttpOnly; SameSite=Strict',
    );
  });

  it('is Secure when the request came over https', () => {
    expect(refreshCookie('t', 60, true)).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
    expect(clearedRefreshCookie(true)).toMatch(/; Secure; /);
  });

  it('is cleared with an empty value that expires at once, on the same path', () => {
    expect(clearedRefreshCookie(false)).toBe(
      'medledger_refresh=; Max-Age=0; Path=/api/v1/auth/refresh; HttpOnly; SameSite=Strict; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; medledger_refresh=abc; b=2', 'medledger_refresh')).toBe('abc');
    expect(cookieValue('medledger_refresh="q%2Fx"', 'medledger_refresh')).toBe('q/x');
    expect(cookieValue('medledger_refresh=%E0%A4%A', 'medledger_refresh')).toBe('%E0%A4%A');
    expect(cookieValue('xmedledger_refresh=1; other', 'medledger_refresh')).toBeUndefined();
    expect(cookieValue(undefined, 'medledger_refresh')).toBeUndefined();
  });
});

describe('presentedRefreshToken', () => {
  const cookie = 'medledger_refresh=from-cookie';

  it('takes the body’s token first, answered in the body unless the cookie is asked for', () => {
    expect(presentedRefreshToken({ refreshToken: 'from-body' }, cookie)).toEqual({
      token: 'from-body',
      transport: 'body',
    });
    expect(presentedRefreshToken({ refreshToken: 'from-body', refreshTokenTransport: 'cookie' }, undefined)).toEqual({
      token: 'from-body',
      transport: 'cookie',
    });
  });

  it('takes the cookie’s token without one in the body, and renews it into the cookie', () => {
    expect(presentedRefreshToken({}, cookie)).toEqual({ token: 'from-cookie', transport: 'cookie' });
    expect(presentedRefreshToken({ refreshTokenTransport: 'cookie' }, cookie)).toEqual({
      token: 'from-cookie',
      transport: 'cookie',
    });
  });

  it('never hands the cookie’s token to the page in the body', () => {
    expect(() => presentedRefreshToken({ refreshTokenTransport: 'body' }, cookie)).toThrow(InvalidInputError);
  });

  it('is unauthenticated with neither', () => {
    expect(() => presentedRefreshToken({}, 'other=1')).toThrow(InvalidRefreshTokenError);
    expect(() => presentedRefreshToken({}, 'medledger_refresh=')).toThrow(InvalidRefreshTokenError);
    expect(() => presentedRefreshToken({}, undefined)).toThrow(InvalidRefreshTokenError);
  });
});
