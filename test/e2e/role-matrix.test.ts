import { callApi, expectErrorEnvelope } from '../support/api.js';
import { bootstrapAdmin, bearer, createStaff, registerPatient, type SignedIn } from '../support/accounts.js';

interface Operation {
  security?: unknown[];
  responses: Record<string, { description?: string }>;
}

const ROLES = ['doctor', 'patient', 'auditor', 'admin'] as const;
type Role = (typeof ROLES)[number];
const PUBLIC = new Set([
  'GET /api/v1/health',
  'GET /api/v1/health/ready',
  'GET /metrics',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'GET /api/v1/hospitals',
]);
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Walks every route of the generated OpenAPI document: each one is either on the public
 * list or names its roles; without a token it answers 401; for every role it does not name,
 * 403 — all in the error envelope.
 */
describe('role matrix over every route of the OpenAPI document', () => {
  const tokens = {} as Record<Role, SignedIn>;
  let routes: Array<{ method: string; path: string; allowed: Role[] | 'public' }>;

  beforeAll(async () => {
    const admin = await bootstrapAdmin('hospital-a');
    tokens.admin = admin;
    [tokens.doctor, tokens.auditor, tokens.patient] = await Promise.all([
      createStaff(admin, 'doctor'),
      createStaff(admin, 'auditor'),
      registerPatient(),
    ]);
    const document = (await callApi('/api/docs-json')).body as { paths: Record<string, Record<string, Operation>> };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => {
        const key = `${method.toUpperCase()} ${path}`;
        const description = operation.responses['403']?.description ?? '';
        const named = /^Allowed roles: (.+)$/.exec(description)?.[1]?.split(', ') as Role[] | undefined;
        return {
          method: method.toUpperCase(),
          path: path.replace(/\{[^}]+\}/g, SAMPLE_ID),
          allowed: PUBLIC.has(key) ? 'public' : (named ?? []),
        };
      }),
    );
  });

  it('has a rule for every route: public, or the roles it allows', () => {
    expect(routes.length).toBeGreaterThan(10);
    const withoutRule = routes.filter((route) => route.allowed !== 'public' && route.allowed.length === 0);
    expect(withoutRule).toEqual([]);
  });

  it('refuses every non-public route without a token (401) and to every role it does not name (403)', async () => {
    for (const route of routes) {
      if (route.allowed === 'public') continue;
      const init = {
        method: route.method,
        headers: { 'Content-Type': 'application/json' },
        body: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}',
      };
      expectErrorEnvelope(await callApi(route.path, init), 401, 'UNAUTHENTICATED');
      expectErrorEnvelope(
        await callApi(route.path, { ...init, headers: { ...init.headers, Authorization: 'Bearer not.a.token' } }),
        401,
        'UNAUTHENTICATED',
      );
      for (const role of ROLES.filter((candidate) => !(route.allowed as Role[]).includes(candidate))) {
        const response = await callApi(route.path, {
          ...init,
          headers: { ...init.headers, ...bearer(tokens[role].accessToken) },
        });
        expect({ route: `${route.method} ${route.path}`, role, status: response.status }).toEqual({
          route: `${route.method} ${route.path}`,
          role,
          status: 403,
        });
        expectErrorEnvelope(response, 403, 'FORBIDDEN');
      }
    }
  });
});
