import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
} from '../support/accounts.js';
import { PROJECT_DIR } from '../support/network-profile.js';
import { phiText, probeWord } from '../support/phi.js';
import { uploadReport } from '../support/uploads.js';

/*
 * The role matrix, checked against the contract's own tables of roles: the Method | Path |
 * Who columns of ../shared/design/api-contract.md, parsed at test time, never the code's
 * decorators (they are what this suite tests). For every route the code serves: 401
 * without a token, the guard's 403 for every role the contract does not name, and every
 * role it names gets past the guard.
 */

/**
 * The REST contract's own tables, as a fixture: a copy of ../shared/design/api-contract.md
 * (the design shared with the team, not part of a clone) taken when this suite was written;
 * refresh it when the contract changes.
 */
const CONTRACT_FILE = path.resolve(PROJECT_DIR, 'test', 'fixtures', 'api-contract.md');
const ROLES = ['doctor', 'patient', 'auditor', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Who = readonly Role[] | 'public';
const ALL: readonly Role[] = ROLES;

/**
 * The contract's words in its Who column and the roles they stand for; what a phrase adds
 * in parentheses ("doctor (care or grant)") is the service's rule, not the guard's. A
 * phrase not listed here fails the suite: extend this table, explicitly.
 */
const WHO_WORDS: Record<string, Who> = {
  anyone: 'public',
  'anyone with a link': 'public',
  'anyone with a challenge': 'public',
  scrape: 'public',
  'any role': ALL,
  // Notifications: every user has their own, whatever the role.
  'the owner': ALL,
  doctor: ['doctor'],
  'the requesting doctor': ['doctor'],
  patient: ['patient'],
  'the patient': ['patient'],
  // A report's author: a doctor, or the patient for a record of their own (POST /reports).
  author: ['doctor', 'patient'],
  // Grants go to doctors (one, a hospital's, a care team).
  grantee: ['doctor'],
  'grantee with an active grant': ['doctor'],
  auditor: ['auditor'],
  admin: ['admin'],
};

/**
 * Routes the code serves beyond the contract ("anything more may be added"), with their
 * roles. A route of the OpenAPI document in neither the contract nor here fails the suite.
 */
const ADDITIONS: Record<string, Who> = {
  // The hospitals one may register with or grant to: the sign-up page lists them before sign-in.
  'GET /api/v1/hospitals': 'public',
  // A no-op ledger transaction signed with the caller's own certificate (docs: proof of identity).
  'POST /api/v1/auth/me/ledger-check': ALL,
  // The admin's reads for the portal's care-team pages: the hospital's assignments, users by name.
  'GET /api/v1/admin/care-assignments': ['admin'],
  'GET /api/v1/admin/users/search': ['admin'],
  // The patient's own open erasure request and its state (the contract names POST and DELETE).
  'GET /api/v1/me/erasure-request': ['patient'],
  // Whether the caller has a second factor, whether their role must, recovery codes left (the portal's page).
  'GET /api/v1/auth/second-factor': ALL,
  // Any signed-in user changes their own password (given the current one).
  'POST /api/v1/auth/password': ALL,
  // An admin sends a pending account of their hospital a new activation e-mail.
  'POST /api/v1/admin/users/{id}/activation': ['admin'],
};

/**
 * Contract routes the code does not serve yet. Listed so that the gap is explicit; the
 * suite fails when one appears in the OpenAPI document, so that it is then checked here.
 */
const NOT_BUILT = new Set<string>([]);

/**
 * Roles the contract does not name that the guard lets through on purpose, because another
 * check refuses them after recording the attempt: the chaincode refuses an auditor's or an
 * admin's opening of a report's content (403) and writes the refusal on the ledger, where
 * the audit trail shows it. Checked here as a 403 from that check.
 */
const REFUSED_AFTER_THE_GUARD: Record<string, readonly Role[]> = {
  'GET /api/v1/reports/{id}/content': ['auditor', 'admin'],
};

interface ContractRoute {
  key: string;
  who: Who;
  /** The contract's line, for the failure messages. */
  line: number;
}

/** Splits a Markdown table row into its cells (a `\|` inside a cell is not a separator). */
const cellsOf = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

/** The roles of a Who cell: each comma- or semicolon-separated phrase, through WHO_WORDS. */
function rolesOf(cell: string, line: number): Who {
  const phrases = cell
    .replace(/\([^)]*\)/g, '')
    .split(/[,;]/)
    .map((phrase) => phrase.trim().toLowerCase())
    .filter((phrase) => phrase !== '');
  const meanings = phrases.map((phrase) => {
    const meaning = WHO_WORDS[phrase];
    if (meaning === undefined)
      throw new Error(`api-contract.md:${line}: "${phrase}" is not in WHO_WORDS: add what it means`);
    return meaning;
  });
  if (meanings.includes('public')) {
    if (meanings.length > 1) throw new Error(`api-contract.md:${line}: "${cell}" mixes anyone with roles`);
    return 'public';
  }
  return ROLES.filter((role) => meanings.some((roles) => (roles as readonly Role[]).includes(role)));
}

