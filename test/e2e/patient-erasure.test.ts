import type { Client } from '@grpc/grpc-js';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { refusalOf } from '../support/ledger-actors.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import { eventually } from '../support/services.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

interface ErasureBody {
  patientId: string;
  erasedAt: string;
  txId: string;
  blockNumber: string | null;
  reportsErased: number;
}

/**
 * Erasure of a patient's content (architecture, invariants 1 and 5): an admin of the
 * patient's hospital records it on the ledger, the patient's key is destroyed and the PHI
 * of their report metadata scrubbed; the ledger keeps its IDs and digests.
 */
describe('erasure of a patient’s content, recorded on the ledger', () => {
  let database: DataSource;
  let profile: NetworkProfile;
  let peer: Client;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let doctor: SignedIn;
  let auditor: SignedIn;

  const erase = (caller: SignedIn, patientId: string) =>
    callApi(`/api/v1/patients/${patientId}/erasure`, { method: 'POST', headers: bearer(caller.accessToken) });

  /** A patient of hospital-a in the doctor's care, with one report whose title and file name are PHI. */
  async function patientWithReport() {
    const patient = await registerPatient('hospital-a');
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const title = `Psychiatric assessment ${randomUUID()}`;
    const fileName = `assessment-${randomUUID().slice(0, 8)}.pdf`;
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

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peer = peerClient(profile, 'hospital-a');
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctor, auditor] = await Promise.all([createStaff(adminA, 'doctor'), createStaff(adminA, 'auditor')]);
  });

  afterAll(async () => {
    peer?.close();
    await database?.destroy();
  });

  it('refuses a doctor, the patient, an admin of another hospital (403), an unknown patient (404), a malformed id (400)', async () => {
    const { patient, reportId } = await patientWithReport();
    expectErrorEnvelope(await erase(doctor, patient.id), 403, 'FORBIDDEN');
    expectErrorEnvelope(await erase(patient, patient.id), 403, 'FORBIDDEN');
    expectErrorEnvelope(await erase(adminB, patient.id), 403, 'FORBIDDEN');
    expectErrorEnvelope(await erase(adminA, randomUUID()), 404, 'NOT_FOUND');
    expectErrorEnvelope(await erase(adminA, doctor.id), 404, 'NOT_FOUND');
    expectErrorEnvelope(await erase(adminA, 'patient-1'), 400, 'INVALID_INPUT');

    // Nothing was erased: no request, no ledger record, the content still opens.
    const rows = await database.query('SELECT 1 FROM patient_erasures WHERE patient_id = $1', [patient.id]);
    expect(rows).toEqual([]);
    expect(await refusalOf(erasureOnLedger(auditor, patient.id))).toBe('NOT_FOUND');
    expect((await openReport(patient, reportId)).status).toBe(200);
  });

  describe('an admin of the patient’s hospital erases', () => {
    let patient: SignedIn;
    let reportId: string;
    let title: string;
    let fileName: string;
    let sha256: string;
    let erased: ErasureBody;

    beforeAll(async () => {
      ({ patient, reportId, title, fileName, sha256 } = await patientWithReport());
      expect((await openReport(patient, reportId)).status).toBe(200);
      const response = await erase(adminA, patient.id);
      expect(response.status).toBe(200);
      erased = response.body as ErasureBody;
    });

    it('answers 200 with the ledger transaction, its block and the number of reports', () => {
      expect(erased).toEqual({
        patientId: patient.id,
        erasedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        txId: expect.stringMatching(/^[0-9a-f]{64}$/),
        blockNumber: expect.stringMatching(/^[1-9][0-9]*$/),
        reportsErased: 1,
      });
    });

    it('makes the content unreadable: the patient and the author get 410 CONTENT_ERASED', async () => {
      expectErrorEnvelope(await openAsResponse(patient, reportId), 410, 'CONTENT_ERASED');
      expectErrorEnvelope(await openAsResponse(doctor, reportId), 410, 'CONTENT_ERASED');
    });

    it('refuses a new upload for the patient', async () => {
      const refused = await uploadReport(
        doctor,
        { patientId: patient.id, type: 'note', title: 'Follow-up' },
        { bytes: Buffer.from('follow-up note'), contentType: 'text/plain', name: 'follow-up.txt' },
      );
      expectErrorEnvelope(refused, 410, 'CONTENT_ERASED');
      const [{ count }] = await database.query<Array<{ count: number }>>(
        'SELECT count(*)::int AS count FROM reports WHERE patient_id = $1',
        [patient.id],
      );
      expect(count).toBe(1);
    });

    it('the ledger holds the erasure (IDs, MSP and time only), readable by an auditor, the hospital’s admin and the patient', async () => {
      const expected = {
        patientId: patient.id,
        erasedBy: adminA.id,
        erasedByMspId: 'HospitalAMSP',
        erasedAt: erased.erasedAt,
        txId: erased.txId,
      };
      expect(await erasureOnLedger(auditor, patient.id)).toEqual(expected);
      expect(await erasureOnLedger(adminA, patient.id)).toEqual(expected);
      expect(await erasureOnLedger(patient, patient.id)).toEqual(expected);
      expect(await refusalOf(erasureOnLedger(doctor, patient.id))).toBe('FORBIDDEN');
    });

    it('scrubs the report’s title, file name and plaintext digest from the database and destroys the patient’s key', async () => {
      const [report] = await database.query<
        Array<{ title: string; file_name: string | null; plaintext_sha256: string | null }>
      >('SELECT title, file_name, plaintext_sha256 FROM reports WHERE id = $1', [reportId]);
      expect(report.title).not.toBe(title);
      expect(report.file_name).toBeNull();
      expect(report.plaintext_sha256).toBeNull();
      const sagas = await database.query<Array<{ steps: string }>>(
        "SELECT step_data::text AS steps FROM upload_sagas WHERE step_data->>'patientId' = $1",
        [patient.id],
      );
      expect(sagas.length).toBeGreaterThan(0);
      for (const saga of sagas) {
        expect(saga.steps).not.toContain(title);
        expect(saga.steps).not.toContain(fileName);
        expect(saga.steps).not.toContain(sha256);
      }
      const [key] = await database.query<Array<{ sealed_key: Buffer | null; destroyed_at: Date | null }>>(
        'SELECT sealed_key, destroyed_at FROM patient_keys WHERE patient_id = $1',
        [patient.id],
      );
      expect(key).toEqual({ sealed_key: null, destroyed_at: expect.any(Date) });
      const metadata = await callApi(`/api/v1/reports/${reportId}`, { headers: bearer(patient.accessToken) });
      expect(metadata.status).toBe(200);
      expect(metadata.text).not.toContain(title);
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

    it('answers a retry, by the same or another admin of the hospital, with the same result', async () => {
      const again = await erase(adminA, patient.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(erased);
      const otherAdmin = await createStaff(adminA, 'admin');
      const byOther = await erase(otherAdmin, patient.id);
      expect(byOther.status).toBe(200);
      expect(byOther.body).toEqual(erased);
      expectErrorEnvelope(await erase(adminB, patient.id), 403, 'FORBIDDEN');
    });
  });

  it('completes an erasure that the ledger already holds (the API stopped after the commit)', async () => {
    const { patient, reportId } = await patientWithReport();
    const gateway = connectAs(peer, await storedLedgerIdentity(database, adminA.id));
    let recorded: { txId: string; erasedAt: string };
    try {
      const bytes = await medledgerContract(gateway, profile, 'erasure').submitTransaction('RecordErasure', patient.id);
      recorded = JSON.parse(Buffer.from(bytes).toString('utf8')) as { txId: string; erasedAt: string };
    } finally {
      gateway.close();
    }
    const response = await erase(adminA, patient.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      patientId: patient.id,
      erasedAt: recorded.erasedAt,
      txId: recorded.txId,
      blockNumber: expect.stringMatching(/^[1-9][0-9]*$/),
      reportsErased: 1,
    });
    expectErrorEnvelope(await openAsResponse(patient, reportId), 410, 'CONTENT_ERASED');
  });

  it('completes, without anyone asking again, a request that a crash left before the ledger', async () => {
    const { patient, reportId } = await patientWithReport();
    // What a crash right after the request's row was written leaves behind, gone idle.
    await database.query(
      `INSERT INTO patient_erasures (patient_id, requested_by, state, created_at, updated_at)
       VALUES ($1, $2, 'requested', now() - interval '1 hour', now() - interval '1 hour')`,
      [patient.id, adminA.id],
    );
    await eventually(
      async () => {
        const [row] = await database.query<Array<{ state: string }>>(
          'SELECT state FROM patient_erasures WHERE patient_id = $1',
          [patient.id],
        );
        return row?.state === 'done';
      },
      60_000,
      'the recovery of the erasure',
    );
    expect(await erasureOnLedger(auditor, patient.id)).toMatchObject({ patientId: patient.id, erasedBy: adminA.id });
    expectErrorEnvelope(await openAsResponse(patient, reportId), 410, 'CONTENT_ERASED');
  });
});
