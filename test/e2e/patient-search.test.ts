import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  registerPatient,
  strongPassword,
  uniqueEmail,
  type SignedIn,
} from '../support/accounts.js';
import { RUN_DIR } from '../support/network-profile.js';
import { registerProbe } from '../support/phi.js';
import { eventually } from '../support/services.js';

interface FoundPatient {
  id: string;
  fullName: string;
  dateOfBirth: string | null;
  hospital: string;
}

const search = (caller: SignedIn, query: string) =>
  callApi(`/api/v1/patients?query=${encodeURIComponent(query)}`, { headers: bearer(caller.accessToken) });

const foundIds = async (caller: SignedIn, query: string): Promise<string[]> => {
  const response = await search(caller, query);
  expect(response.status).toBe(200);
  return (response.body as { items: FoundPatient[] }).items.map((item) => item.id);
};

/** Registers a patient with this name and date of birth, and signs them in. */
async function registerNamed(fullName: string, dateOfBirth: string, hospital = 'hospital-a'): Promise<SignedIn> {
  const email = uniqueEmail('searched');
  const password = strongPassword();
  const registered = await callApi('/api/v1/auth/register', {
    method: 'POST',
    ...jsonBody({ email, password, fullName, dateOfBirth, hospital }),
  });
  if (registered.status !== 202) throw new Error(`registration failed: ${registered.status} ${registered.text}`);
  return login(email, password);
}

/** Letters only, so that no other name of the database holds them by chance. */
const tag = () => Array.from({ length: 7 }, () => String.fromCharCode(97 + randomInt(26))).join('');
/** A date of birth few other test patients share (they are born on 1984-03-21). */
const rareBirthDate = () =>
  `${1920 + randomInt(80)}-${String(1 + randomInt(12)).padStart(2, '0')}-${String(1 + randomInt(28)).padStart(2, '0')}`;

