import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { callApi } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient } from '../support/accounts.js';
import { RUN_DIR } from '../support/network-profile.js';
import { openReport, uploadReport } from '../support/uploads.js';

const MiB = 1024 * 1024;

/** Resident memory of the API process the scripts started, in bytes. */
function apiRss(): number {
  const [pid] = readFileSync(path.join(RUN_DIR, 'pids', 'api.pid'), 'utf8')
    .trim()
    .split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/**
 * The upload limit (UPLOAD_MAX_BYTES, 100 MiB by default) at its boundary: exactly the limit
 * is stored and read back byte for byte; one byte more is refused with 413. Prints the API's
 * resident memory around the 100 MiB upload and read (a figure, not an assertion: the
 * issue's 64 MiB goal is not met yet).
 */
describe('a report of exactly the upload limit, and one byte more', () => {
  it('stores and returns 100 MiB byte for byte, and refuses 100 MiB + 1 byte with 413', async () => {
    const admin = await bootstrapAdmin('hospital-a');
    const [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient()]);
    await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    const bytes = randomBytes(100 * MiB);
    const before = apiRss();
    const uploaded = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'imaging' },
      { bytes, contentType: 'application/dicom' },
    );
    expect(uploaded.status).toBe(201);
    const afterUpload = apiRss();
    const opened = await openReport(patient, (uploaded.body as { id: string }).id);
    expect(opened.status).toBe(200);
    expect(opened.bytes.equals(bytes)).toBe(true);
    const afterRead = apiRss();
    console.log(
      `API RSS before ${(before / MiB).toFixed(0)} MiB, after upload ${(afterUpload / MiB).toFixed(0)} MiB, after read ${(afterRead / MiB).toFixed(0)} MiB`,
    );

    const tooLarge = await uploadReport(
      doctor,
      { patientId: patient.id },
      { bytes: Buffer.concat([bytes, Buffer.from([1])]) },
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
