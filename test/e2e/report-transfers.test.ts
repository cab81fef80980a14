import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi, expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { eventually } from '../support/services.js';
import { uploadReport } from '../support/uploads.js';

const MiB = 1024 * 1024;
const IPFS_API_URL = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';
/** The idle timeout of this suite's own API process: short, so that a stalled upload is cut within the test. */
const IDLE_TIMEOUT_SECONDS = 2;
const FIELDS = { type: 'imaging', title: 'CT abdomen' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every recursive pin of the Kubo node, through its RPC API (`ipfs pin ls --type=recursive`). */
async function pinnedCids(): Promise<Set<string>> {
  const response = await fetch(`${IPFS_API_URL}/api/v0/pin/ls?type=recursive`, { method: 'POST' });
  expect(response.status).toBe(200);
  const { Keys } = (await response.json()) as { Keys: Record<string, unknown> };
  return new Set(Object.keys(Keys));
}

const added = (before: Set<string>, after: Set<string>) => [...after].filter((cid) => !before.has(cid));

/** The multipart body of an upload, its parts in the order given; `file` is the file part. */
function multipart(boundary: string, parts: Array<[name: string, value: string] | 'file'>, file: Buffer): Buffer {
  return Buffer.concat(
    parts
      .map((part) =>
        part === 'file'
          ? Buffer.concat([
              Buffer.from(
                `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ct.dcm"\r\nContent-Type: application/dicom\r\n\r\n`,
              ),
              file,
              Buffer.from('\r\n'),
            ])
          : Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part[0]}"\r\n\r\n${part[1]}\r\n`),
      )
      .concat(Buffer.from(`--${boundary}--\r\n`)),
  );
}

/** The beginning of an upload's body, up to the first byte of its file (fields first, as clients should). */
function uploadHead(boundary: string, patientId: string): Buffer {
  const full = multipart(
    boundary,
    [['patientId', patientId], ['type', FIELDS.type], ['title', FIELDS.title], 'file'],
    Buffer.alloc(0),
  );
  return full.subarray(0, full.indexOf('\r\n\r\n', full.indexOf('name="file"')) + 4);
}

/**
 * An upload sent by hand, piece by piece: the caller decides when the client stops sending
 * or disconnects. `answer` settles with the API's answer, or 'closed' when none came.
 */
function streamedUpload(
  apiUrl: string,
  doctor: SignedIn,
  boundary: string,
  idempotencyKey: string,
): { client: ClientRequest; send(bytes: Buffer): Promise<void>; answer: Promise<ApiResponse | 'closed'> } {
  const client = httpRequest(`${apiUrl}/api/v1/reports`, {
    method: 'POST',
    headers: {
      ...bearer(doctor.accessToken),
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Idempotency-Key': idempotencyKey,
      'Transfer-Encoding': 'chunked',
    },
  });
  const answer = new Promise<ApiResponse | 'closed'>((resolve) => {
    client.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(response.headers as Record<string, string>),
          text,
          body: JSON.parse(text || 'null') as unknown,
        });
      });
      response.once('error', () => resolve('closed'));
    });
    client.once('error', () => resolve('closed'));
    client.once('close', () => setTimeout(() => resolve('closed'), 100));
  });
  return {
    client,
    send: (bytes) =>
      new Promise((resolve, reject) => client.write(bytes, (error) => (error ? reject(error) : resolve()))),
    answer,
  };
}

/** The content store's open transfers in one direction, as the API's `/metrics` shows them. */
async function openStreams(apiUrl: string, direction: 'read' | 'write'): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = new RegExp(`^medledger_content_streams_open\\{direction="${direction}"\\} (\\d+)$`, 'm').exec(text);
  if (!line) throw new Error('medledger_content_streams_open is not on /metrics');
  return Number(line[1]);
}

/**
 * Transfers as clients really make them, against an API process of this suite's own (the
 * same database, ledger and Kubo node; an idle timeout of 2 s): uploads that a client
 * abandons or stalls, downloads it abandons, fields sent after the file, and an upload by
 * a doctor who may not write for the patient.
 */
