import { request } from 'node:http';
import { API_URL, type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import { bearer, bootstrapAdmin, type SignedIn } from '../support/accounts.js';

/*
 * What the OpenAPI document promises of every operation (test/contract fuzzes the rest),
 * the 405 of a method a known path does not have, and the two 500s of issue 16 as
 * regression tests (the NUL in GET /patients?query= is in patient-search.test.ts).
 */

interface Operation {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: { $ref?: string } }>; headers?: Record<string, { required?: boolean }> }
  >;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { additionalProperties?: boolean; properties?: object }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ENVELOPE_FIELDS = ['statusCode', 'code', 'message', 'requestId'];

async function openApiDocument(): Promise<OpenApiDocument> {
  const response = await callApi('/api/docs-json');
  expect(response.status).toBe(200);
  return response.body as OpenApiDocument;
}

function* operationsOf(document: OpenApiDocument): Iterable<[string, Operation]> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      if (item[method]) yield [`${method.toUpperCase()} ${path}`, item[method]];
    }
  }
}

describe('the OpenAPI document as the whole contract', () => {
  let document: OpenApiDocument;

  /** The error envelope's schema, or one that extends it (the readiness route's adds `components`). */
  const isEnvelope = (ref: string | undefined) => {
    const schema = ref && document.components.schemas[ref.replace('#/components/schemas/', '')];
    return !!schema && ENVELOPE_FIELDS.every((field) => (schema as { required?: string[] }).required?.includes(field));
  };

  beforeAll(async () => {
    document = await openApiDocument();
  });

  it('declares every error answer with the error envelope, and Retry-After with each 429 and 503', () => {
    const problems: string[] = [];
    for (const [name, operation] of operationsOf(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        if (!isEnvelope(response.content?.['application/json']?.schema?.$ref)) {
          problems.push(`${name} ${status}: no envelope`);
        }
        if ((status === '429' || status === '503') && response.headers?.['Retry-After']?.required !== true) {
          problems.push(`${name} ${status}: no Retry-After`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares 401, 403 and 503 on every operation that needs a token, and 400 on every one that takes input', () => {
    const problems: string[] = [];
    for (const [name, operation] of operationsOf(document)) {
      const statuses = Object.keys(operation.responses);
      if (operation.security?.length) {
        for (const status of ['401', '403', '503'])
          if (!statuses.includes(status)) problems.push(`${name}: no ${status}`);
      }
      const takesInput = operation.requestBody !== undefined || /\{/.test(name);
      if (takesInput && !statuses.includes('400')) problems.push(`${name}: no 400`);
    }
    expect(problems).toEqual([]);
  });

  it('closes every JSON request body: a field the API does not know is refused, and the schema says so', () => {
    const open: string[] = [];
    for (const [name, operation] of operationsOf(document)) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        const ref = media.schema?.$ref;
        if (!ref) continue;
        const schema = document.components.schemas[ref.replace('#/components/schemas/', '')]!;
        if (schema.properties && schema.additionalProperties !== false) open.push(`${name}: ${ref}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('gives list limits as integers with their bounds, cursors with their form, ids as UUIDs', () => {
    const admin = document.paths['/api/v1/admin/users']!.get as unknown as {
      parameters: Array<{ name: string; schema: Record<string, unknown> }>;
    };
    const parameter = (name: string) => admin.parameters.find((candidate) => candidate.name === name)!.schema;
    expect(parameter('limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(parameter('cursor')).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' });
    const patch = document.paths['/api/v1/admin/users/{id}']!.patch as unknown as {
      parameters: Array<{ name: string; schema: Record<string, unknown> }>;
    };
    expect(patch.parameters.find((candidate) => candidate.name === 'id')!.schema).toMatchObject({ format: 'uuid' });
  });
});

/** A request with any method (fetch refuses TRACE), answered as callApi answers. */
function send(method: string, path: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, API_URL), { method }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') headers.set(name, value);
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: incoming.statusCode ?? 0, headers, text, body });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('a method a known path does not have', () => {
  it.each([
    ['TRACE', '/api/v1/reports', 'GET, HEAD, POST, OPTIONS'],
    ['PUT', '/api/v1/hospitals', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/api/v1/auth/me', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/api/v1/admin/users/search', 'GET, HEAD, OPTIONS'],
    ['POST', '/metrics', 'GET, HEAD, OPTIONS'],
  ])('%s %s is a 405 METHOD_NOT_ALLOWED with Allow: %s', async (method, path, allow) => {
    const response = await send(method, path);
    expectErrorEnvelope(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe(allow);
  });

  it('is a 405 before authentication, for a path with an id too, whatever the id', async () => {
    const response = await send('PUT', '/api/v1/reports/not-even-a-uuid');
    expectErrorEnvelope(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('answers OPTIONS with the methods of the path (204, Allow)', async () => {
    const response = await send('OPTIONS', `/api/v1/grants/${crypto.randomUUID()}`);
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('DELETE, OPTIONS');
    expect(response.text).toBe('');
  });

  it('leaves an unknown path a 404', async () => {
    expectErrorEnvelope(await send('TRACE', '/api/v1/no-such-thing'), 404, 'NOT_FOUND');
  });
});

describe('cursors (the 500 of a crafted cursor, issue 16)', () => {
  let admin: SignedIn;
  const listUsers = (cursor: string) =>
    callApi(`/api/v1/admin/users?cursor=${encodeURIComponent(cursor)}`, { headers: bearer(admin.accessToken) });

  beforeAll(async () => {
    admin = await bootstrapAdmin('hospital-a');
  });

  it.each([
    ['base64url of ["2020-01-01","x"]', Buffer.from('["2020-01-01","x"]').toString('base64url')],
    ['text that is no cursor', 'not a cursor'],
    ['a cursor one character short', 'A'.repeat(31)],
  ])('refuses %s with 400 INVALID_INPUT on `cursor`, never a 500', async (_case, cursor) => {
    const response = await listUsers(cursor);
    expectErrorEnvelope(response, 400, 'INVALID_INPUT');
    expect((response.body as { errors: Array<{ field: string }> }).errors).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
  });

  it('reads every cursor of the documented form as a place in the list (32 base64url characters)', async () => {
    for (const cursor of ['A'.repeat(32), '_'.repeat(32), '-9zZ'.repeat(8)]) {
      const response = await listUsers(cursor);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ items: expect.any(Array) });
    }
  });

  it('continues a list from the cursor it issued', async () => {
    const first = await callApi('/api/v1/admin/users?limit=1', { headers: bearer(admin.accessToken) });
    const { items, nextCursor } = first.body as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const second = await listUsers(nextCursor!);
    expect(second.status).toBe(200);
    expect((second.body as { items: Array<{ id: string }> }).items.map((user) => user.id)).not.toContain(items[0]!.id);
  });
});
