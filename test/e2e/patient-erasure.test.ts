import type { Client } from '@grpc/grpc-js';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  strongPassword,
  uniqueEmail,
  type SignedIn,
} from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import { phiFileName, phiText } from '../support/phi.js';
import type { ErasureRequestBody, WaitingErasureRequest } from '../support/erasure.js';
import { erasureCarriedOut } from '../support/erasure.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { refusalOf } from '../support/ledger-actors.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

/** A patient as registered here: signed in, with the demographics that erasure must remove. */
interface RegisteredPatient extends SignedIn {
  fullName: string;
  dateOfBirth: string;
}

/** The cooling-off delay of the second API, in seconds: long enough to see the request confirmed, short enough to wait. */
const SHORT_COOLING_OFF_SECONDS = 4;

/**
 * Erasure as the patient asks (issue 17): the patient requests it, an admin of their
 * hospital confirms it, it takes effect after the cooling-off delay (the patient can cancel
 * until then), and then the patient's key is destroyed, their demographics replaced by a
 * pseudonym in every table, their sessions ended, and the erasure recorded on the ledger.
 * The running API (default delay: days) serves the cancellation; a second API process with
 * a delay of seconds and a poll of one second carries erasures out.
 */
describe('erasure as the patient asks', () => {
  let database: DataSource;
  let profile: NetworkProfile;
  let peer: Client;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let doctor: SignedIn;
  let auditor: SignedIn;
  const smtp = new TestSmtpServer();
  const shortDelayApi = new ApiProcess('api-erasure', spareApiPort(20));

  const call = (caller: SignedIn, method: string, path: string, apiUrl?: string) =>
    callApi(`/api/v1${path}`, { method, headers: bearer(caller.accessToken) }, apiUrl);
  const askForErasure = (patient: SignedIn, apiUrl?: string) => call(patient, 'POST', '/me/erasure-request', apiUrl);
  const confirm = (admin: SignedIn, requestId: string, apiUrl?: string) =>
    call(admin, 'POST', `/admin/erasure-requests/${requestId}/confirm`, apiUrl);

  /** Every request waiting at the admin's hospital, page after page. */
  async function waitingAt(admin: SignedIn): Promise<WaitingErasureRequest[]> {
    const all: WaitingErasureRequest[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await call(admin, 'GET', `/admin/erasure-requests?limit=100${query}`);
      expect(page.status).toBe(200);
      const body = page.body as { items: WaitingErasureRequest[]; nextCursor: string | null };
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return all;
  }

  /** Registers a patient of hospital-a with a name, e-mail and date of birth of their own (found nowhere else) and signs in. */
  async function registerDistinctPatient(): Promise<RegisteredPatient> {
    const fullName = `Erasable ${randomUUID().slice(0, 8)} Quillfeather`;
    const dateOfBirth = `19${String(randomInt(1, 50)).padStart(2, '0')}-${String(randomInt(1, 13)).padStart(2, '0')}-${String(randomInt(1, 29)).padStart(2, '0')}`;
    const email = uniqueEmail('erasable');
    const password = strongPassword();
    const registered = await callApi('/api/v1/auth/register', {
      method: 'POST',
      ...jsonBody({ email, password, fullName, dateOfBirth, hospital: 'hospital-a' }),
    });
    expect([201, 202]).toContain(registered.status);
    return { ...(await login(email, password)), fullName, dateOfBirth };
  }

  /** A patient in the doctor's care, with one report whose title and file name are PHI. */
  async function patientWithReport() {
    const patient = await registerDistinctPatient();
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const title = phiText('title', 'Psychiatric assessment');
    const fileName = phiFileName();
    const uploaded = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'report', title },
      { bytes: randomBytes(20_000), name: fileName, contentType: 'application/pdf' },
    );
    expect(uploaded.status).toBe(201);
    const { id: reportId, sha256 } = uploaded.body as { id: string; sha256: string };
    return { patient, reportId, title, fileName, sha256 };
  }

  /** Evaluates `erasure:GetErasure` through the peer of hospital-a, signed with the user's own stored identity. */
  async function erasureOnLedger(reader: SignedIn, patientId: string): Promise<Record<string, unknown>> {
    const gateway = connectAs(peer, await storedLedgerIdentity(database, reader.id));
    try {
      const bytes = await medledgerContract(gateway, profile, 'erasure').evaluateTransaction('GetErasure', patientId);
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
    } finally {
      gateway.close();
    }
  }

  /** An opening of content as an API response, for the envelope assertions. */
  const openAsResponse = (reader: SignedIn, reportId: string): Promise<ApiResponse> =>
    callApi(`/api/v1/reports/${reportId}/content`, { headers: bearer(reader.accessToken) });

  /** The tables (and how many of their rows) whose row, as text, holds `needle`, case-insensitively: every column of every table. */
  async function tablesHolding(needle: string): Promise<Record<string, number>> {
    const tables = await database.query<Array<{ name: string }>>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const found: Record<string, number> = {};
    for (const { name } of tables) {
      const [{ count }] = await database.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM ${name} AS t WHERE strpos(lower(t::text), lower($1)) > 0`,
        [needle],
      );
      if (count > 0) found[name] = count;
    }
    return found;
  }

  beforeAll(async () => {
    await smtp.start();
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peer = peerClient(profile, 'hospital-a');
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctor, auditor] = await Promise.all([createStaff(adminA, 'doctor'), createStaff(adminA, 'auditor')]);
    await shortDelayApi.start({
      ERASURE_COOLING_OFF_SECONDS: String(SHORT_COOLING_OFF_SECONDS),
      ERASURE_POLL_SECONDS: '1',
    });
  }, 120_000);

  afterAll(async () => {
    await shortDelayApi.stop();
    await smtp.stop();
    peer?.close();
    await database?.destroy();
  });

  it('an admin alone cannot erase: no route starts an erasure, and there is nothing to confirm without the patient', async () => {
    const { patient, reportId } = await patientWithReport();
    // The admin-only immediate erasure is gone.
    const immediate = await call(adminA, 'POST', `/patients/${patient.id}/erasure`);
    expectErrorEnvelope(immediate, 404);
    // Only a patient asks, for themself.
    expectErrorEnvelope(await call(adminA, 'POST', '/me/erasure-request'), 403, 'FORBIDDEN');
    expectErrorEnvelope(await call(doctor, 'POST', '/me/erasure-request'), 403, 'FORBIDDEN');
    expectErrorEnvelope(await call(auditor, 'POST', '/me/erasure-request'), 403, 'FORBIDDEN');
    // Without a request, a confirmation has nothing to confirm.
    expectErrorEnvelope(await confirm(adminA, randomUUID()), 404, 'NOT_FOUND');
    expectErrorEnvelope(await confirm(adminA, patient.id), 404, 'NOT_FOUND');
    expectErrorEnvelope(await confirm(adminA, 'request-1'), 400, 'INVALID_INPUT');
    expectErrorEnvelope(await call(patient, 'GET', '/me/erasure-request'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await call(patient, 'DELETE', '/me/erasure-request'), 404, 'NOT_FOUND');

    // Nothing was erased: no request, no ledger record, the content still opens.
    expect(await database.query('SELECT 1 FROM erasure_requests WHERE patient_id = $1', [patient.id])).toEqual([]);
    expect(await refusalOf(erasureOnLedger(auditor, patient.id))).toBe('NOT_FOUND');
    expect((await openReport(patient, reportId)).status).toBe(200);
  });

  it('requested by the patient, confirmed by an admin, cancelled within the delay: nothing is erased', async () => {
    const { patient, reportId } = await patientWithReport();

    const asked = await askForErasure(patient);
    expect(asked.status).toBe(202);
    const request = asked.body as ErasureRequestBody;
    expect(request).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'pending-confirmation',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      confirmedAt: null,
      effectiveAt: null,
      cancelledAt: null,
      completedAt: null,
      coolingOffSeconds: expect.any(Number),
    });
    expectErrorEnvelope(await askForErasure(patient), 409, 'ERASURE_REQUEST_OPEN');
    expect((await call(patient, 'GET', '/me/erasure-request')).body).toEqual(request);

    // The admins of the patient's hospital are told (an ID, no name); those of another hospital are not.
    const feed = await call(adminA, 'GET', '/notifications?unread=true&limit=100');
    expect((feed.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ kind: 'erasure-requested', subject: { type: 'erasure-request', id: request.id } }),
    );
    expect(feed.text).not.toContain(patient.fullName);
    const feedB = await call(adminB, 'GET', '/notifications?limit=100');
    expect(feedB.text).not.toContain(request.id);

    // The request waits at the patient's hospital only, with who asked.
    const waiting = (await waitingAt(adminA)).find((item) => item.id === request.id);
    expect(waiting).toEqual({
      id: request.id,
      patientId: patient.id,
      patientName: patient.fullName,
      patientDateOfBirth: patient.dateOfBirth,
      requestedAt: request.createdAt,
      state: 'pending-confirmation',
      confirmedAt: null,
      confirmedBy: null,
      effectiveAt: null,
    });
    expect((await waitingAt(adminB)).map((item) => item.id)).not.toContain(request.id);

    // Nobody but an admin of the patient's hospital confirms; the patient never confirms their own request.
    expectErrorEnvelope(await confirm(adminB, request.id), 404, 'NOT_FOUND');
    expectErrorEnvelope(await confirm(patient, request.id), 403, 'FORBIDDEN');
    expectErrorEnvelope(await confirm(doctor, request.id), 403, 'FORBIDDEN');

    const confirmed = await confirm(adminA, request.id);
    expect(confirmed.status).toBe(200);
    const body = confirmed.body as WaitingErasureRequest;
    expect(body).toMatchObject({ id: request.id, patientId: patient.id, state: 'confirmed', confirmedBy: adminA.id });
    const delayMs = Date.parse(body.effectiveAt!) - Date.parse(body.confirmedAt!);
    expect(Math.abs(delayMs - request.coolingOffSeconds * 1000)).toBeLessThanOrEqual(1);
    expect(Date.parse(body.effectiveAt!)).toBeGreaterThan(Date.now() + 60_000);
    expectErrorEnvelope(await confirm(adminA, request.id), 409, 'ERASURE_REQUEST_NOT_PENDING');

    // The patient is told, and sees when it takes effect.
    const patientFeed = await call(patient, 'GET', '/notifications?limit=100');
    expect((patientFeed.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ kind: 'erasure-confirmed', subject: { type: 'erasure-request', id: request.id } }),
    );
    expect((await call(patient, 'GET', '/me/erasure-request')).body).toMatchObject({
      id: request.id,
      state: 'confirmed',
      confirmedAt: body.confirmedAt,
      effectiveAt: body.effectiveAt,
    });

    // Within the delay, the patient cancels: 204, and the request is gone.
    const cancelled = await call(patient, 'DELETE', '/me/erasure-request');
    expect(cancelled.status).toBe(204);
    expect(cancelled.text).toBe('');
    expectErrorEnvelope(await call(patient, 'GET', '/me/erasure-request'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await call(patient, 'DELETE', '/me/erasure-request'), 404, 'NOT_FOUND');
    expectErrorEnvelope(await confirm(adminA, request.id), 409, 'ERASURE_REQUEST_NOT_PENDING');
    expect((await waitingAt(adminA)).map((item) => item.id)).not.toContain(request.id);

    // Nothing was erased.
    expect((await openReport(patient, reportId)).status).toBe(200);
    expect(await refusalOf(erasureOnLedger(auditor, patient.id))).toBe('NOT_FOUND');
    const [account] = await database.query<Array<{ full_name: string; key: Buffer | null }>>(
      `SELECT u.full_name, k.sealed_key AS key FROM users u JOIN patient_keys k ON k.patient_id = u.id WHERE u.id = $1`,
      [patient.id],
    );
    expect(account.full_name).toBe(patient.fullName);
    expect(account.key).toEqual(expect.any(Buffer));

    // The patient may ask again later (and withdraw that one too).
    const again = await askForErasure(patient);
    expect(again.status).toBe(202);
    expect((again.body as ErasureRequestBody).id).not.toBe(request.id);
    expect((await call(patient, 'DELETE', '/me/erasure-request')).status).toBe(204);
  });

  describe('carried out after the delay', () => {
    let patient: RegisteredPatient;
    let reportId: string;
    let title: string;
    let fileName: string;
    let sha256: string;
    let request: WaitingErasureRequest;

    beforeAll(async () => {
      ({ patient, reportId, title, fileName, sha256 } = await patientWithReport());
      // More traces of the patient: a doctor's request with a reason, a failed sign-in.
      const reason = `Follow-up of ${patient.fullName}`;
      const asked = await callApi('/api/v1/access-requests', {
        method: 'POST',
        ...jsonBody({ patientId: patient.id, reason }, bearer(doctor.accessToken)),
      });
      expect(asked.status).toBe(201);
      const wrong = await callApi('/api/v1/auth/login', {
        method: 'POST',
        ...jsonBody({ email: patient.email, password: 'not-the-password' }),
      });
      expect(wrong.status).toBe(401);
      expect(await tablesHolding(patient.email)).not.toEqual({});

      const asking = await askForErasure(patient, shortDelayApi.url);
      expect(asking.status).toBe(202);
      const confirmed = await confirm(adminA, (asking.body as ErasureRequestBody).id, shortDelayApi.url);
      expect(confirmed.status).toBe(200);
      request = confirmed.body as WaitingErasureRequest;
      expect(Date.parse(request.effectiveAt!) - Date.parse(request.confirmedAt!)).toBe(
        SHORT_COOLING_OFF_SECONDS * 1000,
      );
      expect((await call(patient, 'GET', '/me/erasure-request', shortDelayApi.url)).body).toMatchObject({
        state: 'confirmed',
      });
      await erasureCarriedOut(database, request.id, 90_000);
    }, 150_000);

    it('makes the content unreadable: the author gets 410 CONTENT_ERASED, a new upload is refused (409)', async () => {
      expectErrorEnvelope(await openAsResponse(doctor, reportId), 410, 'CONTENT_ERASED');
      const refused = await uploadReport(
        doctor,
        { patientId: patient.id, type: 'note', title: 'Follow-up' },
        { bytes: Buffer.from('follow-up note'), contentType: 'text/plain', name: 'follow-up.txt' },
      );
      expectErrorEnvelope(refused, 409, 'CONTENT_ERASED');
      const [key] = await database.query<Array<{ sealed_key: Buffer | null; destroyed_at: Date | null }>>(
        'SELECT sealed_key, destroyed_at FROM patient_keys WHERE patient_id = $1',
        [patient.id],
      );
      expect(key).toEqual({ sealed_key: null, destroyed_at: expect.any(Date) });
    });

    it('leaves the name, e-mail address and date of birth in no column of any table', async () => {
      expect(await tablesHolding(patient.fullName)).toEqual({});
      expect(await tablesHolding(patient.email)).toEqual({});
      expect(await tablesHolding(patient.dateOfBirth)).toEqual({});
      const [account] = await database.query<
        Array<{ full_name: string; email: string; date_of_birth: string | null; status: string }>
      >('SELECT full_name, email, date_of_birth, status FROM users WHERE id = $1', [patient.id]);
      expect(account).toEqual({
        full_name: `Erased patient ${patient.id.slice(0, 8)}`,
        email: `erased-${patient.id}@erased.invalid`,
        date_of_birth: null,
        status: 'suspended',
      });
    });

    it('scrubs the report’s title, file name and plaintext digest and the consent texts', async () => {
      for (const secret of [title, fileName, sha256]) expect(await tablesHolding(secret)).toEqual({});
      const [report] = await database.query<Array<{ file_name: string | null; plaintext_sha256: string | null }>>(
        'SELECT file_name, plaintext_sha256 FROM reports WHERE id = $1',
        [reportId],
      );
      expect(report).toEqual({ file_name: null, plaintext_sha256: null });
      expect(await database.query('SELECT 1 FROM consent_statements WHERE patient_id = $1', [patient.id])).toEqual([]);
    });

    it('ends the patient’s sessions, and the old e-mail and password sign nobody in', async () => {
      expectErrorEnvelope(await call(patient, 'GET', '/me/erasure-request'), 401, 'UNAUTHENTICATED');
      const refreshed = await callApi('/api/v1/auth/refresh', {
        method: 'POST',
        ...jsonBody({ refreshToken: patient.refreshToken }),
      });
      expect(refreshed.status).toBe(401);
      await expect(login(patient.email, patient.password)).rejects.toThrow(/login of .* failed/);
      const sessions = await database.query<Array<{ revoked: boolean; ip: string | null; user_agent: string | null }>>(
        'SELECT revoked_at IS NOT NULL AS revoked, ip, user_agent FROM sessions WHERE user_id = $1',
        [patient.id],
      );
      expect(sessions.length).toBeGreaterThan(0);
      for (const session of sessions) expect(session).toEqual({ revoked: true, ip: null, user_agent: null });
    });

    it('the ledger records the erasure (IDs, MSP and time only), readable by an auditor and the hospital’s admin', async () => {
      const [row] = await database.query<Array<{ tx_id: string; erased_at: Date; block_number: string | null }>>(
        'SELECT tx_id, erased_at, block_number::text FROM erasure_requests WHERE id = $1',
        [request.id],
      );
      const expected = {
        patientId: patient.id,
        erasedBy: adminA.id,
        erasedByMspId: 'HospitalAMSP',
        erasedAt: row.erased_at.toISOString(),
        txId: row.tx_id,
      };
      expect(row.block_number).toMatch(/^[1-9][0-9]*$/);
      expect(await erasureOnLedger(auditor, patient.id)).toEqual(expected);
      expect(await erasureOnLedger(adminA, patient.id)).toEqual(expected);
      expect(await refusalOf(erasureOnLedger(doctor, patient.id))).toBe('FORBIDDEN');
    });

    it('still lets an auditor verify the stored ciphertext against the ledger, without decrypting', async () => {
      const verified = await callApi(`/api/v1/reports/${reportId}/verify`, {
        method: 'POST',
        headers: bearer(auditor.accessToken),
      });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({
        verified: true,
        checks: { cid: true, ciphertext: true, plaintext: null, ledger: true },
      });
    });

    it('tells the patient by e-mail, once, without any PHI', async () => {
      const notice = smtp
        .messagesTo(patient.email)
        .filter((mail) => mail.messageId === `<erasure-${request.id}@medledger.invalid>`);
      expect(notice).toHaveLength(1);
      expect(notice[0].raw).toMatch(/^Subject: MedLedger: your erasure request was carried out\r?$/m);
      for (const secret of [patient.fullName, patient.dateOfBirth, patient.id, title, 'hospital-a']) {
        expect(notice[0].raw).not.toContain(secret);
      }
      const [row] = await database.query<Array<{ told: boolean }>>(
        'SELECT patient_told_at IS NOT NULL AS told FROM erasure_requests WHERE id = $1',
        [request.id],
      );
      expect(row.told).toBe(true);
    });

    it('is no longer waiting at the hospital, and nothing is left to confirm or cancel', async () => {
      expect((await waitingAt(adminA)).map((item) => item.id)).not.toContain(request.id);
      expectErrorEnvelope(await confirm(adminA, request.id), 409, 'ERASURE_REQUEST_NOT_PENDING');
    });
  });

  it('completes an erasure that the ledger already holds (a crash after the ledger’s commit)', async () => {
    const { patient, reportId } = await patientWithReport();
    const asking = await askForErasure(patient, shortDelayApi.url);
    expect(asking.status).toBe(202);
    // What an attempt that stopped right after the ledger's commit leaves: the record on the ledger only.
    const gateway = connectAs(peer, await storedLedgerIdentity(database, adminA.id));
    let recorded: { txId: string; erasedAt: string };
    try {
      const bytes = await medledgerContract(gateway, profile, 'erasure').submitTransaction('RecordErasure', patient.id);
      recorded = JSON.parse(Buffer.from(bytes).toString('utf8')) as { txId: string; erasedAt: string };
    } finally {
      gateway.close();
    }
    const confirmed = await confirm(adminA, (asking.body as ErasureRequestBody).id, shortDelayApi.url);
    expect(confirmed.status).toBe(200);
    const { id } = confirmed.body as WaitingErasureRequest;
    await erasureCarriedOut(database, id, 90_000);
    const [row] = await database.query<Array<{ tx_id: string; erased_at: Date; block_number: string | null }>>(
      'SELECT tx_id, erased_at, block_number::text FROM erasure_requests WHERE id = $1',
      [id],
    );
    expect(row).toEqual({
      tx_id: recorded.txId,
      erased_at: new Date(recorded.erasedAt),
      block_number: expect.stringMatching(/^[1-9][0-9]*$/),
    });
    expectErrorEnvelope(await openAsResponse(doctor, reportId), 410, 'CONTENT_ERASED');
    expect(await tablesHolding(patient.email)).toEqual({});
  });
});
