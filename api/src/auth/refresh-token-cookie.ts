import { InvalidInputError } from '../common/domain-error.js';
import { InvalidRefreshTokenError } from './auth.errors.js';

/** How a client receives its refresh token: in the JSON body (API clients), or in an HttpOnly cookie (the portal). */
export const REFRESH_TOKEN_TRANSPORTS = ['body', 'cookie'] as const;
export type RefreshTokenTransport = (typeof REFRESH_TOKEN_TRANSPORTS)[number];

export const REFRESH_COOKIE = 'medledger_refresh';
/** The cookie goes back to the refresh route only: no other request carries it. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth/refresh';

/** The value of one cookie of a request's Cookie header (RFC 6265 syntax; the first of a repeated name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    let value = pair.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The Set-Cookie value that hands the portal its refresh token, for as long as the session may live. */
export function refreshCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return cookieLine(encodeURIComponent(token), Math.max(0, Math.floor(maxAgeSeconds)), secure);
}

/** The Set-Cookie value that removes the refresh cookie from the browser. */
export function clearedRefreshCookie(secure: boolean): string {
  return `${cookieLine('', 0, secure)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

function cookieLine(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${REFRESH_COOKIE}=${value}`,
    `Max-Age=${maxAgeSeconds}`,
    `Path=${REFRESH_COOKIE_PATH}`,
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    'SameSite=Strict',
  ].join('; ');
}

/** The refresh token a refresh request presents, and how its successor goes back. */
export interface PresentedRefreshToken {
  token: string;
  transport: RefreshTokenTransport;
}

/**
 * Which refresh token a request presents: the body's, else the cookie's. The successor
 * goes back as asked, by default the way the token came. A token from the cookie is only
 * ever renewed into the cookie: the portal's scripts never see it, and neither would an
 * injected script that asked for it in the body.
 *
 * @throws InvalidRefreshTokenError with neither a body token nor the cookie.
 * @throws InvalidInputError for the cookie's token asked back in the body.
 */
export function presentedRefreshToken(
  body: { refreshToken?: string; refreshTokenTransport?: RefreshTokenTransport },
  cookieHeader: string | undefined,
): PresentedRefreshToken {
  if (body.refreshToken !== undefined) {
    return { token: body.refreshToken, transport: body.refreshTokenTransport ?? 'body' };
  }
  const fromCookie = cookieValue(cookieHeader, REFRESH_COOKIE);
  if (!fromCookie) {
    throw new InvalidRefreshTokenError(`no refresh token: none in the body and no ${REFRESH_COOKIE} cookie`);
  }
  if (body.refreshTokenTransport === 'body') {
    throw new InvalidInputError('a refresh token from the cookie is renewed into the cookie only', {
      details: { errors: [{ field: 'refreshTokenTransport', messages: ['must be cookie with the refresh cookie'] }] },
    });
  }
  return { token: fromCookie, transport: 'cookie' };
}
