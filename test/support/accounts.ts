import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi } from './api.js';
import { phiName } from './phi.js';
import { PROJECT_DIR, RUN_DIR } from './network-profile.js';
import { knownSecondFactor, nextTotpCode, rememberSecondFactor } from './second-factor.js';

/** A password that meets the policy and is different every time. */
export const strongPassword = () => `Pw-${randomUUID()}`;

/** A unique, recognisable e-mail address for a test account. */
export const uniqueEmail = (who: string) => `${who}.${randomUUID().slice(0, 8)}@medledger.test`;

export interface SignedIn {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** The account's TOTP secret (base32) when it has a second factor: codes from test/support/second-factor.ts. */
  totpSecret?: string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const jsonBody = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  secondFactorEnrolmentRequired?: boolean;
  user: { id: string };
}

/**
 * Signs in as a user would, fully: with the password, then (the account has a second
 * factor) a TOTP code the suites compute; a staff member without a second factor enrols
 * one first (the secret remembered for later sign-ins), so that the session reaches
 * everything their role may.
 */
export async function login(email: string, password: string): Promise<SignedIn> {
  const response = await callApi('/api/v1/auth/login', { method: 'POST', ...jsonBody({ email, password }) });
  if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${response.text}`);
  const answer = response.body as TokenAnswer | { secondFactorRequired: true; challengeId: string };
  if ('challengeId' in answer) {
    if (!knownSecondFactor(email))
      throw new Error(`login of ${email} asks for a second factor whose secret the suites do not know`);
    const completed = await callApi('/api/v1/auth/login/second-factor', {
      method: 'POST',
      ...jsonBody({ challengeId: answer.challengeId, code: await nextTotpCode(email) }),
    });
    if (completed.status !== 200)
      throw new Error(`login of ${email} failed at the second factor: ${completed.status} ${completed.text}`);
    return signedInOf(email, password, completed.body as TokenAnswer);
  }
  const signedIn = signedInOf(email, password, answer);
  if (!answer.secondFactorEnrolmentRequired) return signedIn;
  // A staff member's first sign-in: enrol, leave the enrolment session, sign in with the code.
  await enrolSecondFactor(signedIn);
  await callApi('/api/v1/auth/logout', { method: 'POST', headers: bearer(signedIn.accessToken) });
  return login(email, password);
}

const signedInOf = (email: string, password: string, body: TokenAnswer): SignedIn => ({
  id: body.user.id,
  email,
  password,
  accessToken: body.accessToken,
  refreshToken: body.refreshToken,
  totpSecret: knownSecondFactor(email),
});

/**
 * Enrols a TOTP second factor for a signed-in account (POST /auth/second-factor, then a
 * computed code to /confirm): the secret is remembered for its later sign-ins (a bootstrap
 * admin's in .run/test, for later suites). Returns the secret and the recovery codes.
 */
export async function enrolSecondFactor(account: SignedIn): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await callApi('/api/v1/auth/second-factor', { method: 'POST', headers: bearer(account.accessToken) });
  if (started.status !== 201)
    throw new Error(`second-factor enrolment of ${account.email} failed: ${started.status} ${started.text}`);
  const { secret } = started.body as { secret: string };
  rememberSecondFactor(account.email, secret, { persisted: isBootstrapAdmin(account.email) });
  const confirmed = await callApi('/api/v1/auth/second-factor/confirm', {
    method: 'POST',
    ...jsonBody({ code: await nextTotpCode(account.email) }, bearer(account.accessToken)),
  });
  if (confirmed.status !== 200)
    throw new Error(`confirming the second factor of ${account.email} failed: ${confirmed.status} ${confirmed.text}`);
  account.totpSecret = secret;
  return { secret, recoveryCodes: (confirmed.body as { recoveryCodes: string[] }).recoveryCodes };
}

/**
 * Registers a patient (with a name, birth date and e-mail: PHI that must stay off the ledger
 * and out of the logs; the name a registered probe unless given) and signs in.
 */
export async function registerPatient(hospital = 'hospital-a', fullName = phiName()): Promise<SignedIn> {
  const email = uniqueEmail('patient');
  const password = strongPassword();
  const response = await callApi('/api/v1/auth/register', {
    method: 'POST',
    ...jsonBody({ email, password, fullName, dateOfBirth: '1984-03-21', hospital }),
  });
  // 202 whether or not the address had an account (it never has here: a new one each time).
  if (response.status !== 202) throw new Error(`registration failed: ${response.status} ${response.text}`);
  return login(email, password);
}

/**
 * BOOTSTRAP_ADMINS as the running API has it: from the environment (`npm test` exports it),
 * else from the secrets file `npm start` wrote (so that benchmarks run after `npm start`).
 */
function bootstrapAdmins(): string {
  if (process.env.BOOTSTRAP_ADMINS) return process.env.BOOTSTRAP_ADMINS;
  const file = path.join(RUN_DIR, 'api', 'secrets.env');
  const line = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .find((entry) => entry.startsWith('BOOTSTRAP_ADMINS='))
    : undefined;
  return line?.slice('BOOTSTRAP_ADMINS='.length) ?? '';
}

const bootstrapAdminEntries = () =>
  bootstrapAdmins()
    .split(',')
    .map((item) => item.split(':'));

const isBootstrapAdmin = (email: string) =>
  bootstrapAdminEntries().some(([, admin]) => admin?.toLowerCase() === email.trim().toLowerCase());

/**
 * The first admin of a hospital, as `npm start`/`npm test` configured it (BOOTSTRAP_ADMINS),
 * signed in with their second factor (enrolled at their first sign-in by the suites, which
 * keep its secret in .run/test).
 */
export async function bootstrapAdmin(hospital: string): Promise<SignedIn> {
  const entry = bootstrapAdminEntries().find(([name]) => name === hospital);
  if (!entry) throw new Error(`BOOTSTRAP_ADMINS names no admin of ${hospital}: start the system with npm start first`);
  const [, email, ...password] = entry;
  return login(email!, password.join(':'));
}

/**
 * An admin creates a staff account of their hospital; the new user signs in, enrolling their
 * second factor at the first sign-in (TOTP, mandatory for staff), then signing in with it:
 * a fully usable account, `totpSecret` included.
 */
export async function createStaff(admin: SignedIn, role: 'doctor' | 'auditor' | 'admin'): Promise<SignedIn> {
  const { email, password } = await createStaffAccount(admin, role);
  return login(email, password);
}

/**
 * An admin creates a staff account of their hospital (no password: it is pending), and its
 * owner activates it with a password of their own; ready for its first sign-in (no second
 * factor yet: `login` enrols one then).
 *
 * SETUP SHORTCUT: the activation link is read from the mail outbox table in PostgreSQL
 * (activationTokenFromOutbox), not from an e-mail, so that the ~40 suites that need staff
 * need no SMTP server. The path a person takes, the e-mail through a real SMTP server, is
 * tested by test/e2e/account-passwords.test.ts.
 */
export async function createStaffAccount(
  admin: SignedIn,
  role: 'doctor' | 'auditor' | 'admin',
): Promise<{ id: string; email: string; password: string }> {
  const email = uniqueEmail(role);
  const password = strongPassword();
  const response = await callApi('/api/v1/admin/users', {
    method: 'POST',
    ...jsonBody(
      {
        email,
        fullName: `${role} ${randomUUID().slice(0, 6)}`,
        role,
        ...(role === 'doctor' ? { licenseNumber: 'MD-12345' } : {}),
      },
      bearer(admin.accessToken),
    ),
  });
  if (response.status !== 201) throw new Error(`creating a ${role} failed: ${response.status} ${response.text}`);
  const { id } = response.body as { id: string };
  await activateFromOutbox(admin, id, password);
  return { id, email, password };
}

/**
 * Activates a pending account with `password`, from the token of its activation e-mail as
 * the mail outbox holds it until the e-mail is sent (a setup shortcut, see
 * createStaffAccount). When the e-mail went out first (a suite's SMTP server is listening:
 * sending erases the token), the admin sends a new link and the shortcut reads that one.
 */
export async function activateFromOutbox(admin: SignedIn, userId: string, password: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const token = await activationTokenFromOutbox(userId);
    if (token) {
      const activated = await callApi('/api/v1/auth/activate', { method: 'POST', ...jsonBody({ token, password }) });
      if (activated.status === 200) return;
      if (activated.status === 429) {
        // Every suite activates from one address: wait for the address's budget, as a client would.
        await new Promise((resolve) => setTimeout(resolve, Number(activated.headers.get('retry-after') ?? 1) * 1000));
        attempt -= 1;
        continue;
      }
      // A link replaced or sent meanwhile: try the newest.
      if (attempt >= 5) throw new Error(`activating ${userId} failed: ${activated.status} ${activated.text}`);
    } else if (attempt >= 5) {
      throw new Error(`no activation link of ${userId} in the mail outbox`);
    }
    const resent = await callApi(`/api/v1/admin/users/${userId}/activation`, {
      method: 'POST',
      headers: bearer(admin.accessToken),
    });
    if (resent.status !== 202)
      throw new Error(`resending the activation of ${userId} failed: ${resent.status} ${resent.text}`);
  }
}

/**
 * The token of the newest activation e-mail of a user that is still in the mail outbox (a
 * setup shortcut for the suites: only the e-mail carries it, and sending it erases it from
 * the outbox); null when there is none.
 */
export async function activationTokenFromOutbox(userId: string): Promise<string | null> {
  const database = await new DataSource({ ...dataSourceOptions(databaseUrl()), extra: { max: 1 } }).initialize();
  try {
    const [row] = await database.query<Array<{ token: string }>>(
      `SELECT link_token AS token FROM mail_outbox
       WHERE user_id = $1 AND kind = 'account-activation' AND link_token IS NOT NULL
       ORDER BY created_at DESC LIMIT 1`,
      [userId],
    );
    return row?.token ?? null;
  } finally {
    await database.destroy();
  }
}

/** The API's database: DATABASE_URL (`npm test` sets it), else the project's own server (benchmarks after `npm start`). */
function databaseUrl(): string {
  return (
    process.env.DATABASE_URL ??
    execFileSync('bash', [path.join(PROJECT_DIR, 'scripts', 'postgres.sh'), 'url'], { encoding: 'utf8' }).trim()
  );
}