describe('a doctor’s patient search: any part of the name, the date of birth, or the id', () => {
  const mark = tag();
  const surname = `Lovel${mark}ace`;
  const fullName = `Ada Augusta ${surname}`;
  registerProbe('name', fullName, surname, `${mark}son Byron`);
  const dateOfBirth = rareBirthDate();
  let doctor: SignedIn;
  let patient: SignedIn;
  let namesake: SignedIn;
  let elsewhere: SignedIn;

  beforeAll(async () => {
    const [adminA] = await Promise.all([bootstrapAdmin('hospital-a')]);
    [doctor, patient, namesake, elsewhere] = await Promise.all([
      createStaff(adminA, 'doctor'),
      registerNamed(fullName, dateOfBirth),
      // Begins with the search text: listed before the names that only contain it.
      registerNamed(`${mark}son Byron`, '1984-03-21'),
      // Same name, another hospital, no grant: never found by this doctor.
      registerNamed(fullName, dateOfBirth, 'hospital-b'),
    ]);
  });

  it('finds a patient by surname, case-insensitively, with the minimal fields', async () => {
    const response = await search(doctor, surname.toUpperCase());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [{ id: patient.id, fullName, dateOfBirth, hospital: 'hospital-a' }],
      nextCursor: null,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('finds a patient by a part in the middle of the name ("lovel" finds Lovelace), and by several parts', async () => {
    expect(await foundIds(doctor, `ovel${mark.slice(0, 4)}`)).toEqual([patient.id]);
    expect(await foundIds(doctor, `gusta lovel${mark}`)).toEqual([patient.id]);
    expect(await foundIds(doctor, `ada ${mark.slice(2)}ace`)).toEqual([patient.id]);
    expect(await foundIds(doctor, `byron lovel${mark}`)).toEqual([]);
  });

  it('lists names that begin with the search text before those that only contain it', async () => {
    expect(await foundIds(doctor, mark)).toEqual([namesake.id, patient.id]);
  });

  it('finds a patient by date of birth', async () => {
    expect(await foundIds(doctor, dateOfBirth)).toContain(patient.id);
    expect(await foundIds(doctor, ` ${dateOfBirth} `)).toContain(patient.id);
    expect(await foundIds(doctor, dateOfBirth)).not.toContain(namesake.id);
  });

  it('finds a patient by id, in either case', async () => {
    expect(await foundIds(doctor, patient.id)).toEqual([patient.id]);
    expect(await foundIds(doctor, patient.id.toUpperCase())).toEqual([patient.id]);
    expect(await foundIds(doctor, randomUUID())).toEqual([]);
  });

  it('keeps to the patients the doctor may find: a patient of another hospital stays hidden however searched', async () => {
    for (const query of [surname, dateOfBirth, elsewhere.id]) {
      expect(await foundIds(doctor, query)).not.toContain(elsewhere.id);
    }
  });

  it('takes LIKE wildcards literally', async () => {
    expect(await foundIds(doctor, '%%')).toEqual([]);
    expect(await foundIds(doctor, `lovel_${mark.slice(1)}`)).toEqual([]);
  });

  it.each([
    ['a NUL character', `${surname}\u0000`],
    ['a NUL character alone twice', '\u0000\u0000'],
    ['a line break', `Ada\n${surname}`],
    ['a tab', `Ada\t${surname}`],
    ['DEL', `Ada${surname}\u007f`],
    ['one letter', 'a'],
    ['one letter between spaces', '  a  '],
    ['a date that does not exist', '1990-02-31'],
    ['more than 100 characters', 'x'.repeat(101)],
  ])('answers a query with %s with 400 in the error envelope, never a 500', async (_case, query) => {
    const response = await search(doctor, query);
    expectErrorEnvelope(response, 400, 'INVALID_INPUT');
    expect((response.body as { errors: Array<{ field: string }> }).errors).toEqual([
      expect.objectContaining({ field: 'query' }),
    ]);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a missing or repeated query with 400', async () => {
    expectErrorEnvelope(
      await callApi('/api/v1/patients', { headers: bearer(doctor.accessToken) }),
      400,
      'INVALID_INPUT',
    );
    expectErrorEnvelope(
      await callApi(`/api/v1/patients?query=${surname}&query=Ada`, { headers: bearer(doctor.accessToken) }),
      400,
      'INVALID_INPUT',
    );
  });

  it('still refuses every role but the doctor’s', async () => {
    const adminA = await bootstrapAdmin('hospital-a');
    const auditor = await createStaff(adminA, 'auditor');
    const stranger = await registerPatient();
    for (const caller of [patient, stranger, adminA, auditor]) {
      expectErrorEnvelope(await search(caller, surname), 403, 'FORBIDDEN');
    }
    expectErrorEnvelope(await callApi(`/api/v1/patients?query=${surname}`), 401, 'UNAUTHENTICATED');
  });

  it('declares the 400 in the OpenAPI document', async () => {
    const document = (await callApi('/api/docs-json')).body as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    expect(Object.keys(document.paths['/api/v1/patients']!.get.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403']),
    );
  });

  it('writes none of the searched values to the API log, refused or not', async () => {
    const searchedName = `Quenby${tag()}`;
    const refusedName = `Quorra${tag()}`;
    registerProbe('name', searchedName, refusedName);
    const requests = [await search(doctor, searchedName), await search(doctor, `${refusedName}\u0000`)];
    expect(requests.map((response) => response.status)).toEqual([200, 400]);
    const log = path.join(RUN_DIR, 'logs', 'api.log');
    const ids = requests.map((response) => response.headers.get('x-request-id')!);
    await eventually(
      async () => ids.every((id) => readFileSync(log, 'utf8').includes(id)),
      5_000,
      'both requests in the API log',
    );
    const written = readFileSync(log, 'utf8');
    expect(written).not.toContain(searchedName);
    expect(written).not.toContain(refusedName);
  });
});
