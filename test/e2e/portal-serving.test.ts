import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callApi, expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { RUN_DIR } from '../support/network-profile.js';

/** The portal's policy, as issue 15's design fixes it: nothing inline, nothing from elsewhere. */
const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "frame-src 'self' blob:; object-src 'self' blob:; connect-src 'self'; font-src 'self'; base-uri 'self'; " +
  "form-action 'self'; frame-ancestors 'self'";

const INDEX_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MedLedger test portal</title>' +
  '<script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>\n';
const APP_JS = 'document.getElementById("root").textContent = "portal";\n';

/**
 * The API serving a portal build of its own (a temporary directory, not web/dist): a second
 * API process on the same database, ledger and IPFS, started with WEB_DIST_DIR set.
 */
describe('the portal served by the API', () => {
  const api = new ApiProcess('api-portal', spareApiPort(5));
  const logFile = path.join(RUN_DIR, 'logs', 'api-portal.log');
  let dist: string;
  const get = (urlPath: string, init: RequestInit = {}) => callApi(urlPath, init, api.url);
  const expectIndex = (response: ApiResponse) => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(PORTAL_CSP);
    expect(response.text).toBe(INDEX_HTML);
  };

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'medledger-portal-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), INDEX_HTML);
    writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), APP_JS);
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(dist, '.env'), 'SECRET=never-served\n');
    await api.start({ WEB_DIST_DIR: dist });
  });

  afterAll(async () => {
    await api.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers / with index.html, revalidated every time, under the strict policy and the usual headers', async () => {
    const page = await get('/');
    expectIndex(page);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('x-powered-by')).toBeNull();
    // As a browser revalidates (fetch() would add `Cache-Control: no-cache` to a conditional request).
    const again = await get('/', {
      headers: { 'If-None-Match': page.headers.get('etag')!, 'Cache-Control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  it('answers every other page of the portal with index.html (its router takes over), GET and HEAD', async () => {
    expectIndex(await get('/sign-in'));
    expectIndex(await get('/patients/3f2504e0-4f89-11d3-9a0c-0305e82c3301?tab=records'));
    expectIndex(await get('/audit/reports/abc/deeper/still'));
    const head = await get('/records', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    expect(head.headers.get('cache-control')).toBe('no-cache');
    expect(head.text).toBe('');
  });

  it('serves hashed assets as immutable for a year, and a missing asset as a 404, not the page', async () => {
    const script = await get('/assets/app-abc123.js');
    expect(script.status).toBe(200);
    expect(script.text).toBe(APP_JS);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-security-policy')).toBe(PORTAL_CSP);

    const missing = await get('/assets/app-000000.js');
    expectErrorEnvelope(missing, 404, 'NOT_FOUND');
    expect(missing.text).not.toContain('<!doctype html>');
  });

  it('serves the other files of the build, revalidated', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('never serves a dot-file or anything outside the build directory', async () => {
    for (const urlPath of ['/.env', '/assets/../.env', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const response = await get(urlPath);
      expect(response.text).not.toMatch(/SECRET=|root:/);
      if (response.status === 200) expect(response.text).toBe(INDEX_HTML);
    }
  });

  it('leaves the API, its documentation and the metrics to the API, with their own headers', async () => {
    const health = await get('/api/v1/health');
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('content-security-policy')).not.toBe(PORTAL_CSP);
    expectErrorEnvelope(await get('/api/v1/no/such/route'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await get('/api/nothing-here'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await get('/', { method: 'POST' }), 404, 'NOT_FOUND');
    expectErrorEnvelope(await get('/patients', { method: 'DELETE' }), 404, 'NOT_FOUND');

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);

    // Swagger UI keeps helmet's policy, which lets it load its scripts from the API itself.
    const docs = await get('/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const scripts = [...docs.text.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const loaded = await get(new URL(script, `${api.url}/api/docs`).pathname);
      expect(loaded.status).toBe(200);
      expect(loaded.headers.get('content-type')).toMatch(/javascript/);
    }
  });

  it('answers the pages with a plain 503 when the portal is not built, says so once in the log, and the API runs on', async () => {
    await api.stop();
    const empty = mkdtempSync(path.join(tmpdir(), 'medledger-portal-unbuilt-'));
    const logBefore = readFileSync(logFile, 'utf8').length;
    try {
      await api.start({ WEB_DIST_DIR: empty });
      for (const urlPath of ['/', '/patients', '/sign-in']) {
        const page = await get(urlPath);
        expect(page.status).toBe(503);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        expect(page.headers.get('content-security-policy')).toBe(PORTAL_CSP);
        expect(page.text).toMatch(/portal is not built/i);
        expect(page.text).not.toMatch(/<script|style=/);
      }
      expect((await get('/assets/app-abc123.js')).status).toBe(404);
      expect((await get('/api/v1/health')).status).toBe(200);
      const warnings = readFileSync(logFile, 'utf8')
        .slice(logBefore)
        .split('\n')
        .filter((line) => /portal is not built/.test(line));
      expect(warnings).toHaveLength(1);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
