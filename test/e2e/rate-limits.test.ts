import { randomUUID } from 'node:crypto';
import { expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, registerPatient, type SignedIn } from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { ClientAt, spareLoopbackAddress } from '../support/from-address.js';

/**
 * The rate limits of the costly routes, on two API processes of their own with tiny limits
 * (so that the API the other suites use keeps its defaults) and a window of an hour (so
 * that nothing refills during the test). Every case calls from a loopback address of its
 * own and alternates between the two processes: the second call, on the other process,
 * finds the budget the first spent.
 */
const SETTINGS = {
  RATE_LIMIT_WINDOW_SECONDS: '3600',
  RATE_LIMIT_REGISTER: '2',
  RATE_LIMIT_ACCOUNT_LINKS: '1',
  RATE_LIMIT_LEDGER_CHECK: '1/1000',
  RATE_LIMIT_UPLOAD: '1/1000',
  RATE_LIMIT_VERIFY: '1/1000',
  RATE_LIMIT_CONTENT: '1/1000',
  RATE_LIMIT_EMERGENCY: '1/1000',
  RATE_LIMIT_SEARCH: '1/1000',
  RATE_LIMIT_LEDGER_WRITE: '1/1000',
  // Two per address, five per user: the address's budget is the one that runs out.
  RATE_LIMIT_AUDIT: '5/2',
};

type Role = 'patient' | 'doctor' | 'admin' | 'auditor';

interface LimitedRoute {
  limit: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** As the OpenAPI document names it. */
  path: string;
  role: Role | null;
  /** Requests that go through before the next is refused. */
  budget: number;
  json?: unknown;
  query?: string;
}

const ID = randomUUID();

const ROUTES: LimitedRoute[] = [
  { limit: 'register', method: 'POST', path: '/api/v1/auth/register', role: null, budget: 2, json: {} },
  { limit: 'account-links', method: 'POST', path: '/api/v1/auth/activate', role: null, budget: 1, json: {} },
  { limit: 'account-links', method: 'POST', path: '/api/v1/auth/password-reset', role: null, budget: 1, json: {} },
  {
    limit: 'account-links',
    method: 'POST',
    path: '/api/v1/auth/password-reset/confirm',
    role: null,
    budget: 1,
    json: {},
  },
  { limit: 'ledger-check', method: 'POST', path: '/api/v1/auth/me/ledger-check', role: 'patient', budget: 1 },
  { limit: 'upload', method: 'POST', path: '/api/v1/reports', role: 'doctor', budget: 1, json: {} },
  { limit: 'verify', method: 'POST', path: '/api/v1/reports/{id}/verify', role: 'patient', budget: 1 },
  { limit: 'content', method: 'GET', path: '/api/v1/reports/{id}/content', role: 'patient', budget: 1 },
  { limit: 'emergency', method: 'POST', path: '/api/v1/emergency-access', role: 'doctor', budget: 1, json: {} },
  { limit: 'search', method: 'GET', path: '/api/v1/patients', role: 'doctor', budget: 1, query: '?query=zz' },
  { limit: 'search', method: 'GET', path: '/api/v1/admin/users/search', role: 'admin', budget: 1, query: '?query=zz' },
  { limit: 'ledger-write', method: 'POST', path: '/api/v1/access-requests', role: 'doctor', budget: 1, json: {} },
  {
    limit: 'ledger-write',
    method: 'POST',
    path: '/api/v1/access-requests/{id}/approve',
    role: 'patient',
    budget: 1,
    json: {},
  },
  {
    limit: 'ledger-write',
    method: 'POST',
    path: '/api/v1/access-requests/{id}/deny',
    role: 'patient',
    budget: 1,
    json: {},
  },
  { limit: 'ledger-write', method: 'DELETE', path: '/api/v1/access-requests/{id}', role: 'doctor', budget: 1 },
  { limit: 'ledger-write', method: 'POST', path: '/api/v1/grants', role: 'patient', budget: 1, json: {} },
  { limit: 'ledger-write', method: 'DELETE', path: '/api/v1/grants/{id}', role: 'patient', budget: 1 },
  { limit: 'ledger-write', method: 'POST', path: '/api/v1/admin/care-assignments', role: 'admin', budget: 1, json: {} },
  { limit: 'ledger-write', method: 'DELETE', path: '/api/v1/admin/care-assignments/{id}', role: 'admin', budget: 1 },
  { limit: 'ledger-write', method: 'POST', path: '/api/v1/admin/users', role: 'admin', budget: 1, json: {} },
  { limit: 'ledger-write', method: 'PATCH', path: '/api/v1/admin/users/{id}', role: 'admin', budget: 1, json: {} },
  {
    limit: 'ledger-write',
    method: 'POST',
    path: '/api/v1/audit/emergencies/{id}/review',
    role: 'auditor',
    budget: 1,
    json: {},
  },
  {
    limit: 'audit',
    method: 'GET',
    path: '/api/v1/audit/integrity-report',
    role: 'auditor',
    budget: 2,
    query: `?patientId=${ID}`,
  },
  { limit: 'audit', method: 'GET', path: '/api/v1/system/status', role: 'admin', budget: 2 },
];

