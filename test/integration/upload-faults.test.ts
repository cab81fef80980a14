import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { API_URL, callApi, expectErrorEnvelope } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { refusalOf } from '../support/ledger-actors.js';
import { loadNetworkProfile } from '../support/network-profile.js';
import { components, eventually } from '../support/services.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { phiFileName, phiText } from '../support/phi.js';
import { openReport, uploadReport } from '../support/uploads.js';

/**
 * Uploads while a component is away: the caller gets a clear 503 with Retry-After, and
 * afterwards nothing is half-done — no report row, no pinned orphan, the saga settled.
 */
describe('uploads while IPFS or a peer is stopped', () => {
  // PHI of the upload, the same in every retry of one Idempotency-Key.
  const title = phiText('title', 'CT abdomen:');
  const fileName = phiFileName('dcm');
  let database: DataSource;
  let doctor: SignedIn;
  let patient: SignedIn;

  const sagaOf = async (userId: string, key: string) =>
    (
      await database.query<Array<{ state: string; report_id: string; cid: string | null }>>(
        `SELECT state, report_id, step_data->>'cid' AS cid FROM upload_sagas WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, key],
      )
    )[0];
  const reportRows = async (reportId: string) =>
    Number(
      (await database.query<Array<{ n: string }>>('SELECT count(*) AS n FROM reports WHERE id = $1', [reportId]))[0].n,
    );

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

  afterAll(async () => {
    await Promise.allSettled([components.startIpfs(), components.startNetwork()]);
    await database?.destroy();
  });

  it('answers 503 IPFS_UNAVAILABLE with Retry-After while Kubo is stopped, and leaves no record', async () => {
    const key = randomUUID();
    await components.stopIpfs();
    try {
      const response = await uploadReport(
        doctor,
        { patientId: patient.id },
        { bytes: randomBytes(10_000) },
        { 'Idempotency-Key': key },
      );
      expectErrorEnvelope(response, 503, 'IPFS_UNAVAILABLE');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await components.startIpfs();
    }
    const saga = await sagaOf(doctor.id, key);
    expect(saga.state).toBe('rolled_back');
    expect(await reportRows(saga.report_id)).toBe(0);
  });

  it('stopping Kubo in the middle of a streamed upload acknowledges nothing and leaves nothing; the same key then succeeds', async () => {
    const key = randomUUID();
    const chunk = randomBytes(64 * 1024);
    const chunks = 160; // 10 MiB, sent slowly enough to stop Kubo half-way
    const boundary = `fault-${randomUUID()}`;
    const head = Buffer.from(
      [
        ['patientId', patient.id],
        ['type', 'imaging'],
        ['title', title],
      ]
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('') +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/dicom\r\n\r\n`,
    );
    let sent = 0;
    let stopped: Promise<void> | undefined;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent === chunks / 2) {
          // Half-way, the stream waits until Kubo is gone, then goes on.
          stopped = components.stopIpfs();
          await stopped;
        }
        if (sent === chunks) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(chunk);
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });
    let status: number | 'connection closed';
    let code: string | undefined;
    try {
      const response = await fetch(`${API_URL}/api/v1/reports`, {
        method: 'POST',
        headers: {
          ...bearer(doctor.accessToken),
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Idempotency-Key': key,
        },
        body,
        duplex: 'half',
      } as RequestInit);
      status = response.status;
      if (status === 503) code = ((await response.json()) as { code: string }).code;
    } catch {
      status = 'connection closed'; // the API answered and closed before the whole body was sent
    } finally {
      await stopped;
      await components.startIpfs();
    }
    expect([503, 'connection closed']).toContain(status);
    if (status === 503) expect(code).toBe('IPFS_UNAVAILABLE');
    expect(sent).toBeGreaterThanOrEqual(chunks / 2);

    const saga = await sagaOf(doctor.id, key);
    expect(saga.state).toBe('rolled_back');
    expect(await reportRows(saga.report_id)).toBe(0);

    // Kubo is back: the same upload with the same key is recorded, once.
    const bytes = Buffer.concat(Array.from({ length: 8 }, () => chunk));
    const retried = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'imaging', title },
      { bytes, contentType: 'application/dicom', name: fileName },
      { 'Idempotency-Key': key },
    );
    expect(retried.status).toBe(201);
    expect((await sagaOf(doctor.id, key)).state).toBe('completed');
    const opened = await openReport(patient, (retried.body as { id: string }).id);
    expect(opened.bytes.equals(bytes)).toBe(true);
  });

  it('answers 503 while a hospital’s peer is stopped; once it is back, recovery rolls the upload back and unpins its content', async () => {
    const key = randomUUID();
    await components.stopNetworkService('peer0-hospitalb');
    let response;
    try {
      response = await uploadReport(
        doctor,
        { patientId: patient.id },
        { bytes: randomBytes(10_000) },
        { 'Idempotency-Key': key },
      );
    } finally {
      await components.startNetwork();
    }
    expectErrorEnvelope(response, 503, 'LEDGER_UNAVAILABLE');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);

    // The content was stored before the ledger failed: recovery must settle it.
    await eventually(
      async () => (await sagaOf(doctor.id, key)).state === 'rolled_back',
      90_000,
      'recovery of the half-done upload',
    );
    const saga = await sagaOf(doctor.id, key);
    expect(await reportRows(saga.report_id)).toBe(0);
    // Recovery voided the report ID on the ledger before it unpinned: it can never be recorded now.
    const profile = loadNetworkProfile();
    const client = peerClient(profile, 'hospital-a');
    const gateway = connectAs(client, await storedLedgerIdentity(database, doctor.id));
    try {
      const reports = medledgerContract(gateway, profile, 'reports');
      // No report under the ID, yet the ID is taken: the void mark.
      expect(await refusalOf(reports.evaluateTransaction('GetReport', saga.report_id))).toBe('NOT_FOUND');
      const recordAgain = reports.submitTransaction(
        'RecordReport',
        saga.report_id,
        patient.id,
        'report',
        saga.cid!,
        'a'.repeat(64),
        'b'.repeat(64),
        '10028',
        'aes-256-gcm-chunked-v1',
      );
      expect(await refusalOf(recordAgain)).toBe('CONFLICT');
    } finally {
      gateway.close();
      client.close();
    }
    const pins = await fetch(
      `${process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001'}/api/v0/pin/ls?arg=${saga.cid}&type=recursive`,
      { method: 'POST' },
    );
    expect(await pins.text()).toMatch(/is not pinned/);

    // The system works again: a new upload is recorded and readable.
    const again = await uploadReport(
      doctor,
      { patientId: patient.id },
      { bytes: Buffer.from('after the outage') },
      { 'Idempotency-Key': randomUUID() },
    );
    expect(again.status).toBe(201);
    const opened = await openReport(patient, (again.body as { id: string }).id);
    expect(opened.bytes.toString()).toBe('after the outage');
  });
});
