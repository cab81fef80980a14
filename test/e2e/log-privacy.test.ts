import { openSync, readSync, statSync, closeSync } from 'node:fs';
import path from 'node:path';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody } from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { RUN_DIR } from '../support/network-profile.js';
import { phiName, phiText, probeWord } from '../support/phi.js';
import { ProbeMatcher } from '../support/probe-scan.js';

/**
 * No PHI and no secret in the API's log, on an API process of its own that logs everything
 * it can (LOG_LEVEL=trace) and whose IPFS node does not answer: requests carry PHI probes in
 * their query strings, bodies and headers, one query fails in the database with a probe as
 * its parameter; afterwards the process's log holds none of them, in any encoding. The
 * readiness route names the component that is down by name and state only.
 */
describe('what the API writes to its log, and tells anonymous callers', () => {
  const api = new ApiProcess('api-log-privacy', spareApiPort(12));
  const logFile = path.join(RUN_DIR, 'logs', 'api-log-privacy.log');
  let logStart = 0;

  beforeAll(async () => {
    logStart = statSync(logFile, { throwIfNoEntry: false })?.size ?? 0;
    // Port 9 (discard) has no IPFS node: the content store is down from the start.
    await api.start({ LOG_LEVEL: 'trace', IPFS_API_URL: 'http://127.0.0.1:9' });
  }, 90_000);

  afterAll(() => api.stop());

  it('answers readiness with the component that is down by name and state only, never the driver’s words', async () => {
    const response = await callApi('/api/v1/health/ready', {}, api.url);
    expectErrorEnvelope(response, 503, 'NOT_READY');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = response.body as { message: string; components: Record<string, Record<string, unknown>> };
    expect(body.message).toBe('not ready: ipfs unavailable');
    expect(Object.keys(body.components).sort()).toEqual(['database', 'ipfs', 'ledger']);
    for (const state of Object.values(body.components)) {
      expect(Object.keys(state).sort()).toEqual(['latencyMs', 'status']);
    }
    expect(body.components.ipfs!.status).toBe('down');
    const answer = { ...(body as unknown as Record<string, unknown>), requestId: undefined };
    expect(JSON.stringify(answer)).not.toMatch(/ECONN|refused|fetch failed|127\.0\.0\.1|localhost|timeout|kubo|error/i);
  });

  it('writes no PHI probe, password or token to the log, whatever the requests carried', async () => {
    const admin = await bootstrapAdmin('hospital-a');
    const doctor = await createStaff(admin, 'doctor');
    const name = phiName();
    const reason = phiText('reason', 'Second opinion on');
    const surname = probeWord('name');
    const password = `Pw-${probeWord('password')}-9`;
    const calls = [
      // A searched name in the query string, with a header that names the patient.
      callApi(
        `/api/v1/patients?query=${encodeURIComponent(name)}&limit=5`,
        { headers: { ...bearer(doctor.accessToken), 'X-Patient-Name': surname } },
        api.url,
      ),
      // A NUL byte before a probe, and a crafted cursor that hides a probe where an id belongs:
      // either may reach a query that fails in the database with the probe as its parameter.
      callApi(`/api/v1/patients?query=%00${surname}`, { headers: bearer(doctor.accessToken) }, api.url),
      callApi(
        `/api/v1/admin/users?cursor=${Buffer.from(JSON.stringify(['2020-01-01T00:00:00Z', surname])).toString('base64url')}`,
        { headers: bearer(admin.accessToken) },
        api.url,
      ),
      // A sign-in and a registration with the probes in their bodies.
      callApi(
        '/api/v1/auth/login',
        { method: 'POST', ...jsonBody({ email: `${surname.toLowerCase()}@medledger.test`, password }) },
        api.url,
      ),
      callApi(
        '/api/v1/auth/register',
        {
          method: 'POST',
          ...jsonBody({ email: 'not-an-email', password, fullName: name, dateOfBirth: '1961-07-23', hospital: 'x' }),
        },
        api.url,
      ),
      // A request for access with its reason, for a patient that does not exist.
      callApi(
        '/api/v1/access-requests',
        {
          method: 'POST',
          ...jsonBody({ patientId: '7b0c2d5e-9f4a-4c1e-8d3b-2a6f1e9c4b70', reason }, bearer(doctor.accessToken)),
        },
        api.url,
      ),
    ];
    const answers = await Promise.all(calls);
    for (const answer of answers) expect(answer.status).toBeLessThan(500);

    await new Promise((resolve) => setTimeout(resolve, 500)); // the last lines reach the file
    const log = readFrom(logFile, logStart);
    // The log did record these requests: it is not empty, it just holds no value.
    expect(log.toString()).toContain('"url":"/api/v1/patients","query":["query","limit"]');
    const found = new ProbeMatcher([
      name,
      ...name.split(' '),
      reason,
      surname,
      password,
      doctor.accessToken,
      admin.accessToken,
    ]).scan(log);
    expect(found.map((match) => `${match.form}: ${match.probe}`)).toEqual([]);
  });
});

/** The bytes a file has from an offset on. */
function readFrom(file: string, offset: number): Buffer {
  const size = statSync(file).size;
  const buffer = Buffer.alloc(Math.max(0, size - offset));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer;
}