/** `/patients?query=` → `/api/v1/patients`; `/metrics (no prefix)` → `/metrics`; `{anything}` → `{id}`. */
function routeKey(method: string, contractPath: string): string {
  const noPrefix = /\(no prefix\)/.test(contractPath);
  const bare = contractPath
    .replace(/\(no prefix\)/, '')
    .replace(/\?.*$/, '')
    .trim()
    .replace(/\{[^}]+\}/g, '{id}');
  return `${method.toUpperCase()} ${noPrefix ? '' : '/api/v1'}${bare}`;
}

/**
 * Every route of the contract's tables (header `Method | Path | Who | …`), with the routes
 * its Result column names in passing (`POST /audit/emergencies/{id}/review`, or a bare
 * `DELETE` for the row's own path), which take the row's Who.
 */
function parseContract(markdown: string): ContractRoute[] {
  const routes: ContractRoute[] = [];
  let inRoleTable = false;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (!text.trim().startsWith('|')) {
      inRoleTable = false;
      return;
    }
    const cells = cellsOf(text);
    if (cells[0] === 'Method' && cells[1] === 'Path' && cells[2] === 'Who') {
      inRoleTable = true;
      return;
    }
    if (!inRoleTable || /^-+$/.test(cells[0] ?? '')) return;
    const [method, contractPath, whoCell, result = ''] = cells;
    if (!method || !contractPath || whoCell === undefined) throw new Error(`api-contract.md:${line}: not a route row`);
    const who = rolesOf(whoCell, line);
    routes.push({ key: routeKey(method, contractPath), who, line });
    for (const [, named, namedPath] of result.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]+)`/g))
      routes.push({ key: routeKey(named!, namedPath!), who, line });
    for (const [, named] of result.matchAll(/`(GET|POST|PUT|PATCH|DELETE)`/g))
      routes.push({ key: routeKey(named!, contractPath), who, line });
  });
  return routes;
}

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

describe('role matrix: every route of the code against the roles of api-contract.md', () => {
  const users = {} as Record<Role, SignedIn>;
  let contract: Map<string, ContractRoute>;
  let served: string[];
  let reportId: string;
  let samples: { queries: Record<string, string>; bodies: Record<string, unknown> };

  beforeAll(async () => {
    if (!existsSync(CONTRACT_FILE))
      throw new Error(`${CONTRACT_FILE} is missing: copy ../shared/design/api-contract.md there`);
    contract = new Map(parseContract(readFileSync(CONTRACT_FILE, 'utf8')).map((route) => [route.key, route]));
    const admin = await bootstrapAdmin('hospital-a');
    users.admin = admin;
    [users.doctor, users.auditor, users.patient] = await Promise.all([
      createStaff(admin, 'doctor'),
      createStaff(admin, 'auditor'),
      registerPatient(),
    ]);
    const document = (await callApi('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    served = Object.entries(document.paths).flatMap(([openApiPath, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${openApiPath.replace(/\{[^}]+\}/g, '{id}')}`),
    );
    // A real report, so that an opening of its content is refused for who the caller is, not for a missing id.
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: users.patient.id, doctorId: users.doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const uploaded = await uploadReport(
      users.doctor,
      { patientId: users.patient.id, title: phiText('title', 'Role matrix report') },
      { bytes: Buffer.from('%PDF-1.4 role matrix'), contentType: 'application/pdf' },
    );
    expect(uploaded.status).toBe(201);
    reportId = (uploaded.body as { id: string }).id;
    samples = {
      queries: {
        'GET /api/v1/patients': `?query=${probeWord('name')}`,
        'GET /api/v1/audit/integrity-report': `?patientId=${SAMPLE_ID}`,
      },
      bodies: {
        'POST /api/v1/auth/register': {},
        'POST /api/v1/auth/login': {},
        'POST /api/v1/auth/refresh': {},
        // The admin's own address: a conflict, so that no account is created.
        'POST /api/v1/admin/users': {
          email: admin.email,
          fullName: 'Role Matrix',
          role: 'doctor',
          licenseNumber: 'MD-12345',
        },
        'PATCH /api/v1/admin/users/{id}': { status: 'active' },
        'POST /api/v1/admin/care-assignments': { patientId: SAMPLE_ID, doctorId: SAMPLE_ID },
        // A structured case report, for a patient nobody has.
        'POST /api/v1/reports': {
          patientId: SAMPLE_ID,
          title: phiText('title', 'Case report'),
          diagnosis: phiText('diagnosis', 'Suspected'),
          findings: phiText('diagnosis', 'Findings'),
          content: phiText('report text', 'History'),
        },
        'POST /api/v1/access-requests': { patientId: SAMPLE_ID, reason: phiText('reason', 'Second opinion on') },
        'POST /api/v1/access-requests/{id}/approve': { durationDays: 1 },
        'POST /api/v1/access-requests/{id}/deny': { reason: phiText('denial reason', 'Not with') },
        'POST /api/v1/grants': { doctorId: SAMPLE_ID, durationDays: 1 },
        'POST /api/v1/emergency-access': {
          patientId: SAMPLE_ID,
          justification: phiText('justification', 'Unconscious on arrival, history of'),
        },
        'POST /api/v1/audit/emergencies/{id}/review': { outcome: 'appropriate', note: phiText('review note', 'Seen') },
      },
    };
  });

  it('reads the contract: its tables name the routes and roles this suite checks', () => {
    expect(contract.size).toBeGreaterThan(40);
    expect(contract.get('GET /api/v1/patients')?.who).toEqual(['doctor']);
    expect(contract.get('GET /api/v1/patients/{id}/doctors')?.who).toEqual(['patient', 'admin']);
    expect(contract.get('POST /api/v1/reports/{id}/verify')?.who).toEqual(['doctor', 'patient', 'auditor']);
    expect(contract.get('POST /api/v1/audit/emergencies/{id}/review')?.who).toEqual(['auditor']);
    expect(contract.get('DELETE /api/v1/me/erasure-request')?.who).toEqual(['patient']);
    expect(contract.get('GET /metrics')?.who).toBe('public');
  });

  it('serves no route that is neither in the contract nor in the additions; builds what it lists as not built', () => {
    expect(served.filter((key) => !contract.has(key) && !(key in ADDITIONS))).toEqual([]);
    expect(Object.keys(ADDITIONS).filter((key) => !served.includes(key))).toEqual([]);
    expect(Object.keys(ADDITIONS).filter((key) => contract.has(key))).toEqual([]);
    // Every contract route is served, except the ones listed as not built (and they are not).
    expect([...contract.keys()].filter((key) => !served.includes(key) && !NOT_BUILT.has(key))).toEqual([]);
    expect([...NOT_BUILT].filter((key) => served.includes(key) || !contract.has(key))).toEqual([]);
  });

  /** The request of a route as a client would send it: sample ids that name nothing, bodies that pass validation. */
  function requestOf(key: string, token: string | undefined): { path: string; init: RequestInit } {
    const [method, template] = key.split(' ') as [string, string];
    const id = key === 'GET /api/v1/reports/{id}/content' ? reportId : SAMPLE_ID;
    const body = samples.bodies[key] ?? (['GET', 'DELETE'].includes(method) ? undefined : {});
    const headers: Record<string, string> = token ? bearer(token) : {};
    return {
      path: template.replace('{id}', id) + (samples.queries[key] ?? ''),
      init: body === undefined ? { method, headers } : { method, ...jsonBody(body, headers) },
    };
  }

  /**
   * The token an allowed role calls a route with: its own session, except where the call
   * would change the account the other routes use (signing out ends the session; asking
   * for erasure starts one): a fresh session, a fresh patient.
   */
  async function tokenFor(key: string, role: Role): Promise<string> {
    if (key === 'POST /api/v1/auth/logout') return (await login(users[role].email, users[role].password)).accessToken;
    if (key === 'POST /api/v1/me/erasure-request') return (await registerPatient()).accessToken;
    return users[role].accessToken;
  }

  const isGuard401 = (response: ApiResponse) =>
    response.status === 401 && (response.body as { code?: string } | undefined)?.code === 'UNAUTHENTICATED';
  /**
   * The guard's refusal: 403 FORBIDDEN with the guard's message. Some domain refusals
   * share the code FORBIDDEN (another patient's trail, a patient of another hospital, the
   * chaincode's refusal), so the message tells them apart.
   */
  const isGuard403 = (response: ApiResponse) => {
    const body = response.body as { code?: string; message?: string } | undefined;
    return (
      response.status === 403 &&
      body?.code === 'FORBIDDEN' &&
      /^this route (is for: |allows no role)/.test(body.message ?? '')
    );
  };

  it('for every route: 401 without a token, the guard’s 403 for each role the contract does not name, past the guard for each it names', async () => {
    const disagreements: string[] = [];
    const checked = served.map((key) => ({ key, who: contract.get(key)?.who ?? ADDITIONS[key]! }));
    for (const { key, who } of checked) {
      const anonymous = requestOf(key, undefined);
      const answer = await callApi(anonymous.path, anonymous.init);
      if (who === 'public') {
        if (isGuard401(answer) || isGuard403(answer))
          disagreements.push(`${key}: public, but without a token → ${answer.status} ${answer.text}`);
      } else {
        expectErrorEnvelope(answer, 401, 'UNAUTHENTICATED');
        const forged = requestOf(key, 'not.a.token');
        expectErrorEnvelope(await callApi(forged.path, forged.init), 401, 'UNAUTHENTICATED');
      }
      for (const role of ROLES) {
        const allowed = who === 'public' || who.includes(role);
        const token = allowed ? await tokenFor(key, role) : users[role].accessToken;
        const { path: rolePath, init } = requestOf(key, token);
        const response = await callApi(rolePath, init);
        // The fresh patient's erasure request is withdrawn again: nobody is left waiting on it.
        if (key === 'POST /api/v1/me/erasure-request' && allowed)
          await callApi('/api/v1/me/erasure-request', { method: 'DELETE', headers: bearer(token) });
        const seen = `${response.status} ${(response.body as { code?: string } | undefined)?.code ?? ''}`;
        if (isGuard401(response)) {
          disagreements.push(`${key} as ${role}: 401 from the guard with a live session (${response.text})`);
        } else if (allowed && isGuard403(response)) {
          disagreements.push(`${key} as ${role}: the contract allows it, the guard refuses it (${seen})`);
        } else if (!allowed && REFUSED_AFTER_THE_GUARD[key]?.includes(role)) {
          if (response.status !== 403 || isGuard403(response))
            disagreements.push(`${key} as ${role}: expected the chaincode's 403 after the guard, got ${seen}`);
        } else if (!allowed && !isGuard403(response)) {
          disagreements.push(`${key} as ${role}: the contract does not allow it, the guard lets it through (${seen})`);
        } else if (!allowed) {
          expectErrorEnvelope(response, 403, 'FORBIDDEN');
        }
      }
    }
    expect(checked.length).toBeGreaterThan(40);
    expect(disagreements).toEqual([]);
  });
});
