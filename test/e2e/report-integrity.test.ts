import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, RUN_DIR } from '../support/network-profile.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

/** Where the project's Kubo node keeps a block (flatfs, next-to-last/2 sharding, base32 multihash keys). */
function kuboBlockFile(cid: string): string {
  const key = base32.baseEncode(CID.parse(cid).multihash.bytes).toUpperCase();
  return path.join(RUN_DIR, 'ipfs', 'blocks', key.slice(-3, -1), `${key}.data`);
}

describe('integrity of stored reports, and the ledger’s access receipts', () => {
  let database: DataSource;
  let doctor: SignedIn;
  let patient: SignedIn;
  let auditor: SignedIn;

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    const admin = await bootstrapAdmin('hospital-a');
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

  const upload = async () => {
    const response = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'lab' },
      { bytes: randomBytes(4096), contentType: 'application/pdf' },
    );
    expect(response.status).toBe(201);
    return response.body as { id: string; cid: string };
  };

  it('records an access receipt on the ledger for every opening, naming the reader and the basis', async () => {
    const report = await upload();
    const opened = await openReport(patient, report.id);
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
      expect(receipt).toMatchObject({ txId: receiptTxId, reportId: report.id, readerId: patient.id, basis: 'patient' });
    } finally {
      gateway.close();
      client.close();
    }
  });

  const verify = (caller: SignedIn, reportId: string) =>
    callApi(`/api/v1/reports/${reportId}/verify`, { method: 'POST', headers: bearer(caller.accessToken) });

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
    const file = kuboBlockFile(report.cid);
    const block = readFileSync(file);
    block[block.length >> 1] ^= 0x40;
    writeFileSync(file, block);
    const opened = await openReport(patient, report.id);
    expect(opened.status).toBe(422);
    expect(opened.body).toMatchObject({ statusCode: 422, code: 'INTEGRITY_FAILED' });
    expect((await verify(auditor, report.id)).body).toMatchObject({
      verified: false,
      checks: { cid: true, ciphertext: false, ledger: true },
    });
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
    const opened = await openReport(patient, report.id);
    expect(opened.status).toBe(422);
    expect(opened.body).toMatchObject({ statusCode: 422, code: 'INTEGRITY_FAILED' });
  });

  it('answers 422 when the stored record no longer matches the ledger', async () => {
    const report = await upload();
    await database.query("UPDATE reports SET plaintext_commitment = repeat('0', 64) WHERE id = $1", [report.id]);
    const opened = await openReport(patient, report.id);
    expect(opened.status).toBe(422);
  });
});
