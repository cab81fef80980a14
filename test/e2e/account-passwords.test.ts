import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { API_URL, type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import {
  bearer,
  bootstrapAdmin,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
  strongPassword,
  uniqueEmail,
} from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { RUN_DIR } from '../support/network-profile.js';
import { eventually } from '../support/services.js';
import { type ReceivedMail, subjectOf, TestSmtpServer, textOf } from '../support/smtp-server.js';

/**
 * Owners set their own passwords, end to end, with the e-mail going through a real SMTP
 * server that this suite starts where the API sends (TEST_SMTP_PORT): an admin creates a
 * doctor without a password, the activation e-mail arrives, the doctor chooses a password
 * and signs in; links work once and expire; a reset by e-mail ends every session, a change
 * every other one; registration answers the same whatever the address; a suspension is
 * refused at the next request. (test/support/accounts.ts's createStaff takes a shortcut for
 * the other suites: it reads the link from the outbox table.)
 */
describe('owners set their own passwords: activation, reset and change by e-mailed links', () => {
  const smtp = new TestSmtpServer();
  let database: DataSource;
  let admin: SignedIn;
  /** Passwords and link tokens this suite used: none may reach the API's log. */
  const secrets: string[] = [];
  const apiLog = path.join(RUN_DIR, 'logs', 'api.log');
  let logStart = 0;

  const post = (route: string, body: unknown, token?: string, apiUrl = API_URL) =>
    callApi(`/api/v1${route}`, { method: 'POST', ...jsonBody(body, token ? bearer(token) : {}) }, apiUrl);
  const me = (token: string) => callApi('/api/v1/auth/me', { headers: bearer(token) });
  const signInFails = async (email: string, password: string) =>
    expectErrorEnvelope(await post('/auth/login', { email, password }), 401, 'INVALID_CREDENTIALS');

  /** The one e-mail of this subject that reached the address (waiting for it), and the link in it. */
  async function mailTo(address: string, subject: RegExp): Promise<{ mail: ReceivedMail; text: string }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = smtp.messagesTo(address).filter((mail) => subject.test(subjectOf(mail) ?? ''));
      if (found.length > 0) return { mail: found.at(-1)!, text: textOf(found.at(-1)!) };
      if (Date.now() > deadline) throw new Error(`no e-mail "${subject.source}" reached ${address}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * The token of the portal link `<PORTAL_URL><page>?token=…` in an e-mail's text. Whichever
   * API process on this database sent it wrote its own PORTAL_URL (one deployment has one; a
   * process another suite started by hand may not): the host is not checked here.
   */
  function tokenIn(text: string, page: string): string {
    const match = new RegExp(`https?://[^/\\s]+${page}\\?token=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`).exec(text);
    if (!match) throw new Error(`no ${page} link in: ${text}`);
    secrets.push(match[1]!);
    return match[1]!;
  }

  const digest = (token: string) => createHash('sha256').update(token).digest();

  async function createDoctor(): Promise<{ id: string; email: string; created: ApiResponse }> {
    const email = uniqueEmail('doctor');
    const created = await post(
      '/admin/users',
      { email, fullName: `Doctor ${randomUUID().slice(0, 6)}`, role: 'doctor', licenseNumber: 'MD-24680' },
      admin.accessToken,
    );
    expect(created.status).toBe(201);
    return { id: (created.body as { id: string }).id, email, created };
  }

  beforeAll(async () => {
    await smtp.start();
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    admin = await bootstrapAdmin('hospital-a');
    logStart = statSync(apiLog, { throwIfNoEntry: false })?.size ?? 0;
  });

  afterAll(async () => {
    await smtp.stop();
    await database?.destroy();
  });

  it('an admin creates a doctor without a password; the activation e-mail arrives; the doctor chooses a password and signs in', async () => {
    const { id, email, created } = await createDoctor();
    expect(created.body).toMatchObject({ id, email, role: 'doctor', status: 'pending' });
    expect(created.text).not.toMatch(/password|token/i);

    // The admin never set a password: there is none to try, and nobody can sign in yet.
    const [stored] = await database.query<Array<{ password_hash: string | null; status: string }>>(
      'SELECT password_hash, status FROM users WHERE id = $1',
      [id],
    );
    expect(stored).toEqual({ password_hash: null, status: 'pending' });
    await signInFails(email, admin.password);

    const { mail, text } = await mailTo(email, /choose the password of your new account/);
    const token = tokenIn(text, '/activate');
    // No PHI in the e-mail: not the name, the licence, the hospital, the role.
    const fullName = (created.body as { fullName: string }).fullName;
    for (const value of [fullName, 'MD-24680', 'hospital-a']) expect(mail.raw).not.toContain(value);
    expect(text).not.toMatch(/doctor/i);
    expect(text).toMatch(/works once, until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

    // The database keeps the link's digest only: the e-mail took the token with it.
    const links = await database.query<Array<{ purpose: string }>>(
      'SELECT purpose FROM account_tokens WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL',
      [digest(token), id],
    );
    expect(links).toEqual([{ purpose: 'activation' }]);
    // Nor does the outbox once the mail is sent: the worker clears the row's token right after
    // the SMTP server took the message (the test's server may hand it over a moment before).
    await eventually(
      async () => {
        const [outbox] = await database.query<Array<{ kept: number }>>(
          'SELECT count(*)::int AS kept FROM mail_outbox WHERE link_token = $1',
          [token],
        );
        return outbox!.kept === 0;
      },
      10_000,
      'the sent activation e-mail’s token leaving the outbox',
    );

    // A password the policy refuses does not spend the link.
    const weak = await post('/auth/activate', { token, password: 'short' });
    expectErrorEnvelope(weak, 400, 'INVALID_INPUT');
    const password = strongPassword();
    secrets.push(password);
    const activated = await post('/auth/activate', { token, password });
    expect(activated.status).toBe(200);
    expect(activated.body).toEqual({ email });

    // It works once.
    expectErrorEnvelope(await post('/auth/activate', { token, password: strongPassword() }), 404, 'INVALID_LINK');
    const doctor = await login(email, password);
    const profile = await me(doctor.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id, status: 'active' });
    // The admin's own password is not the doctor's; nothing the admin knows opens the account.
    await signInFails(email, admin.password);
  });

  it('refuses a password in the admin’s request, and a link that expired, was replaced or is not pending', async () => {
    const withPassword = await post(
      '/admin/users',
      { email: uniqueEmail('doctor'), password: strongPassword(), fullName: 'Set By Admin', role: 'auditor' },
      admin.accessToken,
    );
    expectErrorEnvelope(withPassword, 400, 'INVALID_INPUT');
    expect(withPassword.text).toMatch(/admins never set passwords/);

    const { id, email } = await createDoctor();
    const first = tokenIn((await mailTo(email, /choose the password/)).text, '/activate');
    // Expired (as if 72 h had passed): refused.
    await database.query("UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [
      digest(first),
    ]);
    expectErrorEnvelope(
      await post('/auth/activate', { token: first, password: strongPassword() }),
      404,
      'INVALID_LINK',
    );

    // The admin sends a new link; it works, and the older ones stay refused.
    const before = smtp.messagesTo(email).length;
    const resent = await post(`/admin/users/${id}/activation`, {}, admin.accessToken);
    expect(resent.status).toBe(202);
    expect(Date.parse((resent.body as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 71 * 3600_000);
    await smtp.waitForMessages(email, before + 1);
    const second = tokenIn((await mailTo(email, /choose the password/)).text, '/activate');
    expect(second).not.toBe(first);
    const replaced = await post(`/admin/users/${id}/activation`, {}, admin.accessToken);
    expect(replaced.status).toBe(202);
    expectErrorEnvelope(
      await post('/auth/activate', { token: second, password: strongPassword() }),
      404,
      'INVALID_LINK',
    );
    await smtp.waitForMessages(email, before + 2);
    const third = tokenIn((await mailTo(email, /choose the password/)).text, '/activate');
    expect((await post('/auth/activate', { token: third, password: strongPassword() })).status).toBe(200);

    // An active account is sent no activation; another hospital's admin finds no such user.
    expectErrorEnvelope(await post(`/admin/users/${id}/activation`, {}, admin.accessToken), 409, 'ACCOUNT_NOT_PENDING');
    const adminB = await bootstrapAdmin('hospital-b');
    expectErrorEnvelope(await post(`/admin/users/${id}/activation`, {}, adminB.accessToken), 404, 'NOT_FOUND');
    // A token of the wrong form is refused before any lookup.
    expectErrorEnvelope(await post('/auth/activate', { token: 'x', password: strongPassword() }), 400, 'INVALID_INPUT');
  });

  it('an admin cannot make a pending account active: only its owner, from the e-mail', async () => {
    const { id } = await createDoctor();
    const forced = await callApi(`/api/v1/admin/users/${id}`, {
      method: 'PATCH',
      ...jsonBody({ status: 'active' }, bearer(admin.accessToken)),
    });
    expectErrorEnvelope(forced, 409, 'ACCOUNT_PENDING');
    const pending = await callApi(`/api/v1/admin/users/${id}`, {
      method: 'PATCH',
      ...jsonBody({ status: 'pending' }, bearer(admin.accessToken)),
    });
    expectErrorEnvelope(pending, 400, 'INVALID_INPUT');
  });

  it('a reset by e-mailed link sets a new password and ends every session; the answer is the same for any address', async () => {
    const patient = await registerPatient();
    const other = await login(patient.email, patient.password);
    const asked = await post('/auth/password-reset', { email: patient.email.toUpperCase() });
    const unknown = await post('/auth/password-reset', { email: uniqueEmail('nobody') });
    expect(asked.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(asked.body).toEqual(unknown.body);

    const token = tokenIn((await mailTo(patient.email, /reset your password/)).text, '/reset-password');
    const password = strongPassword();
    secrets.push(password);
    expect((await post('/auth/password-reset/confirm', { token, password })).status).toBe(204);

    // Every session ended, refresh tokens included; the old password is gone, the new one works.
    for (const session of [patient, other]) {
      expectErrorEnvelope(await me(session.accessToken), 401, 'UNAUTHENTICATED');
      expectErrorEnvelope(
        await post('/auth/refresh', { refreshToken: session.refreshToken }),
        401,
        'INVALID_REFRESH_TOKEN',
      );
    }
    await signInFails(patient.email, patient.password);
    expect((await me((await login(patient.email, password)).accessToken)).status).toBe(200);
    // Once only; and the owner is told that the password changed.
    expectErrorEnvelope(
      await post('/auth/password-reset/confirm', { token, password: strongPassword() }),
      404,
      'INVALID_LINK',
    );
    const { text } = await mailTo(patient.email, /your password was changed/);
    expect(text).toMatch(/https?:\/\/\S+\/forgot-password/);
  });

  it('a reset link expires', async () => {
    const patient = await registerPatient();
    expect((await post('/auth/password-reset', { email: patient.email })).status).toBe(202);
    const token = tokenIn((await mailTo(patient.email, /reset your password/)).text, '/reset-password');
    await database.query("UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [
      digest(token),
    ]);
    expectErrorEnvelope(
      await post('/auth/password-reset/confirm', { token, password: strongPassword() }),
      404,
      'INVALID_LINK',
    );
    expect((await me((await login(patient.email, patient.password)).accessToken)).status).toBe(200);
  });

  it('changing the password, given the current one, ends the user’s other sessions and keeps this one', async () => {
    const patient = await registerPatient();
    const other = await login(patient.email, patient.password);
    const password = strongPassword();
    secrets.push(password);

    expectErrorEnvelope(
      await post('/auth/password', { currentPassword: 'not-the-password', newPassword: password }, patient.accessToken),
      403,
      'WRONG_PASSWORD',
    );
    const weak = await post(
      '/auth/password',
      { currentPassword: patient.password, newPassword: 'short' },
      patient.accessToken,
    );
    expectErrorEnvelope(weak, 400, 'INVALID_INPUT');
    expect((weak.body as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('newPassword');
    expectErrorEnvelope(
      await post('/auth/password', { currentPassword: patient.password, newPassword: password }),
      401,
      'UNAUTHENTICATED',
    );

    const changed = await post(
      '/auth/password',
      { currentPassword: patient.password, newPassword: password },
      patient.accessToken,
    );
    expect(changed.status).toBe(204);
    expect((await me(patient.accessToken)).status).toBe(200);
    expectErrorEnvelope(await me(other.accessToken), 401, 'UNAUTHENTICATED');
    await signInFails(patient.email, patient.password);
    expect((await login(patient.email, password)).id).toBe(patient.id);
  });

  it('registering twice with one address gets the same status and body; nothing changes and the owner is told', async () => {
    const email = uniqueEmail('twice');
    const password = strongPassword();
    const register = (chosen: string, fullName: string) =>
      post('/auth/register', { email, password: chosen, fullName, dateOfBirth: '1980-05-17', hospital: 'hospital-a' });

    const timed = async (call: () => Promise<ApiResponse>) => {
      const startedAt = performance.now();
      const response = await call();
      return { response, ms: performance.now() - startedAt };
    };
    const { response: first, ms: firstMs } = await timed(() => register(password, 'First Registrant'));
    const { response: second, ms: secondMs } = await timed(() => register(strongPassword(), 'Second Registrant'));
    expect(first.status).toBe(202);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.text).toBe(first.text);
    // Not answered at once (a lookup and a hash): padded to about what creating an account takes.
    expect(secondMs).toBeGreaterThan(firstMs * 0.5);

    // The account is the first registrant's, unchanged.
    const patient = await login(email, password);
    const [row] = await database.query<Array<{ full_name: string }>>('SELECT full_name FROM users WHERE id = $1', [
      patient.id,
    ]);
    expect(row!.full_name).toBe('First Registrant');
    const { text } = await mailTo(email, /someone tried to register with your e-mail address/);
    expect(text).toContain('Nothing was changed');
    expect(text).not.toContain('Second Registrant');
    // One such e-mail per quarter of an hour, however often someone tries.
    await register(strongPassword(), 'Third Registrant');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      smtp.messagesTo(email).filter((mail) => /someone tried to register/.test(subjectOf(mail) ?? '')),
    ).toHaveLength(1);
  });

  it('a bootstrap admin’s address cannot be registered, even before that admin exists', async () => {
    const adminB = await bootstrapAdmin('hospital-b');
    const taken = await post('/auth/register', {
      email: adminB.email.toUpperCase(),
      password: strongPassword(),
      fullName: 'Not The Admin',
      dateOfBirth: '1970-01-01',
      hospital: 'hospital-b',
    });
    const fresh = await post('/auth/register', {
      email: uniqueEmail('fresh'),
      password: strongPassword(),
      fullName: 'A Patient',
      dateOfBirth: '1970-01-01',
      hospital: 'hospital-b',
    });
    expect(taken.status).toBe(202);
    expect(taken.text).toBe(fresh.text);
    const [admins] = await database.query<Array<{ count: number; role: string }>>(
      'SELECT count(*)::int AS count, min(role) AS role FROM users WHERE lower(email) = lower($1)',
      [adminB.email],
    );
    expect(admins).toEqual({ count: 1, role: 'admin' });
    expect((await login(adminB.email, adminB.password)).id).toBe(adminB.id);

    // An API whose BOOTSTRAP_ADMINS names an admin not created (yet: an unknown hospital here).
    const reserved = uniqueEmail('first-admin');
    const api = new ApiProcess('api-account-passwords', spareApiPort(25));
    await api.start({
      BOOTSTRAP_ADMINS: `${process.env.BOOTSTRAP_ADMINS ?? ''},hospital-z:${reserved}:${strongPassword()}`,
    });
    try {
      const chosen = strongPassword();
      const answer = await post(
        '/auth/register',
        {
          email: reserved,
          password: chosen,
          fullName: 'Early Bird',
          dateOfBirth: '1970-01-01',
          hospital: 'hospital-a',
        },
        undefined,
        api.url,
      );
      expect(answer.status).toBe(202);
      expect(answer.text).toBe(fresh.text);
      const rows = await database.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [reserved]);
      expect(rows).toEqual([]);
      await signInFails(reserved, chosen);
    } finally {
      await api.stop();
    }
  }, 120_000);

  it('a suspension is refused at the next request, even for a session its sign-in opened meanwhile', async () => {
    const patient = await registerPatient();
    expect((await me(patient.accessToken)).status).toBe(200);
    // As if a sign-in's session were written just after the suspension ended the sessions:
    // the account's status alone refuses it.
    await database.query("UPDATE users SET status = 'suspended' WHERE id = $1", [patient.id]);
    try {
      expectErrorEnvelope(await me(patient.accessToken), 401, 'UNAUTHENTICATED');
      expectErrorEnvelope(
        await callApi('/api/v1/reports', { headers: bearer(patient.accessToken) }),
        401,
        'UNAUTHENTICATED',
      );
    } finally {
      await database.query("UPDATE users SET status = 'active' WHERE id = $1", [patient.id]);
    }
    // The session was not ended: only the status refused it.
    expect((await me(patient.accessToken)).status).toBe(200);

    // Through the admin: the suspended user's next request is refused, and so is signing in.
    const { id, email } = await createDoctor();
    const token = tokenIn((await mailTo(email, /choose the password/)).text, '/activate');
    const password = strongPassword();
    expect((await post('/auth/activate', { token, password })).status).toBe(200);
    const doctor = await login(email, password);
    expect((await me(doctor.accessToken)).status).toBe(200);
    const suspended = await callApi(`/api/v1/admin/users/${id}`, {
      method: 'PATCH',
      ...jsonBody({ status: 'suspended' }, bearer(admin.accessToken)),
    });
    expect(suspended.status).toBe(200);
    expectErrorEnvelope(await me(doctor.accessToken), 401, 'UNAUTHENTICATED');
    await signInFails(email, password);
  });

  it('no password or link token reaches the API’s log', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last lines reach the file
    const size = statSync(apiLog).size;
    const handle = openSync(apiLog, 'r');
    const buffer = Buffer.alloc(Math.max(0, size - logStart));
    try {
      readSync(handle, buffer, 0, buffer.length, logStart);
    } finally {
      closeSync(handle);
    }
    const log = buffer.toString('utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
