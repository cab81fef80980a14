/**
 * Accounts for the browser suites: what a person types into the portal's sign-in page.
 * (test/support/accounts.ts creates accounts through the API and signs them in there.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_DIR } from './network-profile.js';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * The first admin of a hospital as the running API has it: BOOTSTRAP_ADMINS from the
 * environment (`npm test` exports it), else from the secrets file `npm start` wrote.
 */
export function bootstrapAdminCredentials(hospital: string): Credentials {
  let admins = process.env.BOOTSTRAP_ADMINS;
  if (!admins) {
    const file = path.join(RUN_DIR, 'api', 'secrets.env');
    const line = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .find((entry) => entry.startsWith('BOOTSTRAP_ADMINS='))
      : undefined;
    admins = line?.slice('BOOTSTRAP_ADMINS='.length) ?? '';
  }
  const entry = admins
    .split(',')
    .map((item) => item.split(':'))
    .find(([name]) => name === hospital);
  if (!entry || entry.length < 3)
    throw new Error(`BOOTSTRAP_ADMINS names no admin of ${hospital}: start the system with npm start first`);
  const [, email, ...password] = entry;
  return { email: email!, password: password.join(':') };
}
