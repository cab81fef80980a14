import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FAULT_POINTS } from '../../api/src/common/fault-points.js';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi, type ApiResponse } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { phiFileName, phiText } from '../support/phi.js';
import { openReport, uploadReport } from '../support/uploads.js';

const IPFS_API_URL = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';

async function recursivePins(): Promise<Set<string>> {
  const response = await fetch(`${IPFS_API_URL}/api/v0/pin/ls?type=recursive`, { method: 'POST' });
  return new Set(Object.keys(((await response.json()) as { Keys: Record<string, unknown> }).Keys));
}

/**
 * The API killed with SIGKILL between every two steps of an upload saga, then restarted.
 * The client, whose request died with the process, sends the upload again with the same
 * Idempotency-Key until it is answered. Afterwards the upload is recorded once, readable
 * and verified, nothing half-done remains, and no content is pinned that no report owns.
 */
describe('uploads survive the API killed between any two saga steps', () => {
  // PHI of the upload, the same in every retry of one Idempotency-Key.
  const title = phiText('title', 'Blood count:');
  const fileName = phiFileName('txt');
  const api = new ApiProcess('api-fault', spareApiPort(1));
  let database: DataSource;
  let doctor: SignedIn;
  let patient: SignedIn;

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    const admin = await bootstrapAdmin('hospital-a');
    [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient()]);
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);
  });

  afterEach(() => api.stop());
  afterAll(() => database?.destroy());

  /** Sends the same upload until the API answers it other than "in progress" (or the time is up). */
  async function uploadUntilAnswered(bytes: Buffer, key: string): Promise<ApiResponse> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const response = await uploadReport(
        doctor,
        { patientId: patient.id, type: 'lab', title },
        { bytes, contentType: 'text/plain', name: fileName },
        { 'Idempotency-Key': key },
        api.url,
      );
      if (response.status !== 409 || Date.now() > deadline) return response;
      expect((response.body as { code: string }).code).toBe('UPLOAD_IN_PROGRESS');
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
    }
  }

  it.each(FAULT_POINTS)('killed at %s', async (point) => {
    const bytes = randomBytes(300_000); // two IPFS chunks, five encryption chunks
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = randomUUID();
    const pinsBefore = await recursivePins();

    await api.start({ FAULT_INJECTION: point });
    await expect(
      uploadReport(
        doctor,
        { patientId: patient.id, type: 'lab', title },
        { bytes, contentType: 'text/plain', name: fileName },
        { 'Idempotency-Key': key },
        api.url,
      ),
    ).rejects.toThrow(); // the connection dies with the process: nothing was acknowledged
    expect(await api.exited()).toBe('SIGKILL');

    await api.start({ RECOVERY_AFTER_SECONDS: '5' });
    const answered = await uploadUntilAnswered(bytes, key);
    expect(answered.status).toBe(201);
    const report = answered.body as { id: string; sha256: string; cid: string };
    expect(report.sha256).toBe(sha256);

    // Readable with the exact bytes, and verified against the ledger.
    const opened = await openReport(patient, report.id, api.url);
    expect(opened.status).toBe(200);
    expect(opened.bytes.equals(bytes)).toBe(true);
    const verified = await callApi(
      `/api/v1/reports/${report.id}/verify`,
      { method: 'POST', headers: bearer(patient.accessToken) },
      api.url,
    );
    expect(verified.body).toMatchObject({ verified: true });

    // Recorded once: one report with these bytes, in the database and on the ledger.
    const rows = await database.query<Array<{ id: string }>>(
      'SELECT id FROM reports WHERE patient_id = $1 AND plaintext_sha256 = $2',
      [patient.id, sha256],
    );
    expect(rows.map((row) => row.id)).toEqual([report.id]);
    const listed = await callApi(`/api/v1/reports?patientId=${patient.id}&limit=100`, {
      headers: bearer(patient.accessToken),
    });
    const sameBytes = (listed.body as { items: Array<{ id: string; sha256: string }> }).items.filter(
      (item) => item.sha256 === sha256,
    );
    expect(sameBytes.map((item) => item.id)).toEqual([report.id]);

    // Nothing half-done: the upload is completed, and the only new pin is the report's.
    const [saga] = await database.query<Array<{ state: string }>>(
      'SELECT state FROM upload_sagas WHERE user_id = $1 AND idempotency_key = $2',
      [doctor.id, key],
    );
    expect(saga.state).toBe('completed');
    const newPins = [...(await recursivePins())].filter((cid) => !pinsBefore.has(cid));
    expect(newPins).toEqual([report.cid]);
  });
});
