import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { callApi } from './api.js';
import { RUN_DIR } from './network-profile.js';

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
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const jsonBody = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export async function login(email: string, password: string): Promise<SignedIn> {
  const response = await callApi('/api/v1/auth/login', { method: 'POST', ...jsonBody({ email, password }) });
  if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${response.text}`);
  const body = response.body as { accessToken: string; refreshToken: string; user: { id: string } };
  return { id: body.user.id, email, password, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** Registers a patient (with a name, birth date and e-mail: PHI that must stay off the ledger) and signs in. */
export async function registerPatient(
  hospital = 'hospital-a',
  fullName = `Patient ${randomUUID().slice(0, 6)}`,
): Promise<SignedIn> {
  const email = uniqueEmail('patient');
  const password = strongPassword();
  const response = await callApi('/api/v1/auth/register', {
    method: 'POST',
    ...jsonBody({ email, password, fullName, dateOfBirth: '1984-03-21', hospital }),
  });
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${response.text}`);
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

/** The first admin of a hospital, as `npm start`/`npm test` configured it (BOOTSTRAP_ADMINS). */
export async function bootstrapAdmin(hospital: string): Promise<SignedIn> {
  const entry = bootstrapAdmins()
    .split(',')
    .map((item) => item.split(':'))
    .find(([name]) => name === hospital);
  if (!entry) throw new Error(`BOOTSTRAP_ADMINS names no admin of ${hospital}: start the system with npm start first`);
  const [, email, ...password] = entry;
  return login(email!, password.join(':'));
}

/** An admin creates a staff account of their hospital; the new user signs in. */
export async function createStaff(admin: SignedIn, role: 'doctor' | 'auditor' | 'admin'): Promise<SignedIn> {
  const email = uniqueEmail(role);
  const password = strongPassword();
  const response = await callApi('/api/v1/admin/users', {
    method: 'POST',
    ...jsonBody(
      {
        email,
        password,
        fullName: `${role} ${randomUUID().slice(0, 6)}`,
        role,
        ...(role === 'doctor' ? { licenseNumber: 'MD-12345' } : {}),
      },
      bearer(admin.accessToken),
    ),
  });
  if (response.status !== 201) throw new Error(`creating a ${role} failed: ${response.status} ${response.text}`);
  return login(email, password);
}
