import { callApi, expectErrorEnvelope } from '../support/api.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
  strongPassword,
  uniqueEmail,
} from '../support/accounts.js';

const ledgerCheck = (user: SignedIn) =>
  callApi('/api/v1/auth/me/ledger-check', { method: 'POST', headers: bearer(user.accessToken) });
const setStatus = (admin: SignedIn, userId: string, status: string) =>
  callApi(`/api/v1/admin/users/${userId}`, { method: 'PATCH', ...jsonBody({ status }, bearer(admin.accessToken)) });

describe('hospital administration over HTTP', () => {
  let adminA: SignedIn;
  let adminB: SignedIn;

  beforeAll(async () => {
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
  });

  it('creates a doctor whose ledger transactions carry the doctor’s own certificate and attributes', async () => {
    const doctor = await createStaff(adminA, 'doctor');
    const check = await ledgerCheck(doctor);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ mspId: 'HospitalAMSP', role: 'doctor', uid: doctor.id });
    const profile = await callApi('/api/v1/auth/me', { headers: bearer(doctor.accessToken) });
    expect(profile.body).toMatchObject({ role: 'doctor', hospital: 'hospital-a', licenseNumber: 'MD-12345' });
  });

  it('lists the users of the admin’s own hospital only, page by page', async () => {
    const auditor = await createStaff(adminB, 'auditor');
    const seen: Array<{ id: string; hospital: string }> = [];
    let cursor: string | null = null;
    do {
      const page = await callApi(`/api/v1/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: bearer(adminB.accessToken),
      });
      expect(page.status).toBe(200);
      const body = page.body as { items: Array<{ id: string; hospital: string }>; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.every((user) => user.hospital === 'hospital-b')).toBe(true);
    expect(seen.map((user) => user.id)).toContain(auditor.id);
    expect(new Set(seen.map((user) => user.id)).size).toBe(seen.length);
  });

  it('suspends a doctor (sessions end, sign-in refused) and reactivates them with a fresh certificate', async () => {
    const doctor = await createStaff(adminA, 'doctor');
    // Signed through the API before: the identity it then keeps open must not outlive the re-enrollment.
    expect((await ledgerCheck(doctor)).status).toBe(200);
    const suspended = await setStatus(adminA, doctor.id, 'suspended');
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ id: doctor.id, status: 'suspended' });
    expectErrorEnvelope(
      await callApi('/api/v1/auth/me', { headers: bearer(doctor.accessToken) }),
      401,
      'UNAUTHENTICATED',
    );
    expectErrorEnvelope(
      await callApi('/api/v1/auth/login', {
        method: 'POST',
        ...jsonBody({ email: doctor.email, password: doctor.password }),
      }),
      401,
      'INVALID_CREDENTIALS',
    );

    expect((await setStatus(adminA, doctor.id, 'active')).status).toBe(200);
    const back = await login(doctor.email, doctor.password);
    const check = await ledgerCheck(back);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ role: 'doctor', uid: doctor.id });
  });

  it('refuses an admin another hospital’s users, and refuses admin routes to other roles', async () => {
    const doctorB = await createStaff(adminB, 'doctor');
    expectErrorEnvelope(await setStatus(adminA, doctorB.id, 'suspended'), 404, 'NOT_FOUND');
    const patient = await registerPatient();
    expectErrorEnvelope(
      await callApi('/api/v1/admin/users', { headers: bearer(patient.accessToken) }),
      403,
      'FORBIDDEN',
    );
    expectErrorEnvelope(
      await callApi('/api/v1/admin/users', { headers: bearer(doctorB.accessToken) }),
      403,
      'FORBIDDEN',
    );
  });

  it('answers bad staff input with 400 and the failing fields', async () => {
    const cases = [
      { email: uniqueEmail('x'), fullName: 'X', role: 'patient' },
      { email: uniqueEmail('x'), fullName: 'X', role: 'doctor' },
      { email: uniqueEmail('x'), fullName: 'X', role: 'doctor', licenseNumber: '<script>' },
      // Admins never set passwords (test/e2e/account-passwords.test.ts).
      { email: uniqueEmail('x'), password: strongPassword(), fullName: 'X', role: 'auditor' },
    ];
    for (const body of cases) {
      const response = await callApi('/api/v1/admin/users', {
        method: 'POST',
        ...jsonBody(body, bearer(adminA.accessToken)),
      });
      expectErrorEnvelope(response, 400);
    }
    expectErrorEnvelope(await setStatus(adminA, 'not-a-uuid', 'suspended'), 400);
    expectErrorEnvelope(await setStatus(adminA, adminA.id, 'frozen'), 400);
  });
});
