/**
 * Sign-in throughput and the per-request cost of authentication, on the running API.
 *
 * - logins: POST /auth/login (argon2id verification, session and refresh token written)
 *   at 32 concurrent clients, each with its own account;
 * - authentication cost: GET /auth/me (JWT verification + live-session check + the user
 *   row) against the same-run baseline GET /health (no authentication), sequentially.
 *
 *   npm run bench:auth [-- --transactions 320 --concurrency 32]
 */
import { callApi } from '../test/support/api.js';
import { bearer, jsonBody, registerPatient, type SignedIn } from '../test/support/accounts.js';
import { formatRun, measure, parseBenchArgs } from './support/measure.js';

async function main(): Promise<void> {
  const { transactions, concurrency } = parseBenchArgs(process.argv.slice(2), { transactions: 320, concurrency: [32] });
  const clients = Math.max(...concurrency);
  const accounts: SignedIn[] = [];
  for (let i = 0; i < clients; i += 1) accounts.push(await registerPatient());

  let next = 0;
  const logins = await measure(transactions, clients, async () => {
    const account = accounts[next++ % accounts.length];
    const response = await callApi('/api/v1/auth/login', {
      method: 'POST',
      ...jsonBody({ email: account.email, password: account.password }),
    });
    if (response.status !== 200) throw new Error(`login answered ${response.status}: ${response.text}`);
  });
  console.log(`logins (argon2id m=19 MiB t=2 p=1), ${transactions} at ${clients} concurrent clients`);
  console.log(formatRun(`concurrency ${clients}`, logins));

  const requests = 2000;
  const token = accounts[0].accessToken;
  const warm = async () => {
    for (let i = 0; i < 200; i += 1) {
      await callApi('/api/v1/health');
      await callApi('/api/v1/auth/me', { headers: bearer(token) });
    }
  };
  await warm();
  const baseline = await measure(requests, 1, async () => {
    if ((await callApi('/api/v1/health')).status !== 200) throw new Error('health failed');
  });
  const authenticated = await measure(requests, 1, async () => {
    if ((await callApi('/api/v1/auth/me', { headers: bearer(token) })).status !== 200) throw new Error('me failed');
  });
  console.log(`\nper-request authentication, ${requests} sequential requests each`);
  console.log(formatRun('GET /health', baseline));
  console.log(formatRun('GET /auth/me', authenticated));
  const costMicros = (authenticated.p50 - baseline.p50) * 1000;
  console.log(
    `authentication (JWT + session check + user row): ${costMicros.toFixed(0)} µs per request at p50; ratio to the unauthenticated baseline ${(authenticated.p50 / baseline.p50).toFixed(2)}x`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
