import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { probeWord } from '../support/phi.js';
import { RUN_DIR } from '../support/network-profile.js';
import { eventually } from '../support/services.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';

const getPatient = (caller: SignedIn, id: string) =>
  callApi(`/api/v1/patients/${id}`, { headers: bearer(caller.accessToken) });
const search = (caller: SignedIn, query: string) =>
  callApi(`/api/v1/patients?query=${encodeURIComponent(query)}`, { headers: bearer(caller.accessToken) });

describe('patients and care teams over HTTP', () => {
  let adminA: SignedIn;
  let adminB: SignedIn;
  let doctor: SignedIn;
  let otherDoctor: SignedIn;
  let patient: SignedIn;
  const surname = probeWord('name');

  beforeAll(async () => {
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctor, otherDoctor, patient] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'doctor'),
      registerPatient('hospital-a', `${surname} Ada`),
    ]);
  });

  it('records a care assignment on the ledger as the admin, which opens the patient to that doctor only', async () => {
    expectErrorEnvelope(await getPatient(doctor, patient.id), 404, 'NOT_FOUND');
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({
      patientId: patient.id,
      doctorId: doctor.id,
      assignedBy: adminA.id,
      endedAt: null,
      txId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const seen = await getPatient(doctor, patient.id);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      id: patient.id,
      fullName: `${surname} Ada`,
      dateOfBirth: '1984-03-21',
      hospital: 'hospital-a',
    });
    expectErrorEnvelope(await getPatient(otherDoctor, patient.id), 404, 'NOT_FOUND');

    const team = await callApi(`/api/v1/patients/${patient.id}/doctors`, { headers: bearer(patient.accessToken) });
    expect(team.status).toBe(200);
    expect((team.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ doctorId: doctor.id, endedAt: null, doctorName: expect.stringMatching(/^doctor /) }),
    ]);

    const ended = await callApi(`/api/v1/admin/care-assignments/${(assigned.body as { id: string }).id}`, {
      method: 'DELETE',
      headers: bearer(adminA.accessToken),
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ endedAt: expect.any(String) });
    expectErrorEnvelope(await getPatient(doctor, patient.id), 404, 'NOT_FOUND');
  });

  it('lets doctors search their own hospital’s patients by name prefix or id, with minimal fields', async () => {
    const byName = await search(doctor, surname.toLowerCase());
    expect(byName.status).toBe(200);
    expect((byName.body as { items: unknown[] }).items).toEqual([
      { id: patient.id, fullName: `${surname} Ada`, dateOfBirth: '1984-03-21', hospital: 'hospital-a' },
    ]);
    const byId = await search(doctor, patient.id);
    expect((byId.body as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([patient.id]);
    const doctorB = await createStaff(adminB, 'doctor');
    expect((await search(doctorB, surname)).body).toMatchObject({ items: [] });
    expectErrorEnvelope(await search(doctor, 'x'), 400);
    expectErrorEnvelope(await search(patient, surname), 403, 'FORBIDDEN');
  });

  it('keeps patients to themselves and admins to their own hospital', async () => {
    const other = await registerPatient();
    expect((await getPatient(patient, patient.id)).status).toBe(200);
    expectErrorEnvelope(await getPatient(patient, other.id), 404, 'NOT_FOUND');
    expectErrorEnvelope(
      await callApi(`/api/v1/patients/${other.id}/doctors`, { headers: bearer(patient.accessToken) }),
      404,
      'NOT_FOUND',
    );
    const crossHospital = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(adminB.accessToken)),
    });
    expectErrorEnvelope(crossHospital, 404, 'DOCTOR_NOT_FOUND');
    // A patient nobody knows, here or on the ledger (which answers for another node's patients).
    const unknown = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: randomUUID(), doctorId: doctor.id }, bearer(adminA.accessToken)),
    });
    expectErrorEnvelope(unknown, 404, 'PATIENT_NOT_FOUND');
  });

  it('keeps the values of a query out of the API log: a searched surname never reaches it', async () => {
    const surname = probeWord('name');
    const searched = await search(doctor, surname);
    expect(searched.status).toBe(200);
    const requestId = searched.headers.get('x-request-id')!;
    const log = path.join(RUN_DIR, 'logs', 'api.log');
    // The request's own line is there (so this looks where the API writes), without the name.
    await eventually(async () => readFileSync(log, 'utf8').includes(requestId), 5_000, 'the request in the API log');
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.includes(requestId));
    expect(lines.join('\n')).toContain('"query":["query"]');
    expect(readFileSync(log, 'utf8')).not.toContain(surname);
  });
});