describe('aborted, stalled and refused transfers', () => {
  const api = new ApiProcess('api-transfers', spareApiPort(7));
  let database: DataSource;
  let doctor: SignedIn;
  let stranger: SignedIn;
  let patient: SignedIn;

  const sagaOf = async (userId: string, key: string) =>
    (
      await database.query<Array<{ state: string; cid: string | null }>>(
        `SELECT state, step_data->>'cid' AS cid FROM upload_sagas WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, key],
      )
    )[0];

  /**
   * Pins added since `before` that no report and no upload names: content nobody knows of,
   * as an aborted or refused upload would leave. (Pins of uploads that other suites make
   * meanwhile are known; in CI the suites run one at a time and there are none.)
   */
  const orphanPinsSince = async (before: Set<string>) => {
    const fresh = added(before, await pinnedCids());
    if (fresh.length === 0) return [];
    const known = await database.query<Array<{ cid: string }>>(
      `SELECT cid FROM reports WHERE cid = ANY($1)
       UNION SELECT step_data->>'cid' FROM upload_sagas WHERE step_data->>'cid' = ANY($1)`,
      [fresh],
    );
    return fresh.filter((cid) => !known.some((row) => row.cid === cid));
  };

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    await api.start({ UPLOAD_IDLE_TIMEOUT_SECONDS: String(IDLE_TIMEOUT_SECONDS) });
    const admin = await bootstrapAdmin('hospital-a');
    [doctor, stranger, patient] = await Promise.all([
      createStaff(admin, 'doctor'),
      createStaff(admin, 'doctor'),
      registerPatient(),
    ]);
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);
  });

  afterAll(async () => {
    await api.stop();
    await database?.destroy();
  });

  it('rolls back an upload whose client disconnects after 1 MiB at once: the same key then succeeds and the aborted content is not pinned', async () => {
    const key = randomUUID();
    const boundary = `abort-${randomUUID()}`;
    const pinsBefore = await pinnedCids();
    const upload = streamedUpload(api.url, doctor, boundary, key);
    await upload.send(uploadHead(boundary, patient.id));
    await upload.send(randomBytes(MiB));
    // The API is streaming the content into IPFS: its saga is receiving.
    await eventually(async () => (await sagaOf(doctor.id, key))?.state === 'receiving', 5000, 'the upload under way');
    await sleep(300);
    upload.client.destroy();
    const abortedAt = Date.now();

    // Rolled back by the request itself, within seconds: not left to the recovery worker.
    await eventually(async () => (await sagaOf(doctor.id, key)).state === 'rolled_back', 5000, 'the rollback');
    expect(Date.now() - abortedAt).toBeLessThan(5000);

    let retried: ApiResponse;
    do {
      retried = await uploadReport(
        doctor,
        { patientId: patient.id, ...FIELDS },
        { bytes: randomBytes(100_000), contentType: 'application/dicom' },
        { 'Idempotency-Key': key },
        api.url,
      );
      if (retried.status === 409) await sleep(250);
    } while (retried.status === 409 && Date.now() - abortedAt < 10_000);
    expect(retried.status).toBe(201);
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    const { cid } = retried.body as { cid: string };
    // The retry's content is pinned, the aborted content never was.
    expect(added(pinsBefore, await pinnedCids())).toContain(cid);
    expect(await orphanPinsSince(pinsBefore)).toEqual([]);
    expect(await openStreams(api.url, 'write')).toBe(0);
  });

  it('releases the IPFS stream of a download its client abandons mid-stream', async () => {
    const uploaded = await uploadReport(
      doctor,
      { patientId: patient.id, ...FIELDS },
      { bytes: randomBytes(16 * MiB), contentType: 'application/dicom' },
      {},
      api.url,
    );
    expect(uploaded.status).toBe(201);
    const reportId = (uploaded.body as { id: string }).id;
    const baseline = await openStreams(api.url, 'read');

    const download = httpRequest(`${api.url}/api/v1/reports/${reportId}/content`, {
      headers: bearer(patient.accessToken),
    });
    download.on('error', () => undefined);
    const response = await new Promise<IncomingMessage>((resolve) => download.once('response', resolve).end());
    expect(response.statusCode).toBe(200);
    // One chunk read, then the client stops reading: the API's stream is open and waiting.
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    expect(await openStreams(api.url, 'read')).toBe(baseline + 1);

    download.destroy();
    await eventually(
      async () => (await openStreams(api.url, 'read')) === baseline,
      5000,
      'the abandoned download releasing its IPFS stream',
    );

    // A whole download after it opens and closes its stream as well.
    const whole = await fetch(`${api.url}/api/v1/reports/${reportId}/content`, {
      headers: bearer(patient.accessToken),
    });
    expect((await whole.arrayBuffer()).byteLength).toBe(16 * MiB);
    await eventually(
      async () => (await openStreams(api.url, 'read')) === baseline,
      5000,
      'the stream of a whole download',
    );
  });

  it.each([
    ['10 bytes', 10],
    ['1 MiB', MiB],
  ])(
    'answers fields sent after a file of %s with the same 400 FIELDS_AFTER_FILE, storing nothing',
    async (_size, size) => {
      const boundary = `late-${randomUUID()}`;
      const pinsBefore = await pinnedCids();
      const response = await callApi(
        '/api/v1/reports',
        {
          method: 'POST',
          headers: { ...bearer(doctor.accessToken), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
          body: multipart(
            boundary,
            ['file', ['patientId', patient.id], ['type', FIELDS.type], ['title', FIELDS.title]],
            randomBytes(size),
          ),
        },
        api.url,
      );
      expectErrorEnvelope(response, 400, 'FIELDS_AFTER_FILE');
      expect((response.body as { message: string }).message).toBe(
        'text fields must come before the file: send patientId, type and title first, then the part named "file"',
      );
      expect(await orphanPinsSince(pinsBefore)).toEqual([]);
    },
  );

  it('records the same upload with its fields first', async () => {
    const boundary = `first-${randomUUID()}`;
    const response = await callApi(
      '/api/v1/reports',
      {
        method: 'POST',
        headers: { ...bearer(doctor.accessToken), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: multipart(
          boundary,
          [['patientId', patient.id], ['type', FIELDS.type], ['title', FIELDS.title], 'file'],
          randomBytes(MiB),
        ),
      },
      api.url,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ patientId: patient.id, ...FIELDS, size: MiB });
  });

  it('refuses a doctor without care or grant for the patient with 403 before anything reaches IPFS', async () => {
    const key = randomUUID();
    const pinsBefore = await pinnedCids();
    const refused = await uploadReport(
      stranger,
      { patientId: patient.id, ...FIELDS },
      { bytes: randomBytes(MiB), contentType: 'application/dicom' },
      { 'Idempotency-Key': key },
      api.url,
    );
    expectErrorEnvelope(refused, 403, 'FORBIDDEN');
    // Kubo's pin list is as it was (no pin that no upload names), and the refused upload's
    // saga never noted a CID: its content was never added, not added and then removed.
    expect(await orphanPinsSince(pinsBefore)).toEqual([]);
    expect(await sagaOf(stranger.id, key)).toEqual({ state: 'rolled_back', cid: null });
    expect(await openStreams(api.url, 'write')).toBe(0);
  });

  it('lets a doctor in under the patient’s own grant, and refuses them again once it is revoked (GRANT_REVOKED), still before IPFS', async () => {
    const granted = await callApi('/api/v1/grants', {
      method: 'POST',
      ...jsonBody({ doctorId: stranger.id, durationDays: 1 }, bearer(patient.accessToken)),
    });
    expect(granted.status).toBe(201);
    const upload = () =>
      uploadReport(
        stranger,
        { patientId: patient.id, ...FIELDS },
        { bytes: randomBytes(1000), contentType: 'application/dicom' },
        {},
        api.url,
      );
    expect((await upload()).status).toBe(201);

    const revoked = await callApi(`/api/v1/grants/${(granted.body as { id: string }).id}`, {
      method: 'DELETE',
      headers: bearer(patient.accessToken),
    });
    expect(revoked.status).toBeLessThan(300);
    const pinsBefore = await pinnedCids();
    expectErrorEnvelope(await upload(), 403, 'GRANT_REVOKED');
    expect(await orphanPinsSince(pinsBefore)).toEqual([]);
  });

  it('cuts a stalled upload after the idle timeout (408 UPLOAD_STALLED) and rolls it back; its key is free again', async () => {
    const key = randomUUID();
    const boundary = `stall-${randomUUID()}`;
    const upload = streamedUpload(api.url, doctor, boundary, key);
    await upload.send(uploadHead(boundary, patient.id));
    await upload.send(randomBytes(256 * 1024));
    const stalledAt = Date.now();
    const answer = await upload.answer;
    const waited = Date.now() - stalledAt;
    expect(answer).not.toBe('closed');
    expectErrorEnvelope(answer as ApiResponse, 408, 'UPLOAD_STALLED');
    expect((answer as ApiResponse).headers.get('connection')).toBe('close');
    expect(waited).toBeGreaterThanOrEqual(IDLE_TIMEOUT_SECONDS * 1000 - 100);
    expect(waited).toBeLessThan(IDLE_TIMEOUT_SECONDS * 1000 + 3000);
    expect((await sagaOf(doctor.id, key)).state).toBe('rolled_back');
    upload.client.destroy();

    const retried = await uploadReport(
      doctor,
      { patientId: patient.id, ...FIELDS },
      { bytes: randomBytes(1000), contentType: 'application/dicom' },
      { 'Idempotency-Key': key },
      api.url,
    );
    expect(retried.status).toBe(201);
  });

  it('never cuts a slow upload that keeps sending, though it lasts several idle timeouts', async () => {
    const key = randomUUID();
    const boundary = `slow-${randomUUID()}`;
    const upload = streamedUpload(api.url, doctor, boundary, key);
    await upload.send(uploadHead(boundary, patient.id));
    const started = Date.now();
    const piece = randomBytes(64 * 1024);
    let pieces = 0;
    while (Date.now() - started < IDLE_TIMEOUT_SECONDS * 3000) {
      await upload.send(piece);
      pieces += 1;
      await sleep((IDLE_TIMEOUT_SECONDS * 1000) / 2);
    }
    await upload.send(Buffer.from(`\r\n--${boundary}--\r\n`));
    upload.client.end();
    const answer = await upload.answer;
    expect(answer).not.toBe('closed');
    expect((answer as ApiResponse).status).toBe(201);
    expect((answer as ApiResponse).body).toMatchObject({ size: pieces * piece.length });
  });
});
