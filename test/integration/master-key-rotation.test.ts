import 'reflect-metadata';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { LocalKeyService } from '../../api/src/crypto/local-key-service.js';
import { masterKeyId, masterKeyring } from '../../api/src/crypto/master-keys.js';
import { PatientKeysRepository } from '../../api/src/crypto/patient-keys.repository.js';
import { PatientKeysService } from '../../api/src/crypto/patient-keys.service.js';
import { ledgerIdentityContext, secondFactorContext } from '../../api/src/crypto/sealing-contexts.js';
import { byteaValuesOfDump, openedByKey, rotateKeys, ScratchSecrets, startRotateKeys } from '../support/master-keys.js';
import { ScratchDatabase } from '../support/scratch-database.js';
import { eventually } from '../support/services.js';

const newKey = () => randomBytes(32).toString('base64');

/**
 * `npm run keys:rotate` against a database of its own on the real PostgreSQL server (no API
 * runs on it): every sealed value re-wrapped, the old key opening nothing of a dump, batches
 * resumed after a crash, the database refusing values under the retired key, and the
 * refusals that leave everything as it was.
 */
describe('npm run keys:rotate on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let database: DataSource;
  let secrets: ScratchSecrets;
  const patients: string[] = [];
  /** Record keys wrapped under each patient's KEK (a data key, a commitment key): they must unwrap after every rotation. */
  const recordKeys = new Map<string, Array<{ context: string; key: Buffer; wrapped: Buffer }>>();

  const keysOf = (key: string, previous?: string) => new LocalKeyService(masterKeyring(key, previous));

  async function newUser(role: 'patient' | 'doctor'): Promise<string> {
    const id = randomUUID();
    await database.query(
      "INSERT INTO users (id, email, password_hash, full_name, role, hospital) VALUES ($1, $2, 'x', 'Rotation Test', $3, 'hospital-a')",
      [id, `rotation.${id}@medledger.test`, role],
    );
    return id;
  }

  /**
   * A user with a sealed private key and, for a patient, a KEK wrapping two record keys, for
   * a doctor a TOTP secret (their second factor), all under `key`.
   */
  async function seed(key: string, role: 'patient' | 'doctor'): Promise<string> {
    const id = await newUser(role);
    const keys = keysOf(key);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sealed = await keys.seal(
      Buffer.from(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      ledgerIdentityContext(id),
    );
    await database.query(
      `INSERT INTO ledger_identities (user_id, msp_id, enrollment_id, certificate_pem, sealed_private_key, key_id)
       VALUES ($1, 'HospitalAMSP', $4, 'certificate', $2, $3)`,
      [id, sealed.data, sealed.keyId, id],
    );
    if (role === 'doctor') {
      const totp = await keys.seal(randomBytes(20), secondFactorContext(id));
      await database.query(
        `INSERT INTO user_second_factors (user_id, sealed_secret, key_id, created_at, confirmed_at)
         VALUES ($1, $2, $3, now(), now())`,
        [id, totp.data, totp.keyId],
      );
    }
    if (role === 'patient') {
      patients.push(id);
      const wanted = [`data:${id}`, `commitment:${id}`].map((context) => ({ context, key: randomBytes(32) }));
      const wrapped = (await new PatientKeysService(keys, new PatientKeysRepository(database)).wrapperFor(id)).wrap(
        wanted,
      );
      recordKeys.set(
        id,
        wanted.map((entry, index) => ({ ...entry, wrapped: wrapped[index]! })),
      );
    }
    return id;
  }

  /** Every record key of every patient unwraps with `key` (and whatever else the ring holds). */
  async function expectRecordKeysOpen(key: string): Promise<void> {
    const service = new PatientKeysService(keysOf(key), new PatientKeysRepository(database));
    for (const [patient, entries] of recordKeys)
      await expect(service.unwrap(patient, entries)).resolves.toEqual(entries.map((entry) => entry.key));
  }

  async function keyIds(): Promise<string[]> {
    const rows = await database.query<Array<{ key_id: string }>>(
      `SELECT key_id FROM ledger_identities UNION ALL SELECT key_id FROM patient_keys WHERE key_id IS NOT NULL
       UNION ALL SELECT key_id FROM user_second_factors`,
    );
    return rows.map((row) => row.key_id);
  }

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('keys');
    database = await scratch.connect();
    await database.runMigrations();
  });

  afterAll(async () => {
    await database?.destroy();
    await scratch?.drop();
    secrets?.remove();
  });

  it('re-wraps every sealed key in batches; the dump holds nothing the old key opens; the file holds the new key alone, mode 600', async () => {
    const oldKey = newKey();
    secrets = ScratchSecrets.create(oldKey);
    for (let index = 0; index < 6; index += 1) await seed(oldKey, index % 3 === 0 ? 'doctor' : 'patient');
    const sealedCount = (await keyIds()).length;
    expect(sealedCount).toBe(12);
    // The dump as the rotation finds it: the old key opens every sealed key in it.
    expect(await openedByKey(database, await byteaValuesOfDump(database, scratch.url), oldKey)).toBe(sealedCount);

    const run = await rotateKeys(scratch.url, secrets.file, { KEY_ROTATION_BATCH_SIZE: '3' });

    expect(run).toMatchObject({ exitCode: 0 });
    const currentKey = secrets.get('MASTER_KEY')!;
    expect(currentKey).not.toBe(oldKey);
    expect(secrets.get('MASTER_KEY_PREVIOUS')).toBeUndefined();
    expect(secrets.get('JWT_SECRET')).toBeDefined();
    expect(statSync(secrets.file).mode & 0o777).toBe(0o600);
    const [from, to] = [masterKeyId(Buffer.from(oldKey, 'base64')), masterKeyId(Buffer.from(currentKey, 'base64'))];
    expect(run.stdout).toContain(`master key rotated: ${from} -> ${to}`);
    expect(run.stdout).toMatch(/users' ledger-identity private keys: 6 re-wrapped/);
    expect(run.stdout).toMatch(/patients' key-encryption keys: 4 re-wrapped/);
    expect(run.stdout).toMatch(/users' TOTP secrets \(second factors\): 2 re-wrapped/);
    // Key ids and counts, never a key.
    for (const key of [oldKey, currentKey]) expect(`${run.stdout}${run.stderr}`).not.toContain(key);

    expect(new Set(await keyIds())).toEqual(new Set([to]));
    const dump = await byteaValuesOfDump(database, scratch.url);
    expect(await openedByKey(database, dump, oldKey)).toBe(0);
    expect(await openedByKey(database, dump, currentKey)).toBe(sealedCount);
    await expectRecordKeysOpen(currentKey);
    await expect(expectRecordKeysOpen(oldKey)).rejects.toThrow();
    const retired = await database.query<Array<{ key_id: string }>>('SELECT key_id FROM retired_master_keys');
    expect(retired.map((row) => row.key_id)).toEqual([from]);
  });

  it('the database refuses a value stored under the retired key, and still lets a key be destroyed (erasure)', async () => {
    const [{ key_id: retired }] = await database.query<Array<{ key_id: string }>>(
      'SELECT key_id FROM retired_master_keys',
    );
    const user = await newUser('doctor');
    await expect(
      database.query(
        `INSERT INTO ledger_identities (user_id, msp_id, enrollment_id, certificate_pem, sealed_private_key, key_id)
         VALUES ($1, 'HospitalAMSP', $3, 'certificate', '\\x00', $2)`,
        [user, retired, user],
      ),
    ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: 'ML001' }) });
    const patient = patients[0]!;
    await expect(
      database.query('UPDATE patient_keys SET key_id = $2 WHERE patient_id = $1', [patient, retired]),
    ).rejects.toThrow(/sealed under the retired master key/);
    // Another column changed on a row under the current key, and a key destroyed, pass.
    await database.query("UPDATE ledger_identities SET certificate_pem = 'renewed' WHERE user_id = $1", [patient]);
    await expect(new PatientKeysRepository(database).destroy(patients[1]!)).resolves.toBe(true);
    recordKeys.delete(patients[1]!);
  });

  it('killed in the middle of its batches, it resumes with the same new key and skips what is done; every API can open everything meanwhile', async () => {
    const oldKey = secrets.get('MASTER_KEY')!;
    for (let index = 0; index < 4; index += 1) await seed(oldKey, 'patient');
    const total = (await keyIds()).length;
    const oldId = masterKeyId(Buffer.from(oldKey, 'base64'));

    const first = startRotateKeys(scratch.url, secrets.file, {
      KEY_ROTATION_BATCH_SIZE: '1',
      KEY_ROTATION_PAUSE_MS: '400',
    });
    let nextId = '';
    await eventually(
      async () => {
        const next = secrets.get('MASTER_KEY_PREVIOUS') ? secrets.get('MASTER_KEY')! : undefined;
        if (!next) return false;
        nextId = masterKeyId(Buffer.from(next, 'base64'));
        const ids = await keyIds();
        return ids.filter((id) => id === nextId).length >= 2;
      },
      60_000,
      'the first run re-wrapping its first values',
    );
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.done;
    const ids = await keyIds();
    const done = ids.filter((id) => id === nextId).length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(total);
    expect(new Set(ids)).toEqual(new Set([oldId, nextId]));
    // The file keeps both keys: an API reading it opens every value, whichever key it is under.
    const nextKey = secrets.get('MASTER_KEY')!;
    expect(secrets.get('MASTER_KEY_PREVIOUS')).toBe(oldKey);
    const dump = await byteaValuesOfDump(database, scratch.url);
    const [byOld, byNext] = [await openedByKey(database, dump, oldKey), await openedByKey(database, dump, nextKey)];
    expect(byOld + byNext).toBe(total);
    const during = new PatientKeysService(keysOf(nextKey, oldKey), new PatientKeysRepository(database));
    for (const [patient, entries] of recordKeys)
      await expect(during.unwrap(patient, entries)).resolves.toEqual(entries.map((entry) => entry.key));

    const second = await rotateKeys(scratch.url, secrets.file, { MASTER_KEY_NEXT: newKey() });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/a rotation to local:\w+ is unfinished: run the command without MASTER_KEY_NEXT/);

    const third = await rotateKeys(scratch.url, secrets.file);
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain(`master key rotated (an interrupted rotation, finished): ${oldId} -> ${nextId}`);
    const rewrapped = [...third.stdout.matchAll(/: (\d+) re-wrapped/g)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(rewrapped).toBe(total - done);
    expect(secrets.get('MASTER_KEY')).toBe(nextKey);
    expect(secrets.get('MASTER_KEY_PREVIOUS')).toBeUndefined();
    expect(new Set(await keyIds())).toEqual(new Set([nextId]));
    expect(await openedByKey(database, await byteaValuesOfDump(database, scratch.url), oldKey)).toBe(0);
    await expectRecordKeysOpen(nextKey);
  }, 180_000);

  it('refuses, changing nothing, while an API holds its key from the environment, while another rotation runs, and when a value is under a key the file lacks', async () => {
    const before = secrets.get('MASTER_KEY');
    const unchanged = async (run: Promise<{ exitCode: number; stderr: string }>, message: RegExp) => {
      const result = await run;
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(secrets.get('MASTER_KEY')).toBe(before);
      expect(secrets.get('MASTER_KEY_PREVIOUS')).toBeUndefined();
    };

    const holder = randomUUID();
    await database.query(
      `INSERT INTO master_key_holders (instance_id, host, pid, follows_file, sealing_key_id, key_ids)
       VALUES ($1, 'node-9', 4242, false, $2, ARRAY[$2])`,
      [holder, masterKeyId(Buffer.from(before!, 'base64'))],
    );
    await unchanged(
      rotateKeys(scratch.url, secrets.file),
      /the API process 4242 on node-9 holds its master key from the environment/,
    );
    await database.query('DELETE FROM master_key_holders WHERE instance_id = $1', [holder]);

    const locker = await scratch.connect();
    const runner = locker.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SELECT pg_advisory_lock(hashtext('medledger:master-key-rotation'))");
      await unchanged(rotateKeys(scratch.url, secrets.file), /another key rotation is running on this database/);
    } finally {
      await runner.release();
      await locker.destroy();
    }

    await seed(newKey(), 'doctor');
    await unchanged(
      rotateKeys(scratch.url, secrets.file),
      /ledger_identities holds values sealed under local:\w+ \(1\), which .* does not hold/,
    );
  });
});
