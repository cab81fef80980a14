import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { masterKeyId } from '../../api/src/crypto/master-keys.js';
import type * as Accounts from '../support/accounts.js';
import type * as Api from '../support/api.js';
import type * as ApiProcesses from '../support/api-process.js';
import type * as Uploads from '../support/uploads.js';
import { byteaValuesOfDump, openedByKey, rotateKeys, ScratchSecrets } from '../support/master-keys.js';
import { ScratchDatabase } from '../support/scratch-database.js';
import { eventually } from '../support/services.js';

/**
 * Two API processes of their own (a scratch database, their own secrets file, the real
 * ledger, CA and IPFS) serve a doctor, two patients and an admin while `npm run keys:rotate`
 * re-wraps every sealed key under a new master key: not one request fails meanwhile (reads,
 * ledger signatures, new accounts and first uploads sealing new keys); afterwards, and
 * after a restart that leaves the processes the new key alone, every user signs the ledger
 * and every report opens verified; a dump of the database holds nothing the old key opens.
 *
 * The shared helpers (accounts, uploads) talk to API_URL: this suite points it at its own
 * first API process before it loads them, so that they sign up and sign in there.
 */
describe('master-key rotation while the API serves', () => {
  const basePort = Number(new URL(process.env.API_URL ?? 'http://127.0.0.1:3000').port || 80);
  const [firstPort, secondPort] = [basePort + 41, basePort + 42];
  const mainApiUrl = process.env.API_URL;
  const adminEmail = `rotation-admin.${randomUUID().slice(0, 8)}@medledger.test`;
  const adminPassword = `Pw-${randomUUID()}`;
  const oldKey = randomBytes(32).toString('base64');

  let accounts: typeof Accounts;
  let api: typeof Api;
  let uploads: typeof Uploads;
  let first: ApiProcesses.ApiProcess;
  let second: ApiProcesses.ApiProcess;
  let scratch: ScratchDatabase;
  let database: DataSource;
  let secrets: ScratchSecrets;
  let admin: Accounts.SignedIn;
  let doctor: Accounts.SignedIn;
  const patients: Accounts.SignedIn[] = [];
  /** Every report, with a user allowed to open it. */
  const reports: Array<{ id: string; reader: Accounts.SignedIn }> = [];

  const settings = (bootstrap: boolean) => ({
    DATABASE_URL: scratch.url,
    MASTER_KEY_FILE: secrets.file,
    BOOTSTRAP_ADMINS: bootstrap ? `hospital-a:${adminEmail}:${adminPassword}` : '',
  });

  const ledgerCheck = (user: Accounts.SignedIn, apiUrl: string) =>
    api.callApi('/api/v1/auth/me/ledger-check', { method: 'POST', headers: accounts.bearer(user.accessToken) }, apiUrl);

  /** Opens a report through `apiUrl`; the problem, or undefined when it opened with verified headers. */
  async function openProblem(report: { id: string; reader: Accounts.SignedIn }, apiUrl: string) {
    const opened = await uploads.openReport(report.reader, report.id, apiUrl);
    if (opened.status !== 200) return `GET content ${report.id} on ${apiUrl}: ${opened.status}`;
    if (opened.headers.get('x-integrity-verified') !== 'true' || opened.headers.get('x-ledger-verified') !== 'true')
      return `GET content ${report.id} on ${apiUrl}: not verified`;
    return undefined;
  }

  /** A new patient signs up and adds a first record of their own (a new private key and a new KEK sealed), then opens it. */
  async function newPatientWithRecord(): Promise<void> {
    const patient = await accounts.registerPatient('hospital-a');
    const uploaded = await uploads.uploadReport(
      patient,
      { patientId: patient.id, type: 'lab' },
      { bytes: randomBytes(2000) },
      {},
      first.url,
    );
    if (uploaded.status !== 201) throw new Error(`a patient's first upload: ${uploaded.status} ${uploaded.text}`);
    patients.push(patient);
    reports.push({ id: (uploaded.body as { id: string }).id, reader: patient });
  }

  /** Every user signs the ledger and every report opens verified, through `apiUrl`. */
  async function expectEverythingWorks(apiUrl: string): Promise<void> {
    for (const user of [admin, doctor, ...patients]) {
      const check = await ledgerCheck(user, apiUrl);
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({ uid: user.id });
    }
    for (const report of reports) expect(await openProblem(report, apiUrl)).toBeUndefined();
  }

  beforeAll(async () => {
    process.env.API_URL = `http://127.0.0.1:${firstPort}`;
    [accounts, api, uploads] = await Promise.all([
      import('../support/accounts.js'),
      import('../support/api.js'),
      import('../support/uploads.js'),
    ]);
    const { ApiProcess } = await import('../support/api-process.js');
    for (const port of [firstPort, secondPort]) {
      const taken = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      );
      if (taken) throw new Error(`port ${port} is taken: this suite starts its own API processes there`);
    }
    first = new ApiProcess('api-keys-1', firstPort);
    second = new ApiProcess('api-keys-2', secondPort);
    scratch = await ScratchDatabase.create('rotation');
    secrets = ScratchSecrets.create(oldKey);
    await first.start(settings(true));
    database = await scratch.connect();
    await eventually(
      async () => {
        const signedIn = await accounts.login(adminEmail, adminPassword).catch(() => undefined);
        if (signedIn) admin = signedIn;
        return signedIn !== undefined;
      },
      120_000,
      'the scratch API creating its first admin',
    );
    await second.start(settings(false));
    // The doctor's activation link waits in this suite's own database (the setup shortcut of
    // createStaff reads the mail outbox of DATABASE_URL).
    const mainDatabase = process.env.DATABASE_URL;
    process.env.DATABASE_URL = scratch.url;
    try {
      doctor = await accounts.createStaff(admin, 'doctor');
    } finally {
      process.env.DATABASE_URL = mainDatabase;
    }
    for (let index = 0; index < 2; index += 1) {
      const patient = await accounts.registerPatient('hospital-a');
      patients.push(patient);
      const assigned = await api.callApi('/api/v1/admin/care-assignments', {
        method: 'POST',
        ...accounts.jsonBody({ patientId: patient.id, doctorId: doctor.id }, accounts.bearer(admin.accessToken)),
      });
      expect(assigned.status).toBe(201);
      const uploaded = await uploads.uploadReport(
        doctor,
        { patientId: patient.id, type: 'report' },
        { bytes: randomBytes(5000) },
      );
      expect(uploaded.status).toBe(201);
      reports.push({ id: (uploaded.body as { id: string }).id, reader: doctor });
    }
    await newPatientWithRecord();
    await expectEverythingWorks(second.url);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await database?.destroy();
    await scratch?.drop();
    secrets?.remove();
    if (mainApiUrl === undefined) delete process.env.API_URL;
    else process.env.API_URL = mainApiUrl;
  });

  it('re-wraps every sealed key under a new master key with not one failed request; afterwards every user signs and every report opens, and the old key opens nothing', async () => {
    const oldId = masterKeyId(Buffer.from(oldKey, 'base64'));
    // Both processes hold the file's key and say so.
    await eventually(
      async () => {
        const holders = await database.query<Array<{ key_ids: string[] }>>(
          "SELECT key_ids FROM master_key_holders WHERE seen_at > now() - interval '30 seconds'",
        );
        return holders.length === 2 && holders.every((holder) => holder.key_ids.join() === oldId);
      },
      30_000,
      'both API processes reporting the master key they hold',
    );

    // Reads and signatures through both processes, and new patients sealing new keys, all the time.
    const failures: string[] = [];
    let requests = 0;
    const patientsBefore = patients.length;
    let running = true;
    const signers = [admin, doctor, ...patients];
    const readLoop = (async () => {
      for (let round = 0; running; round += 1) {
        const apiUrl = round % 2 === 0 ? first.url : second.url;
        const signer = signers[Math.floor(round / 2) % signers.length]!;
        const outcomes = await Promise.all([
          openProblem(reports[round % reports.length]!, apiUrl),
          ledgerCheck(signer, apiUrl).then((check) =>
            check.status === 200
              ? undefined
              : `ledger-check of ${signer.id} on ${apiUrl}: ${check.status} ${check.text}`,
          ),
        ]).catch((error: Error): Array<string | undefined> => [`request failed: ${error.message}`]);
        requests += 2;
        failures.push(...outcomes.filter((outcome): outcome is string => outcome !== undefined));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const writeLoop = (async () => {
      while (running) {
        await newPatientWithRecord().catch((error: Error) => failures.push(`new patient: ${error.message}`));
        requests += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();

    const rotation = await rotateKeys(scratch.url, secrets.file, {
      KEY_ROTATION_BATCH_SIZE: '1',
      KEY_ROTATION_PAUSE_MS: '500',
    });
    running = false;
    await Promise.all([readLoop, writeLoop]);

    expect(rotation.stderr).not.toMatch(/refused|failed/);
    expect(rotation.exitCode).toBe(0);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(10);
    // New private keys and KEKs were sealed while the keys changed under them.
    expect(patients.length - patientsBefore).toBeGreaterThanOrEqual(1);
    const newKey = secrets.get('MASTER_KEY')!;
    const newId = masterKeyId(Buffer.from(newKey, 'base64'));
    expect(newId).not.toBe(oldId);
    expect(secrets.get('MASTER_KEY_PREVIOUS')).toBeUndefined();
    expect(rotation.stdout).toContain(`master key rotated: ${oldId} -> ${newId}`);
    for (const key of [oldKey, newKey]) expect(`${rotation.stdout}${rotation.stderr}`).not.toContain(key);

    // Every sealed key is under the new master key, and the running processes forgot the old one.
    const stored = await database.query<Array<{ key_id: string }>>(
      `SELECT key_id FROM ledger_identities UNION ALL SELECT key_id FROM patient_keys WHERE key_id IS NOT NULL
       UNION ALL SELECT key_id FROM user_second_factors`,
    );
    expect(new Set(stored.map((row) => row.key_id))).toEqual(new Set([newId]));
    await eventually(
      async () => {
        const holders = await database.query<Array<{ key_ids: string[] }>>(
          "SELECT key_ids FROM master_key_holders WHERE seen_at > now() - interval '30 seconds'",
        );
        return holders.length === 2 && holders.every((holder) => holder.key_ids.join() === newId);
      },
      30_000,
      'both API processes holding the new master key alone',
    );

    // The dump: nothing in it opens with the old key; every sealed key opens with the new one.
    const dump = await byteaValuesOfDump(database, scratch.url);
    expect(await openedByKey(database, dump, oldKey)).toBe(0);
    expect(await openedByKey(database, dump, newKey)).toBe(stored.length);

    await expectEverythingWorks(first.url);
    await expectEverythingWorks(second.url);
    // Restarted, the processes hold the new key alone and have no key opened before: every
    // signature and every report now depends on the re-wrapped keys.
    await Promise.all([first.stop(), second.stop()]);
    await first.start(settings(false));
    await expectEverythingWorks(first.url);
  }, 600_000);
});
