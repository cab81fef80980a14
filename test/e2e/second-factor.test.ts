import { Secret, TOTP, URI } from 'otpauth';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  createStaffAccount,
  enrolSecondFactor,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
} from '../support/accounts.js';
import { callApi, expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { currentStep, nextTotpCode, totpCodeAt } from '../support/second-factor.js';

/**
 * The second factor (issue 17, item 2) on the running API: TOTP (RFC 6238: SHA-1, 6 digits,
 * 30 s, one step either side) with recovery codes; mandatory for staff, optional for
 * patients. The codes are computed here with the same library the API uses (otpauth).
 */
describe('second factor: TOTP with recovery codes', () => {
  let admin: SignedIn;
  let database: DataSource;

  beforeAll(async () => {
    admin = await bootstrapAdmin('hospital-a');
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  const post = (path: string, body: unknown, token?: string) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, token ? bearer(token) : {}) });
  const get = (path: string, token: string) => callApi(`/api/v1${path}`, { headers: bearer(token) });
  const passwordStep = (account: { email: string; password: string }, extra: object = {}) =>
    post('/auth/login', { email: account.email, password: account.password, ...extra });
  const challengeOf = (response: ApiResponse) => {
    expect(response.status).toBe(200);
    return (response.body as { challengeId: string }).challengeId;
  };
  /** A code that is certainly none of the steps the API accepts around now. */
  const wrongCode = (secret: string, offset = 0) => {
    const now = currentStep();
    const accepted = new Set([-2, -1, 0, 1, 2].map((delta) => totpCodeAt(secret, now + delta)));
    for (let step = now + 100 + offset; ; step += 1) {
      const code = totpCodeAt(secret, step);
      if (!accepted.has(code)) return code;
    }
  };

  it('enrols a doctor at the first sign-in, then signs in with password and code; a code and a recovery code work once', async () => {
    const doctor = await createStaffAccount(admin, 'doctor');

    // The password alone: a session that reaches the enrolment and sign-out only.
    const first = await passwordStep(doctor);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ secondFactorRequired: false, secondFactorEnrolmentRequired: true });
    const enrolling = (first.body as { accessToken: string }).accessToken;
    for (const refused of [
      await get('/auth/me', enrolling),
      await get('/auth/sessions', enrolling),
      await get('/patients?query=someone', enrolling),
      await get('/notifications', enrolling),
    ])
      expectErrorEnvelope(refused, 403, 'SECOND_FACTOR_ENROLMENT_REQUIRED');
    expect((await get('/auth/second-factor', enrolling)).body).toEqual({
      enrolled: false,
      required: true,
      recoveryCodesLeft: 0,
    });
    expectErrorEnvelope(
      await post('/auth/second-factor/confirm', { code: '123456' }, enrolling),
      409,
      'NO_SECOND_FACTOR_ENROLMENT',
    );

    // Enrolment: the secret as a URI for the QR code and in base32; sealed at rest.
    const started = await post('/auth/second-factor', {}, enrolling);
    expect(started.status).toBe(201);
    const { otpauthUri, secret } = started.body as { otpauthUri: string; secret: string };
    const totp = URI.parse(otpauthUri);
    expect(totp).toBeInstanceOf(TOTP);
    expect(totp).toMatchObject({ issuer: 'MedLedger', label: doctor.email, algorithm: 'SHA1', digits: 6, period: 30 });
    expect(totp.secret.base32).toBe(secret);
    const userId = (first.body as { user: { id: string } }).user.id;
    const [stored] = await database.query<Array<{ key_id: string; sealed_secret: Buffer; confirmed_at: Date | null }>>(
      'SELECT key_id, sealed_secret, confirmed_at FROM user_second_factors WHERE user_id = $1',
      [userId],
    );
    expect(stored!.key_id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(stored!.confirmed_at).toBeNull();
    expect(stored!.sealed_secret.includes(Buffer.from(Secret.fromBase32(secret).bytes))).toBe(false);
    expect(stored!.sealed_secret.toString('latin1')).not.toContain(secret);

    // Confirmation: a wrong code is refused (403: the session is fine), the right one gives ten recovery codes.
    expectErrorEnvelope(
      await post('/auth/second-factor/confirm', { code: wrongCode(secret) }, enrolling),
      403,
      'INVALID_SECOND_FACTOR_CODE',
    );
    const step = currentStep();
    const confirmed = await post('/auth/second-factor/confirm', { code: totpCodeAt(secret, step) }, enrolling);
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = confirmed.body as { recoveryCodes: string[] };
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const digests = await database.query<Array<{ code_hash: Buffer }>>(
      'SELECT code_hash FROM second_factor_recovery_codes WHERE user_id = $1',
      [userId],
    );
    expect(digests).toHaveLength(10);
    for (const { code_hash } of digests) expect(recoveryCodes.some((code) => code_hash.includes(code))).toBe(false);
    // The session that showed both factors now reaches the doctor's routes; enrolling again is refused.
    expect((await get('/auth/me', enrolling)).status).toBe(200);
    expectErrorEnvelope(await post('/auth/second-factor', {}, enrolling), 409, 'SECOND_FACTOR_ALREADY_ENROLLED');

    // Sign-in: the password gives a challenge and no token.
    const challenged = await passwordStep(doctor, { refreshTokenTransport: 'cookie' });
    expect(challenged.body).toEqual({ secondFactorRequired: true, challengeId: expect.any(String), expiresIn: 300 });
    expect(challenged.headers.getSetCookie()).toEqual([]);
    const challengeId = challengeOf(challenged);
    // The code that confirmed the enrolment was accepted once already.
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId, code: totpCodeAt(secret, step) }),
      401,
      'INVALID_SECOND_FACTOR_CODE',
    );
    const code = totpCodeAt(secret, step + 1);
    const signedIn = await post('/auth/login/second-factor', { challengeId, code, refreshTokenTransport: 'cookie' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      accessToken: expect.any(String),
      secondFactorRequired: false,
      secondFactorEnrolmentRequired: false,
      user: { id: userId, role: 'doctor' },
    });
    expect(signedIn.body).not.toHaveProperty('refreshToken');
    expect(signedIn.headers.getSetCookie().some((cookie) => cookie.startsWith('medledger_refresh='))).toBe(true);
    expect((await get('/auth/me', (signedIn.body as { accessToken: string }).accessToken)).status).toBe(200);
    // The challenge is spent; the code, reused with a new challenge, is refused.
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId, code: totpCodeAt(secret, step + 2) }),
      401,
      'INVALID_SECOND_FACTOR_CHALLENGE',
    );
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId: challengeOf(await passwordStep(doctor)), code }),
      401,
      'INVALID_SECOND_FACTOR_CODE',
    );

    // A recovery code signs in once (typed in capitals, with a space: it is the same code).
    const recoveryCode = recoveryCodes[4]!;
    const recovered = await post('/auth/login/second-factor', {
      challengeId: challengeOf(await passwordStep(doctor)),
      recoveryCode: recoveryCode.toUpperCase().replace('-', ' '),
    });
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ refreshToken: expect.any(String), user: { id: userId } });
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId: challengeOf(await passwordStep(doctor)), recoveryCode }),
      401,
      'INVALID_SECOND_FACTOR_CODE',
    );
    expect((await get('/auth/second-factor', (recovered.body as { accessToken: string }).accessToken)).body).toEqual({
      enrolled: true,
      required: true,
      recoveryCodesLeft: 9,
    });

    // Exactly one of code and recoveryCode; an unknown challenge is refused as such.
    const challenge = challengeOf(await passwordStep(doctor));
    expectErrorEnvelope(await post('/auth/login/second-factor', { challengeId: challenge }), 400);
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId: challenge, code, recoveryCode: recoveryCodes[0] }),
      400,
    );
    expectErrorEnvelope(
      await post('/auth/login/second-factor', { challengeId: 'no-such-challenge', code }),
      401,
      'INVALID_SECOND_FACTOR_CHALLENGE',
    );
  });

  it('throttles wrong codes per account like passwords: of 20 concurrent guesses 5 are checked, the rest wait', async () => {
    const doctor = await createStaff(admin, 'doctor');
    const secret = doctor.totpSecret!;
    const challengeId = challengeOf(await passwordStep(doctor));
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, guess) =>
        post('/auth/login/second-factor', { challengeId, code: wrongCode(secret, guess * 3) }),
      ),
    );
    const statuses = guesses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    for (const refused of guesses.filter((response) => response.status === 429)) {
      expectErrorEnvelope(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    }
    // From another challenge (and any address) too: it is the account that is counted.
    const elsewhere = challengeOf(await passwordStep(doctor));
    const hurried = await post('/auth/login/second-factor', { challengeId: elsewhere, code: wrongCode(secret) });
    expectErrorEnvelope(hurried, 429, 'RATE_LIMITED');

    // A delay, not a lock: once it is over, the right code signs in (and forgets the failures).
    await new Promise((resolve) => setTimeout(resolve, Number(hurried.headers.get('retry-after')) * 1000 + 200));
    const right = await post('/auth/login/second-factor', { challengeId, code: await nextTotpCode(doctor.email) });
    expect(right.status).toBe(200);
    const afterwards = await post('/auth/login/second-factor', { challengeId: elsewhere, code: wrongCode(secret) });
    expectErrorEnvelope(afterwards, 401, 'INVALID_SECOND_FACTOR_CODE');
  });

  it('lets staff without a second factor sign out, and nothing else but the enrolment', async () => {
    const auditor = await createStaffAccount(admin, 'auditor');
    const session = await passwordStep(auditor);
    const token = (session.body as { accessToken: string }).accessToken;
    expectErrorEnvelope(await get('/audit/accesses', token), 403, 'SECOND_FACTOR_ENROLMENT_REQUIRED');
    expectErrorEnvelope(await post('/auth/me/ledger-check', {}, token), 403, 'SECOND_FACTOR_ENROLMENT_REQUIRED');
    // A refresh keeps the restriction, and says so.
    const refreshed = await post('/auth/refresh', {
      refreshToken: (session.body as { refreshToken: string }).refreshToken,
    });
    expect(refreshed.body).toMatchObject({ secondFactorEnrolmentRequired: true });
    const refreshedToken = (refreshed.body as { accessToken: string }).accessToken;
    expectErrorEnvelope(await get('/audit/accesses', refreshedToken), 403, 'SECOND_FACTOR_ENROLMENT_REQUIRED');
    expect((await post('/auth/logout', {}, refreshedToken)).status).toBe(204);
    expectErrorEnvelope(await get('/auth/second-factor', refreshedToken), 401, 'UNAUTHENTICATED');
  });

  it('signs a patient without a second factor in as before; one who turns it on is asked for a code', async () => {
    const patient = await registerPatient();
    const signedIn = await passwordStep(patient);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      secondFactorRequired: false,
      secondFactorEnrolmentRequired: false,
    });
    const token = (signedIn.body as { accessToken: string }).accessToken;
    expect((await get('/auth/me', token)).status).toBe(200);
    expect((await get('/auth/second-factor', token)).body).toEqual({
      enrolled: false,
      required: false,
      recoveryCodesLeft: 0,
    });

    // Turning it on (from the helper's session) ends the patient's other sessions, opened with a password alone.
    const enrolled = await enrolSecondFactor(patient);
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expectErrorEnvelope(await get('/auth/me', token), 401, 'UNAUTHENTICATED');
    expect((await get('/auth/me', patient.accessToken)).status).toBe(200);
    expect((await passwordStep(patient)).body).toMatchObject({ secondFactorRequired: true });
    const again = await login(patient.email, patient.password);
    expect((await get('/auth/me', again.accessToken)).status).toBe(200);
  });
});
