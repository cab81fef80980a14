import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_DIR, RUN_DIR } from '../../test/support/network-profile.js';

/**
 * Gives this process the settings of the system that `npm start` runs, as `npm test` gives
 * them to the suites, for a benchmark that reads the API's database or starts one more API
 * process beside it. What the environment already sets is kept:
 * - DATABASE_URL: the project's own PostgreSQL server (`scripts/postgres.sh url`);
 * - JWT_SECRET, MASTER_KEY, BOOTSTRAP_ADMINS: the API's secrets that `npm start` wrote
 *   into .run/api/secrets.env;
 * - API_NODE_FLAGS: Node's flags for API processes, as scripts/medledger.sh defines them.
 */
export function adoptRunningSystemEnvironment(): void {
  if (!process.env.DATABASE_URL) {
    // postgres.sh creates the server's password when there is none: ask only once it exists.
    if (!existsSync(path.join(RUN_DIR, 'postgres', 'password')))
      throw new Error("DATABASE_URL is not set and the project's PostgreSQL was never started: run npm start first");
    process.env.DATABASE_URL = execFileSync('bash', [path.join(PROJECT_DIR, 'scripts', 'postgres.sh'), 'url'], {
      encoding: 'utf8',
    }).trim();
  }
  const secrets = path.join(RUN_DIR, 'api', 'secrets.env');
  if (!existsSync(secrets)) throw new Error(`${secrets} is missing: run npm start first`);
  for (const line of readFileSync(secrets, 'utf8').split('\n')) {
    const separator = line.indexOf('=');
    if (separator <= 0) continue;
    const name = line.slice(0, separator);
    if (!process.env[name]) process.env[name] = line.slice(separator + 1);
  }
  if (process.env.API_NODE_FLAGS === undefined) {
    const script = readFileSync(path.join(PROJECT_DIR, 'scripts', 'medledger.sh'), 'utf8');
    const flags = /^export API_NODE_FLAGS="([^"]*)"$/m.exec(script)?.[1];
    if (flags === undefined) throw new Error('scripts/medledger.sh no longer defines API_NODE_FLAGS as expected');
    process.env.API_NODE_FLAGS = flags;
  }
}
