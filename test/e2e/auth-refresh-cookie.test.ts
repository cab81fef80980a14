import { callApi, expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { bearer, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';

const COOKIE = 'medledger_refresh';

/** The refresh cookie that a response sets: its value and its attributes, by lower-case name. */
function refreshCookieSet(response: ApiResponse): { value: string; attributes: Map<string, string> } | undefined {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  return {
    value: decodeURIComponent(pair!.slice(COOKIE.length + 1)),
    attributes: new Map(
      attributes.map((attribute) => {
        const at = attribute.indexOf('=');
        return at < 0 ? [attribute.toLowerCase(), ''] : [attribute.slice(0, at).toLowerCase(), attribute.slice(at + 1)];
      }),
    ),
  };
}

/** Asserts that the response removes the refresh cookie from the browser. */
function expectCookieCleared(response: ApiResponse): void {
  const cleared = refreshCookieSet(response);
  expect(cleared).toBeDefined();
  expect(cleared!.value).toBe('');
  expect(cleared!.attributes.get('max-age')).toBe('0');
  expect(cleared!.attributes.get('path')).toBe('/api/v1/auth/refresh');
}

const signInWithCookie = (account: SignedIn) =>
  callApi('/api/v1/auth/login', {
    method: 'POST',
    ...jsonBody({ email: account.email, password: account.password, refreshTokenTransport: 'cookie' }),
  });

/** A refresh as the portal makes it: no token in the body, the cookie that the browser keeps. */
const refreshWithCookie = (cookieValue: string | undefined, body?: unknown) =>
  callApi('/api/v1/auth/refresh', {
    method: 'POST',
    headers: {
      ...(cookieValue === undefined ? {} : { Cookie: `theme=dark; ${COOKIE}=${cookieValue}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const me = (token: string) => callApi('/api/v1/auth/me', { headers: bearer(token) });

describe('the refresh token in an HttpOnly cookie, for the portal', () => {
  let account: SignedIn;

  beforeAll(async () => {
    account = await registerPatient();
  });

  it('sets the cookie on sign-in (HttpOnly, SameSite=Strict, the refresh path, until the session’s absolute expiry) and leaves the token out of the body', async () => {
    const before = Date.now();
    const signedIn = await signInWithCookie(account);
    const after = Date.now();
    expect(signedIn.status).toBe(200);
    const body = signedIn.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('refreshToken');
    expect(body).toMatchObject({
      accessToken: expect.any(String),
      expiresIn: expect.any(Number),
      idleTimeoutSeconds: expect.any(Number),
      user: { id: account.id, email: account.email },
    });
    expect(body.idleTimeoutSeconds as number).toBeGreaterThanOrEqual(60);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');

    const cookie = refreshCookieSet(signedIn)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/api/v1/auth/refresh');
    expect(cookie.attributes.has('secure')).toBe(false); // plain http here; Secure over https
    expect(cookie.attributes.has('domain')).toBe(false);

    const sessions = await callApi('/api/v1/auth/sessions', { headers: bearer(body.accessToken as string) });
    const current = (sessions.body as { items: Array<{ current: boolean; expiresAt: string }> }).items.find(
      (item) => item.current,
    )!;
    // Max-Age counts from the answer, which left the API between `before` and `after`.
    const maxAge = Number(cookie.attributes.get('max-age'));
    expect(maxAge).toBeGreaterThanOrEqual(Math.floor((Date.parse(current.expiresAt) - after) / 1000) - 1);
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((Date.parse(current.expiresAt) - before) / 1000) + 1);
  });

  it('refreshes from the cookie: a new cookie, no token in the body, the idle clock restarted; the old value then ends the session', async () => {
    const signedIn = await signInWithCookie(account);
    const first = refreshCookieSet(signedIn)!.value;
    const accessToken = (signedIn.body as { accessToken: string }).accessToken;
    const before = (await callApi('/api/v1/auth/sessions', { headers: bearer(accessToken) })).body as {
      items: Array<{ id: string; current: boolean; createdAt: string; lastSeenAt: string }>;
    };
    const session = before.items.find((item) => item.current)!;
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const renewed = await refreshWithCookie(first);
    expect(renewed.status).toBe(200);
    expect(renewed.body).not.toHaveProperty('refreshToken');
    expect(renewed.body).toMatchObject({ accessToken: expect.any(String), idleTimeoutSeconds: expect.any(Number) });
    const second = refreshCookieSet(renewed)!;
    expect(second.value).not.toBe(first);
    expect(second.attributes.has('httponly')).toBe(true);
    const renewedAccess = (renewed.body as { accessToken: string }).accessToken;
    expect((await me(renewedAccess)).status).toBe(200);

    // A refresh is activity: the session's last-seen time moved to it.
    const after = (await callApi('/api/v1/auth/sessions', { headers: bearer(renewedAccess) })).body as typeof before;
    const lastSeen = Date.parse(after.items.find((item) => item.id === session.id)!.lastSeenAt);
    expect(lastSeen).toBeGreaterThan(Date.parse(session.lastSeenAt) + 1000);

    // The spent value again (a stolen copy): refused, the cookie cleared, and the whole session ended.
    const reused = await refreshWithCookie(first);
    expectErrorEnvelope(reused, 401, 'INVALID_REFRESH_TOKEN');
    expectCookieCleared(reused);
    expectErrorEnvelope(await refreshWithCookie(second.value), 401, 'INVALID_REFRESH_TOKEN');
    expectErrorEnvelope(await me(renewedAccess), 401, 'UNAUTHENTICATED');
  });

  it('also refreshes with a body that asks for the cookie, and refuses to hand the cookie’s token to the page', async () => {
    const signedIn = await signInWithCookie(account);
    const value = refreshCookieSet(signedIn)!.value;
    const refused = await refreshWithCookie(value, { refreshTokenTransport: 'body' });
    expectErrorEnvelope(refused, 400, 'INVALID_INPUT');
    expect(refused.text).not.toContain(value);
    const renewed = await refreshWithCookie(value, { refreshTokenTransport: 'cookie' });
    expect(renewed.status).toBe(200);
    expect(renewed.body).not.toHaveProperty('refreshToken');
    expect(refreshCookieSet(renewed)!.value).not.toBe(value);
  });

  it('keeps the body transport as it was: the token in the body, no cookie', async () => {
    const signedIn = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: account.email, password: account.password }),
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.getSetCookie()).toEqual([]);
    const { refreshToken, idleTimeoutSeconds } = signedIn.body as { refreshToken: string; idleTimeoutSeconds: number };
    expect(idleTimeoutSeconds).toBeGreaterThanOrEqual(60);

    const renewed = await callApi('/api/v1/auth/refresh', { method: 'POST', ...jsonBody({ refreshToken }) });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie()).toEqual([]);
    expect(renewed.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: expect.any(Number),
      idleTimeoutSeconds,
    });
    expect((renewed.body as { refreshToken: string }).refreshToken).not.toBe(refreshToken);

    // A body token may move into the cookie (a client switching to the cookie).
    const moved = await callApi('/api/v1/auth/refresh', {
      method: 'POST',
      ...jsonBody({
        refreshToken: (renewed.body as { refreshToken: string }).refreshToken,
        refreshTokenTransport: 'cookie',
      }),
    });
    expect(moved.status).toBe(200);
    expect(moved.body).not.toHaveProperty('refreshToken');
    expect(refreshCookieSet(moved)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers a refresh with neither a body token nor the cookie with 401 in the error envelope, and clears the cookie', async () => {
    const bare = await refreshWithCookie(undefined);
    expectErrorEnvelope(bare, 401, 'INVALID_REFRESH_TOKEN');
    expectCookieCleared(bare);
    expect(bare.headers.get('cache-control')).toBe('no-store');
    expectErrorEnvelope(await refreshWithCookie(undefined, {}), 401, 'INVALID_REFRESH_TOKEN');
    const unknown = await refreshWithCookie('not-a-token-we-issued');
    expectErrorEnvelope(unknown, 401, 'INVALID_REFRESH_TOKEN');
    expectCookieCleared(unknown);
  });

  it('refuses an unknown transport with 400', async () => {
    const response = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: account.email, password: account.password, refreshTokenTransport: 'header' }),
    });
    expectErrorEnvelope(response, 400, 'INVALID_INPUT');
    expect((response.body as { errors: Array<{ field: string }> }).errors).toEqual([
      expect.objectContaining({ field: 'refreshTokenTransport' }),
    ]);
  });

  it('clears the cookie on logout, and the logged-out cookie no longer refreshes', async () => {
    const signedIn = await signInWithCookie(account);
    const value = refreshCookieSet(signedIn)!.value;
    const loggedOut = await callApi('/api/v1/auth/logout', {
      method: 'POST',
      headers: bearer((signedIn.body as { accessToken: string }).accessToken),
    });
    expect(loggedOut.status).toBe(204);
    expectCookieCleared(loggedOut);
    expectErrorEnvelope(await refreshWithCookie(value), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('declares all of it in the OpenAPI document', async () => {
    const document = (await callApi('/api/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, { enum?: string[] }> }> };
    };
    const { schemas } = document.components;
    expect(schemas.LoginDto!.properties.refreshTokenTransport!.enum).toEqual(['body', 'cookie']);
    expect(schemas.LoginDto!.required).not.toContain('refreshTokenTransport');
    expect(schemas.RefreshDto!.properties.refreshTokenTransport!.enum).toEqual(['body', 'cookie']);
    expect(schemas.RefreshDto!.required ?? []).not.toContain('refreshToken');
    expect(schemas.TokenPairDto!.required).toEqual(
      expect.arrayContaining(['accessToken', 'expiresIn', 'idleTimeoutSeconds']),
    );
    expect(schemas.TokenPairDto!.required).not.toContain('refreshToken');
    expect(schemas.TokenPairDto!.properties).toHaveProperty('refreshToken');
    const login = document.paths['/api/v1/auth/login']!.post!.responses;
    const refresh = document.paths['/api/v1/auth/refresh']!.post!.responses;
    expect(Object.keys(login)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(Object.keys(refresh)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(login['200']!.headers).toHaveProperty('Set-Cookie');
    expect(refresh['200']!.headers).toHaveProperty('Set-Cookie');
  });
});
