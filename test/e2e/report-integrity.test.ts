import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi, contentStoreApis, expectErrorEnvelope } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, RUN_DIR } from '../support/network-profile.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

/**
 * The file that holds a content block, named by the base32 multihash: Kubo's flatfs shards
 * by its next-to-last two characters; Helia's blockstore-fs by its last two, and prefixes
 * the name with the multibase letter `B`.
 */
function blockFile(store: string, cid: string): string {
  const key = base32.baseEncode(CID.parse(cid).multihash.bytes).toUpperCase();
  return store === 'Kubo'
    ? path.join(RUN_DIR, 'ipfs', 'blocks', key.slice(-3, -1), `${key}.data`)
    : path.join(RUN_DIR, 'helia', 'blocks', key.slice(-2), `B${key}.data`);
}

describe.each(contentStoreApis())(
  'integrity of stored reports on %s, and the ledger’s access receipts',
  (store, apiUrl) => {
    let database: DataSource;
    let doctor: SignedIn;
    let patient: SignedIn;
    let auditor: SignedIn;
    let admin: SignedIn;

    beforeAll(async () => {
      database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
      admin = await bootstrapAdmin('hospital-a');
      [doctor, patient, auditor] = await Promise.all([
        createStaff(admin, 'doctor'),
        registerPatient(),
        createStaff(admin, 'auditor'),
      ]);
      await callApi('/api/v1/admin/care-assignments', {
        method: 'POST',
        ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
      });
    });

    afterAll(async () => {
      await database?.destroy();
    });

    const upload = async (forPatient = patient) => {
      const response = await uploadReport(
        doctor,
        { patientId: forPatient.id, type: 'lab' },
        { bytes: randomBytes(4096), contentType: 'application/pdf' },
        {},
        apiUrl,
      );
      expect(response.status).toBe(201);
      return response.body as { id: string; cid: string };
    };

    it('records an access receipt on the ledger for every opening, naming the reader and the basis', async () => {
      const report = await upload();
      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(200);
      const receiptTxId = opened.headers.get('x-access-receipt-tx-id')!;
      const profile = loadNetworkProfile();
      const client = peerClient(profile, 'hospital-a');
      const gateway = connectAs(client, await storedLedgerIdentity(database, patient.id));
      try {
        const receipt = JSON.parse(
          Buffer.from(
            await medledgerContract(gateway, profile, 'audit').evaluateTransaction('GetAccessReceipt', receiptTxId),
          ).toString('utf8'),
        );
        expect(receipt).toMatchObject({
          txId: receiptTxId,
          reportId: report.id,
          readerId: patient.id,
          basis: 'patient',
        });
      } finally {
        gateway.close();
        client.close();
      }
    });

    const alertsOf = (reportId: string) =>
      database.query<Array<{ source: string; failed_checks: string[] }>>(
        'SELECT source, failed_checks FROM integrity_alerts WHERE report_id = $1 ORDER BY created_at',
        [reportId],
      );
    const alterCiphertext = (cid: string) => {
      const file = blockFile(store, cid);
      const block = readFileSync(file);
      block[block.length >> 1] ^= 0x40;
      writeFileSync(file, block);
    };

    const verify = (caller: SignedIn, reportId: string) =>
      callApi(`/api/v1/reports/${reportId}/verify`, { method: 'POST', headers: bearer(caller.accessToken) }, apiUrl);

    it('verifies an intact report for the patient (decrypting) and for an auditor (ciphertext only)', async () => {
      const report = await upload();
      const byPatient = await verify(patient, report.id);
      expect(byPatient.status).toBe(200);
      expect(byPatient.body).toMatchObject({
        verified: true,
        checks: { cid: true, ciphertext: true, plaintext: true, ledger: true },
      });
      const byAuditor = await verify(auditor, report.id);
      expect(byAuditor.body).toMatchObject({
        verified: true,
        checks: { cid: true, ciphertext: true, plaintext: null, ledger: true },
      });
    });

    it('answers 422 INTEGRITY_FAILED, never the bytes, when the ciphertext behind the CID was altered, and verify says so', async () => {
      const report = await upload();
      expect(await alertsOf(report.id)).toEqual([]);
      alterCiphertext(report.cid);
      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(422);
      expect(opened.body).toMatchObject({ statusCode: 422, code: 'INTEGRITY_FAILED' });
      expect(await alertsOf(report.id)).toEqual([{ source: 'read', failed_checks: ['ciphertext', 'plaintext'] }]);
      expect((await verify(auditor, report.id)).body).toMatchObject({
        verified: false,
        checks: { cid: true, ciphertext: false, ledger: true },
      });
      expect((await alertsOf(report.id))[1]).toEqual({ source: 'verify', failed_checks: ['ciphertext'] });
      expect((await verify(patient, report.id)).body).toMatchObject({
        verified: false,
        checks: { ciphertext: false, plaintext: false },
      });
    });

    it('answers 422 INTEGRITY_FAILED when the stored key envelope was altered', async () => {
      const report = await upload();
      await database.query(
        'UPDATE key_envelopes SET wrapped_data_key = set_byte(wrapped_data_key, 20, get_byte(wrapped_data_key, 20) # 1) WHERE report_id = $1',
        [report.id],
      );
      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(422);
      expect(opened.body).toMatchObject({ statusCode: 422, code: 'INTEGRITY_FAILED' });
      expect(await alertsOf(report.id)).toEqual([{ source: 'read', failed_checks: ['envelope'] }]);
    });

    it('answers 422 when the stored record no longer matches the ledger', async () => {
      const report = await upload();
      await database.query("UPDATE reports SET plaintext_commitment = repeat('0', 64) WHERE id = $1", [report.id]);
      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(422);
      expect(await alertsOf(report.id)).toEqual([{ source: 'read', failed_checks: ['ledger'] }]);
    });

    it('gives an auditor a batch integrity report: counts and every mismatch, in batches that a cursor continues', async () => {
      const other = await registerPatient();
      const assigned = await callApi('/api/v1/admin/care-assignments', {
        method: 'POST',
        ...jsonBody({ patientId: other.id, doctorId: doctor.id }, bearer(admin.accessToken)),
      });
      expect(assigned.status).toBe(201);
      const intact = await upload(other);
      const alteredContent = await upload(other);
      const alteredRecord = await upload(other);
      alterCiphertext(alteredContent.cid);
      await database.query("UPDATE reports SET ciphertext_sha256 = repeat('0', 64) WHERE id = $1", [alteredRecord.id]);
      // A forged row: a report the ledger never recorded.
      const forgedId = randomUUID();
      await database.query(
        `INSERT INTO reports (id, patient_id, author_id, type, title, file_name, content_type, plaintext_size,
           plaintext_sha256, cid, ciphertext_sha256, ciphertext_size, plaintext_commitment, encryption_scheme, tx_id,
           block_number, recorded_at)
         SELECT $2::uuid, patient_id, author_id, type, title, file_name, content_type, plaintext_size,
           plaintext_sha256, cid, ciphertext_sha256, ciphertext_size, plaintext_commitment, encryption_scheme, tx_id,
           block_number, recorded_at + interval '1 second' FROM reports WHERE id = $1`,
        [intact.id, forgedId],
      );

      const report = (cursor?: string) =>
        callApi(
          `/api/v1/audit/integrity-report?patientId=${other.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: bearer(auditor.accessToken) },
          apiUrl,
        );
      const first = await report();
      expect(first.status).toBe(200);
      const firstBatch = first.body as { checked: number; nextCursor: string | null; mismatches: unknown[] };
      expect(firstBatch).toMatchObject({ checked: 3, verified: 1, failed: 2 });
      expect(firstBatch.nextCursor).toEqual(expect.any(String));
      const second = await report(firstBatch.nextCursor!);
      expect(second.body).toMatchObject({ checked: 1, verified: 0, failed: 1 });

      const mismatches = [...firstBatch.mismatches, ...(second.body as { mismatches: unknown[] }).mismatches];
      expect(mismatches).toEqual([
        {
          reportId: alteredContent.id,
          patientId: other.id,
          checks: { cid: true, ciphertext: false, plaintext: null, ledger: true },
        },
        {
          reportId: alteredRecord.id,
          patientId: other.id,
          checks: { cid: true, ciphertext: true, plaintext: null, ledger: false },
        },
        {
          reportId: forgedId,
          patientId: other.id,
          checks: { cid: false, ciphertext: false, plaintext: null, ledger: false },
        },
      ]);
      expect(await alertsOf(forgedId)).toEqual([
        { source: 'integrity-report', failed_checks: ['cid', 'ciphertext', 'ledger'] },
      ]);
      expect(await alertsOf(alteredRecord.id)).toEqual([{ source: 'integrity-report', failed_checks: ['ledger'] }]);
    });

    it('refuses the integrity report to anyone but an auditor, and a cursor it did not issue', async () => {
      for (const caller of [patient, doctor, admin]) {
        expectErrorEnvelope(
          await callApi('/api/v1/audit/integrity-report', { headers: bearer(caller.accessToken) }, apiUrl),
          403,
          'FORBIDDEN',
        );
      }
      expectErrorEnvelope(
        await callApi(
          '/api/v1/audit/integrity-report?cursor=not-a-cursor',
          { headers: bearer(auditor.accessToken) },
          apiUrl,
        ),
        400,
      );
      expectErrorEnvelope(
        await callApi('/api/v1/audit/integrity-report?patientId=p-1', { headers: bearer(auditor.accessToken) }, apiUrl),
        400,
      );
    });
  },
);