describe('rate limits of the costly routes, shared by two API processes', () => {
  const first = new ApiProcess('api-rate-limits-1', spareApiPort(10));
  const second = new ApiProcess('api-rate-limits-2', spareApiPort(11));
  const clients: ClientAt[] = [];
  let admin: SignedIn;

  /** Clients at one new loopback address, one for each process. */
  const clientsAtNewAddress = (address = spareLoopbackAddress()): [ClientAt, ClientAt] => {
    const pair: [ClientAt, ClientAt] = [new ClientAt(address, first.url), new ClientAt(address, second.url)];
    clients.push(...pair);
    return pair;
  };

  const newUser = (role: Role): Promise<SignedIn> =>
    role === 'patient' ? registerPatient() : createStaff(admin, role);

  beforeAll(async () => {
    await Promise.all([first.start(SETTINGS), second.start(SETTINGS)]);
    admin = await bootstrapAdmin('hospital-a');
  }, 180_000);

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await Promise.all([first.stop(), second.stop()]);
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers 429 RATE_LIMITED with Retry-After once its budget is spent, whichever process is asked',
    async (_, route) => {
      const user = route.role ? await newUser(route.role) : null;
      const processes = clientsAtNewAddress();
      const call = (index: number) =>
        processes[index % 2]!.call(route.path.replace('{id}', ID) + (route.query ?? ''), {
          method: route.method,
          json: route.json,
          headers: user ? bearer(user.accessToken) : {},
        });
      for (let index = 0; index < route.budget; index += 1) {
        const allowed = await call(index);
        // Whatever the route answers (200, 400 for an empty body, 404 for an unknown id), not 429 yet.
        expect(allowed.status).not.toBe(429);
        expect(allowed.status).toBeLessThan(500);
      }
      const refused = await call(route.budget);
      expectRateLimited(refused);
    },
  );

  it('bounds everyone behind one address together, and nobody at another address', async () => {
    const [alice, bob] = await Promise.all([createStaff(admin, 'admin'), createStaff(admin, 'admin')]);
    const [atFirst, atSecond] = clientsAtNewAddress();
    const status = (client: ClientAt, user: SignedIn) =>
      client.call('/api/v1/system/status', { headers: bearer(user.accessToken) });
    expect((await status(atFirst, alice)).status).toBe(200);
    expect((await status(atSecond, bob)).status).toBe(200);
    // Alice has four of her own five left, but her address has spent its two.
    const refused = await status(atFirst, alice);
    expectRateLimited(refused);
    expect((refused.body as { message: string }).message).toMatch(/your address/);
    const [elsewhere] = clientsAtNewAddress();
    expect((await status(elsewhere, bob)).status).toBe(200);
  });

  it('counts an anonymous route per address only', async () => {
    const [here, hereOnSecond] = clientsAtNewAddress();
    const [there] = clientsAtNewAddress();
    const register = (client: ClientAt) => client.call('/api/v1/auth/register', { method: 'POST', json: {} });
    expect((await register(here)).status).toBe(400);
    expect((await register(hereOnSecond)).status).toBe(400);
    expectRateLimited(await register(here));
    expect((await register(there)).status).toBe(400);
  });

  it('declares 429 with Retry-After on every limited operation of the OpenAPI document', async () => {
    const response = await clientsAtNewAddress()[0].call('/api/docs-json');
    const document = response.body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const missing = ROUTES.filter((route) => {
      const answer = document.paths[route.path]?.[route.method.toLowerCase()]?.responses['429'];
      return !answer?.headers?.['Retry-After'];
    }).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });
});

function expectRateLimited(response: ApiResponse): void {
  expectErrorEnvelope(response, 429, 'RATE_LIMITED');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect((response.body as { retryAfterSeconds: number }).retryAfterSeconds).toBe(retryAfter);
}
