import { callApi, expectErrorEnvelope } from '../support/api.js';

describe('the running API: health, OpenAPI, metrics and the error contract', () => {
  it('answers liveness', async () => {
    const response = await callApi('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is ready with the database, the ledger and IPFS all up', async () => {
    const response = await callApi('/api/v1/health/ready');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ready',
      components: { database: { status: 'up' }, ledger: { status: 'up' }, ipfs: { status: 'up' } },
    });
  });

  it('publishes an OpenAPI 3 document and the Swagger UI', async () => {
    const document = await callApi('/api/docs-json');
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'MedLedger API' } });
    expect(Object.keys((document.body as { paths: object }).paths)).toEqual(
      expect.arrayContaining(['/api/v1/health', '/api/v1/health/ready']),
    );
    const ui = await callApi('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('serves Prometheus metrics without the API prefix', async () => {
    await callApi('/api/v1/health');
    const response = await callApi('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/medledger_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/health"/);
    expect(response.text).toMatch(/medledger_process_cpu_seconds_total/);
  });

  it('keeps a caller-supplied request id', async () => {
    const response = await callApi('/api/v1/nowhere', { headers: { 'X-Request-Id': 'trace-0123456789' } });
    expect(response.headers.get('x-request-id')).toBe('trace-0123456789');
    expect(response.body).toMatchObject({ requestId: 'trace-0123456789' });
  });

  it('answers an unknown route with 404 in the error envelope', async () => {
    expectErrorEnvelope(await callApi('/api/v1/no/such/route'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await callApi('/definitely-not-here', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400, never a 500', async () => {
    // A route that takes a JSON body (POST /health is a 405 now, before any body is read).
    const response = await callApi('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"patientId": "abc",',
    });
    expectErrorEnvelope(response, 400, 'INVALID_INPUT');
  });

  it('answers an oversized JSON body with 413 before reading it all', async () => {
    const response = await callApi('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expectErrorEnvelope(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('lets no browser or proxy keep any answer of /api/v1, errors included (Cache-Control: no-store)', async () => {
    const answers = [
      await callApi('/api/v1/health'),
      await callApi('/api/v1/no/such/route'),
      await callApi('/api/v1/auth/me'),
      await callApi('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"broken":',
      }),
      await callApi('/api/v1/auth/refresh', { method: 'POST' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 401, 400, 401]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('sets the usual security headers', async () => {
    const response = await callApi('/api/v1/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
