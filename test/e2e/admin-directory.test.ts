import { callApi, expectErrorEnvelope, type ApiResponse } from '../support/api.js';
import { probeWord } from '../support/phi.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { eventually } from '../support/services.js';

interface Assignment {
  id: string;
  patientId: string;
  patientName: string | null;
  doctorId: string;
  doctorName: string | null;
  assignedBy: string;
  startedAt: string;
  endedAt: string | null;
  endedBy: string | null;
  txId: string;
  blockNumber: string;
}
type Page<T> = { items: T[]; nextCursor: string | null };

const get = (caller: SignedIn, path: string) => callApi(path, { headers: bearer(caller.accessToken) });
const items = <T>(response: ApiResponse) => (response.body as Page<T>).items;

/**
 * The admin's reads for the portal: a search of the hospital's accounts (to find a user, a
 * patient or a doctor to assign) and the hospital's care assignments from the ledger
 * projection; never another hospital's.
 */
describe('an admin finds accounts and care assignments of their hospital', () => {
  let adminA: SignedIn;
  let adminB: SignedIn;
  let doctor: SignedIn;
  let patient: SignedIn;
  let patientB: SignedIn;
  const surname = probeWord('name');

  beforeAll(async () => {
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctor, patient, patientB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      registerPatient('hospital-a', `Ida ${surname}`),
      registerPatient('hospital-b', `Ivo ${surname}`),
    ]);
  });

  const searchUsers = (caller: SignedIn, query: string, role?: string) =>
    get(caller, `/api/v1/admin/users/search?query=${encodeURIComponent(query)}${role ? `&role=${role}` : ''}`);

  it('finds the hospital’s accounts by the words of a name, e-mail, id, date of birth or licence; never another hospital’s', async () => {
    const bySurname = await searchUsers(adminA, surname.toLowerCase());
    expect(bySurname.status).toBe(200);
    expect(bySurname.body).toEqual({
      items: [
        {
          id: patient.id,
          email: patient.email,
          fullName: `Ida ${surname}`,
          role: 'patient',
          hospital: 'hospital-a',
          status: 'active',
          dateOfBirth: '1984-03-21',
          licenseNumber: null,
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    // Every word, in any order, anywhere in the name.
    expect(items<{ id: string }>(await searchUsers(adminA, `${surname.slice(2)} id`))).toEqual([
      expect.objectContaining({ id: patient.id }),
    ]);
    expect(items<{ id: string }>(await searchUsers(adminA, patient.email.toUpperCase()))).toEqual([
      expect.objectContaining({ id: patient.id }),
    ]);
    expect(items<{ id: string }>(await searchUsers(adminA, patient.id))).toEqual([
      expect.objectContaining({ id: patient.id }),
    ]);
    const byBirth = items<{ dateOfBirth: string }>(await searchUsers(adminA, '1984-03-21', 'patient'));
    expect(byBirth.length).toBeGreaterThan(0);
    expect(byBirth.length).toBeLessThanOrEqual(25);
    expect(byBirth.every((user) => user.dateOfBirth === '1984-03-21')).toBe(true);
    // Another hospital's admin finds their own patient of that name only.
    expect(items<{ id: string }>(await searchUsers(adminB, surname))).toEqual([
      expect.objectContaining({ id: patientB.id, hospital: 'hospital-b' }),
    ]);
    // A wildcard is text, not a pattern; an impossible date is just no match; too long is a 400.
    // (Accounts whose name or address holds a "%" may exist: the contract suite creates such.)
    const percent = items<{ email: string; fullName: string }>(await searchUsers(adminA, '%'));
    expect(percent.every((user) => user.email.includes('%') || user.fullName.includes('%'))).toBe(true);
    expect((await searchUsers(adminA, '2026-02-31')).status).toBe(200);
    expectErrorEnvelope(await searchUsers(adminA, 'x'.repeat(201)), 400, 'INVALID_INPUT');
    expectErrorEnvelope(await searchUsers(adminA, surname, 'nurse'), 400, 'INVALID_INPUT');
  });

  it('narrows the search to one role: the hospital’s doctors by name or licence number', async () => {
    const me = (await get(doctor, '/api/v1/auth/me')).body as { fullName: string };
    const byName = await searchUsers(adminA, me.fullName, 'doctor');
    expect(byName.status).toBe(200);
    expect(items(byName)).toEqual([
      expect.objectContaining({ id: doctor.id, fullName: me.fullName, role: 'doctor', licenseNumber: 'MD-12345' }),
    ]);
    const byLicence = items<{ role: string }>(await searchUsers(adminA, 'md-123', 'doctor'));
    expect(byLicence.length).toBeGreaterThan(0);
    expect(byLicence.every((user) => user.role === 'doctor')).toBe(true);
    expect(items(await searchUsers(adminB, me.fullName))).toEqual([]);
    expect(items(await searchUsers(adminA, surname, 'doctor'))).toEqual([]);
    // No query: the first 25 by name.
    const all = items<{ fullName: string }>(await searchUsers(adminA, '', 'doctor'));
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(25);
  });

  it('lists the hospital’s care assignments with names and the ledger transaction, filtered, paged, running and ended', async () => {
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const { id, txId } = assigned.body as { id: string; txId: string };
    const ofPatient = `/api/v1/admin/care-assignments?patientId=${patient.id}`;
    await eventually(async () => items(await get(adminA, ofPatient)).length === 1, 10_000, 'the assignment projected');
    const doctorName = ((await get(doctor, '/api/v1/auth/me')).body as { fullName: string }).fullName;
    expect(await get(adminA, ofPatient)).toMatchObject({
      status: 200,
      body: {
        items: [
          {
            id,
            patientId: patient.id,
            patientName: `Ida ${surname}`,
            doctorId: doctor.id,
            doctorName,
            assignedBy: adminA.id,
            startedAt: expect.any(String),
            endedAt: null,
            endedBy: null,
            txId,
            blockNumber: expect.stringMatching(/^\d+$/),
          },
        ],
        nextCursor: null,
      },
    });
    expect(items(await get(adminA, `${ofPatient}&doctorId=${doctor.id}&status=active`))).toHaveLength(1);
    expect(items(await get(adminA, `${ofPatient}&status=ended`))).toEqual([]);
    // Another hospital's admins made none of it.
    expect(items(await get(adminB, ofPatient))).toEqual([]);

    const ended = await callApi(`/api/v1/admin/care-assignments/${id}`, {
      method: 'DELETE',
      headers: bearer(adminA.accessToken),
    });
    expect(ended.status).toBe(200);
    await eventually(
      async () => items<Assignment>(await get(adminA, `${ofPatient}&status=ended`)).length === 1,
      10_000,
      'the end projected',
    );
    const [row] = items<Assignment>(await get(adminA, ofPatient));
    expect(row).toMatchObject({ id, endedAt: expect.any(String), endedBy: adminA.id });
    expect(row!.txId).not.toBe(txId);

    // Pages: one at a time, the cursor continues, a crafted cursor is a 400.
    const second = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expect(second.status).toBe(201);
    await eventually(async () => items(await get(adminA, ofPatient)).length === 2, 10_000, 'the second projected');
    const first = (await get(adminA, `${ofPatient}&limit=1`)).body as Page<Assignment>;
    expect(first.items.map((item) => item.id)).toEqual([(second.body as { id: string }).id]);
    const next = (await get(adminA, `${ofPatient}&limit=1&cursor=${first.nextCursor}`)).body as Page<Assignment>;
    expect(next).toEqual({ items: [expect.objectContaining({ id })], nextCursor: null });
    expectErrorEnvelope(await get(adminA, `${ofPatient}&cursor=bm90LWEtY3Vyc29y`), 400, 'INVALID_INPUT');
    expectErrorEnvelope(await get(adminA, '/api/v1/admin/care-assignments?status=maybe'), 400, 'INVALID_INPUT');
    expectErrorEnvelope(await get(adminA, '/api/v1/admin/care-assignments?patientId=nope'), 400, 'INVALID_INPUT');
  });

  it('is the admins’ only', async () => {
    for (const path of ['/api/v1/admin/care-assignments', '/api/v1/admin/users/search?query=a']) {
      expectErrorEnvelope(await get(doctor, path), 403, 'FORBIDDEN');
      expectErrorEnvelope(await get(patient, path), 403, 'FORBIDDEN');
      expectErrorEnvelope(await callApi(path), 401, 'UNAUTHENTICATED');
    }
  });
});
