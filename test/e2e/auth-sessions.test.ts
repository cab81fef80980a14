import { callApi, expectErrorEnvelope } from '../support/api.js';
import { bearer, jsonBody, login, registerPatient, strongPassword, uniqueEmail } from '../support/accounts.js';

const me = (token: string) => callApi('/api/v1/auth/me', { headers: bearer(token) });
const refresh = (refreshToken: string) =>
  callApi('/api/v1/auth/refresh', { method: 'POST', ...jsonBody({ refreshToken }) });

describe('accounts and sessions over HTTP', () => {
  it('registers a patient, signs in, refreshes, detects refresh-token reuse, and logs out', async () => {
    const email = uniqueEmail('ada');
    const password = strongPassword();
    const registered = await callApi('/api/v1/auth/register', {
      method: 'POST',
      ...jsonBody({ email, password, fullName: 'Ada Lovelace', dateOfBirth: '1985-12-10', hospital: 'hospital-a' }),
    });
    // The same answer whether or not the address had an account (test/e2e/account-passwords.test.ts).
    expect(registered.status).toBe(202);
    expect(registered.body).toEqual({ status: 'accepted', message: expect.any(String) });
    expect(registered.text).not.toMatch(/argon2|PRIVATE KEY|Ada/i);

    const session = await login(email.toUpperCase(), password); // e-mail is case-insensitive
    const profile = await me(session.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      id: session.id,
      email,
      role: 'patient',
      hospital: 'hospital-a',
      status: 'active',
    });

    const rotated = await refresh(session.refreshToken);
    expect(rotated.status).toBe(200);
    const next = rotated.body as { accessToken: string; refreshToken: string; expiresIn: number };
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.expiresIn).toBeGreaterThan(0);
    expect((await me(next.accessToken)).status).toBe(200);

    // The spent token again: refused, and the whole session ends with it.
    expectErrorEnvelope(await refresh(session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectErrorEnvelope(await me(next.accessToken), 401, 'UNAUTHENTICATED');
    expectErrorEnvelope(await refresh(next.refreshToken), 401, 'INVALID_REFRESH_TOKEN');

    const again = await login(email, password);
    expect((await callApi('/api/v1/auth/logout', { method: 'POST', headers: bearer(again.accessToken) })).status).toBe(
      204,
    );
    expectErrorEnvelope(await me(again.accessToken), 401, 'UNAUTHENTICATED');
  });

  it('lists the caller’s sessions and ends one of them, which is refused at once', async () => {
    const first = await registerPatient();
    const second = await login(first.email, first.password);
    const listed = await callApi('/api/v1/auth/sessions', { headers: bearer(first.accessToken) });
    expect(listed.status).toBe(200);
    const sessions = (listed.body as { items: Array<{ id: string; current: boolean }> }).items;
    expect(sessions).toHaveLength(2);
    const other = sessions.find((item) => !item.current)!;
    const ended = await callApi(`/api/v1/auth/sessions/${other.id}`, {
      method: 'DELETE',
      headers: bearer(first.accessToken),
    });
    expect(ended.status).toBe(204);
    expectErrorEnvelope(await me(second.accessToken), 401, 'UNAUTHENTICATED');
    expect((await me(first.accessToken)).status).toBe(200);
    // Another user's session is not the caller's to end.
    const stranger = await registerPatient();
    const strangerSessions = (await callApi('/api/v1/auth/sessions', { headers: bearer(stranger.accessToken) }))
      .body as {
      items: Array<{ id: string }>;
    };
    expectErrorEnvelope(
      await callApi(`/api/v1/auth/sessions/${strangerSessions.items[0].id}`, {
        method: 'DELETE',
        headers: bearer(first.accessToken),
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('signs each user’s ledger transactions with their own certificate', async () => {
    const patient = await registerPatient('hospital-b');
    const check = await callApi('/api/v1/auth/me/ledger-check', {
      method: 'POST',
      headers: bearer(patient.accessToken),
    });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      mspId: 'HospitalBMSP',
      role: 'patient',
      uid: patient.id,
      transactionId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('answers a duplicate e-mail, whatever its case, as a new one, and creates nothing', async () => {
    const patient = await registerPatient();
    const duplicate = await callApi('/api/v1/auth/register', {
      method: 'POST',
      ...jsonBody({
        email: patient.email.toUpperCase(),
        password: strongPassword(),
        fullName: 'Someone Else',
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-a',
      }),
    });
    expect(duplicate.status).toBe(202);
    expect(duplicate.body).toEqual({ status: 'accepted', message: expect.any(String) });
    // The account is the patient's as before: their password still works.
    expect((await login(patient.email, patient.password)).id).toBe(patient.id);
  });

  it('gives the same answer for an unknown e-mail and a wrong password (no enumeration)', async () => {
    const patient = await registerPatient();
    const wrongPassword = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: patient.email, password: 'not-the-password-1' }),
    });
    const unknownEmail = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: uniqueEmail('nobody'), password: 'not-the-password-1' }),
    });
    expectErrorEnvelope(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectErrorEnvelope(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect((wrongPassword.body as { message: string }).message).toBe(
      (unknownEmail.body as { message: string }).message,
    );
  });

  it('throttles repeated failed sign-ins of an account with 429 and Retry-After, even with the right password', async () => {
    const patient = await registerPatient();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const failed = await callApi('/api/v1/auth/login', {
        method: 'POST',
        ...jsonBody({ email: patient.email, password: `wrong-password-${attempt}` }),
      });
      expect(failed.status).toBe(401);
    }
    const throttled = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: patient.email, password: patient.password }),
    });
    expectErrorEnvelope(throttled, 429, 'RATE_LIMITED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.each([
    ['missing fields', {}],
    ['wrong types', { email: 42, password: true, fullName: ['x'], dateOfBirth: 19900101, hospital: null }],
    [
      'a bad e-mail',
      {
        email: 'not-an-email',
        password: strongPassword(),
        fullName: 'X',
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-a',
      },
    ],
    [
      'a weak password',
      {
        email: uniqueEmail('weak'),
        password: 'short',
        fullName: 'X',
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-a',
      },
    ],
    [
      'an unknown hospital',
      {
        email: uniqueEmail('lost'),
        password: strongPassword(),
        fullName: 'X',
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-z',
      },
    ],
    [
      'an impossible date',
      {
        email: uniqueEmail('date'),
        password: strongPassword(),
        fullName: 'X',
        dateOfBirth: '1990-02-31',
        hospital: 'hospital-a',
      },
    ],
    [
      'a megabyte name',
      {
        email: uniqueEmail('big'),
        password: strongPassword(),
        fullName: 'x'.repeat(1_000_000),
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-a',
      },
    ],
    [
      'an injection string',
      {
        email: "x'; DROP TABLE users; --@medledger.test",
        password: strongPassword(),
        fullName: "Robert'); DROP TABLE users;--",
        dateOfBirth: '1990-01-01',
        hospital: "hospital-a' OR '1'='1",
      },
    ],
    [
      'unknown fields',
      {
        email: uniqueEmail('extra'),
        password: strongPassword(),
        fullName: 'X',
        dateOfBirth: '1990-01-01',
        hospital: 'hospital-a',
        role: 'admin',
      },
    ],
  ])('answers registration with %s with 400 and the failing fields', async (_case, body) => {
    const response = await callApi('/api/v1/auth/register', { method: 'POST', ...jsonBody(body) });
    expectErrorEnvelope(response, 400);
    expect((response.body as { errors: Array<{ field: string }> }).errors.length).toBeGreaterThan(0);
  });
});
