import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { callApi } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient } from '../support/accounts.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { openReport, uploadReport } from '../support/uploads.js';

const MiB = 1024 * 1024;
/** The bound: uploading and then reading a 100 MiB file grows the API's RSS by less than this. */
const MAX_RSS_GROWTH = 64 * MiB;

/** Resident memory of a process, in bytes. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/**
 * Samples a process's resident memory every 50 ms until `stop`, which resolves with the
 * peak in bytes. The sampling runs on a thread of its own, so that this test's own work
 * (sending and comparing 100 MiB) cannot delay a sample past a short-lived peak.
 */
function watchPeakResidentMemory(pid: number): { stop(): Promise<number> } {
  const shared = new Int32Array(new SharedArrayBuffer(8)); // [0]: peak in KiB; [1]: 1 once stopped
  const worker = new Worker(
    `const { readFileSync } = require('node:fs');
     const { workerData: { pid, shared } } = require('node:worker_threads');
     const sample = () => {
       const kiB = Number(/^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1]);
       Atomics.store(shared, 0, Math.max(Atomics.load(shared, 0), kiB));
     };
     do sample(); while (Atomics.wait(shared, 1, 0, 50) === 'timed-out');
     sample();`,
    { eval: true, workerData: { pid, shared } },
  );
  const exited = once(worker, 'exit');
  return {
    async stop() {
      Atomics.store(shared, 1, 1);
      Atomics.notify(shared, 1);
      const [code] = (await exited) as [number];
      if (code !== 0) throw new Error(`the memory sampler of process ${pid} failed (exit code ${code})`);
      return Atomics.load(shared, 0) * 1024;
    },
  };
}

/**
 * The upload limit (UPLOAD_MAX_BYTES, 100 MiB by default) at its boundary: exactly the limit
 * is stored and read back byte for byte, and the API's resident memory grows by less than
 * 64 MiB meanwhile; one byte more is refused with 413. Measured on an API process of its
 * own, started for this test: the first large file after a start is the one that grows a
 * process most (later ones reuse the memory that it leaves free), and no other suite's
 * requests run in it.
 */
describe('a report of exactly the upload limit, and one byte more', () => {
  const api = new ApiProcess('api-memory', spareApiPort(2));

  afterAll(() => api.stop());

  it('stores and returns 100 MiB byte for byte within 64 MiB of API memory, and refuses 100 MiB + 1 byte with 413', async () => {
    await api.start({});
    const pid = api.pid!;
    const admin = await bootstrapAdmin('hospital-a');
    const [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient()]);
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);

    // Warm-up: a fresh process's first upload and read load code lazily (modules, the
    // functions V8 compiles, the clients' connections). That memory is the process's, not
    // the file's: the baseline is measured after it.
    const small = randomBytes(MiB);
    const warmUp = await uploadReport(doctor, { patientId: patient.id }, { bytes: small }, {}, api.url);
    expect(warmUp.status).toBe(201);
    const warmRead = await openReport(patient, (warmUp.body as { id: string }).id, api.url);
    expect(warmRead.bytes.equals(small)).toBe(true);

    const bytes = randomBytes(100 * MiB);
    const baseline = residentBytes(pid);
    const watch = watchPeakResidentMemory(pid);
    let peak: number;
    let opened: Awaited<ReturnType<typeof openReport>>;
    try {
      const uploaded = await uploadReport(
        doctor,
        { patientId: patient.id, type: 'imaging' },
        { bytes, contentType: 'application/dicom' },
        {},
        api.url,
      );
      expect(uploaded.status).toBe(201);
      opened = await openReport(patient, (uploaded.body as { id: string }).id, api.url);
    } finally {
      peak = await watch.stop();
    }
    expect(opened.status).toBe(200);
    expect(opened.bytes.equals(bytes)).toBe(true);
    console.log(
      `API RSS ${(baseline / MiB).toFixed(1)} MiB after the warm-up; peak during the 100 MiB upload and read ${(peak / MiB).toFixed(1)} MiB (+${((peak - baseline) / MiB).toFixed(1)} MiB)`,
    );
    expect(peak - baseline).toBeLessThan(MAX_RSS_GROWTH);

    const tooLarge = await uploadReport(
      doctor,
      { patientId: patient.id },
      { bytes: Buffer.concat([bytes, Buffer.from([1])]) },
      {},
      api.url,
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
