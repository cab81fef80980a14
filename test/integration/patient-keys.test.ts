import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LocalKeyService } from '../../api/src/crypto/local-key-service.js';
import { ContentErasedError, PatientKeysService } from '../../api/src/crypto/patient-keys.service.js';
import { PatientKeysRepository } from '../../api/src/crypto/patient-keys.repository.js';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';

/** Per-patient key-encryption keys in the real PostgreSQL: wrapping, binding, erasure. */
describe('patient key-encryption keys', () => {
  let database: DataSource;
  let keys: PatientKeysService;

  const newPatient = async (): Promise<string> => {
    const id = randomUUID();
    await database.query(
      "INSERT INTO users (id, email, password_hash, full_name, role, hospital) VALUES ($1, $2, 'x', 'Key Test', 'patient', 'hospital-a')",
      [id, `keys.${id}@medledger.test`],
    );
    return id;
  };

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    keys = new PatientKeysService(new LocalKeyService(randomBytes(32)), new PatientKeysRepository(database));
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('wraps a record key under the patient key and unwraps it for that record only', async () => {
    const patient = await newPatient();
    const recordKey = randomBytes(32);
    const [wrapped] = (await keys.wrapperFor(patient)).wrap([{ context: 'record-1', key: recordKey }]);
    expect(wrapped.includes(recordKey)).toBe(false);
    await expect(keys.unwrap(patient, [{ context: 'record-1', wrapped }])).resolves.toEqual([recordKey]);
    await expect(keys.unwrap(patient, [{ context: 'record-2', wrapped }])).rejects.toThrow();
    const [row] = await database.query<Array<{ sealed_key: Buffer }>>(
      'SELECT sealed_key FROM patient_keys WHERE patient_id = $1',
      [patient],
    );
    expect(row.sealed_key.length).toBeGreaterThan(32);
  });

  it('keeps one key per patient, even for concurrent first uploads', async () => {
    const patient = await newPatient();
    const wrapped = await Promise.all(
      [1, 2, 3, 4].map(
        async (n) => (await keys.wrapperFor(patient)).wrap([{ context: `r${n}`, key: Buffer.alloc(32, n) }])[0],
      ),
    );
    for (const [index, envelope] of wrapped.entries()) {
      await expect(keys.unwrap(patient, [{ context: `r${index + 1}`, wrapped: envelope }])).resolves.toEqual([
        Buffer.alloc(32, index + 1),
      ]);
    }
  });

  it('erases: once the patient key is destroyed, no record key of theirs can be unwrapped or added', async () => {
    const patient = await newPatient();
    const [wrapped] = (await keys.wrapperFor(patient)).wrap([{ context: 'record', key: randomBytes(32) }]);
    await expect(keys.destroy(patient)).resolves.toBe(true);
    await expect(keys.destroy(patient)).resolves.toBe(false);
    await expect(keys.unwrap(patient, [{ context: 'record', wrapped }])).rejects.toBeInstanceOf(ContentErasedError);
    await expect(keys.wrapperFor(patient)).rejects.toBeInstanceOf(ContentErasedError);
  });
});
