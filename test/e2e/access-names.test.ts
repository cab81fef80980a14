import { randomBytes, randomUUID } from 'node:crypto';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { openReport, uploadReport } from '../support/uploads.js';

interface NamedDoctor {
  id: string;
  fullName: string;
  hospital: string;
}

interface RequestBody {
  id: string;
  doctorId: string;
  doctor: NamedDoctor | null;
  reportIds: string[] | null;
}

interface GrantBody {
  id: string;
  doctorId: string | null;
  doctor: NamedDoctor | null;
  grantee: { kind: string; id: string };
  reportIds: string[] | null;
}

interface OpenApiSchema {
  properties?: Record<string, { nullable?: boolean; allOf?: Array<{ $ref: string }>; $ref?: string }>;
  required?: string[];
}

/**
 * What a patient sees of who asks and who holds access: requests and grants name their
 * doctor with the doctor's name and hospital (staff data from the accounts, never a
 * patient's name), for the patient, the doctor and the auditors who see them. And an
 * approval may widen a request for some records to all of them, later ones included.
 */
describe('doctors named on requests and grants; approving for all records', () => {
  let adminB: SignedIn;
  let doctorB: SignedIn;
  let auditorB: SignedIn;
  let doctorBName: string;
  let patient: SignedIn;
  const patientName = `Named Patient ${randomUUID().slice(0, 6)}`;
  let firstReport: string;
  let secondReport: string;

  const post = (caller: SignedIn, path: string, body: unknown = {}) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
  const get = (caller: SignedIn, path: string) => callApi(`/api/v1${path}`, { headers: bearer(caller.accessToken) });

  /** A record the patient adds themselves. */
  const addOwnRecord = async (): Promise<string> => {
    const uploaded = await uploadReport(
      patient,
      { patientId: patient.id, type: 'note', title: 'Outside lab result' },
      { bytes: randomBytes(1_000), contentType: 'application/pdf' },
    );
    expect(uploaded.status).toBe(201);
    return (uploaded.body as { id: string }).id;
  };

  const requestAccess = async (body: Record<string, unknown> = {}): Promise<RequestBody> => {
    const asked = await post(doctorB, '/access-requests', {
      patientId: patient.id,
      reason: 'Follow-up of the referral to our clinic',
      ...body,
    });
    expect(asked.status).toBe(201);
    return asked.body as RequestBody;
  };

  beforeAll(async () => {
    adminB = await bootstrapAdmin('hospital-b');
    [doctorB, auditorB] = await Promise.all([createStaff(adminB, 'doctor'), createStaff(adminB, 'auditor')]);
    doctorBName = ((await get(doctorB, '/auth/me')).body as { fullName: string }).fullName;
    patient = await registerPatient('hospital-a', patientName);
    [firstReport, secondReport] = [await addOwnRecord(), await addOwnRecord()];
  });

  it('the patient’s incoming request and grant list carry the doctor’s name and hospital', async () => {
    const named = { id: doctorB.id, fullName: doctorBName, hospital: 'hospital-b' };
    const request = await requestAccess();
    expect(request).toMatchObject({ doctorId: doctorB.id, doctor: named });

    const incoming = await get(patient, '/access-requests?direction=incoming&status=pending');
    expect(incoming.status).toBe(200);
    expect((incoming.body as { items: RequestBody[] }).items.find((item) => item.id === request.id)).toMatchObject({
      doctorId: doctorB.id,
      doctor: named,
    });

    const approved = await post(patient, `/access-requests/${request.id}/approve`, { durationMinutes: 30 });
    expect(approved.status).toBe(201);
    const grant = approved.body as GrantBody;
    expect(grant).toMatchObject({ doctorId: doctorB.id, doctor: named });

    const given = await get(patient, '/grants?status=active');
    expect(given.status).toBe(200);
    expect((given.body as { items: GrantBody[] }).items.find((item) => item.id === grant.id)).toMatchObject({
      grantee: { kind: 'doctor', id: doctorB.id },
      doctor: named,
    });

    // The doctor sees their own name on what they asked and hold, and never the patient's.
    const outgoing = await get(doctorB, '/access-requests');
    expect((outgoing.body as { items: RequestBody[] }).items.find((item) => item.id === request.id)).toMatchObject({
      doctor: named,
    });
    const held = await get(doctorB, '/grants');
    expect((held.body as { items: GrantBody[] }).items.find((item) => item.id === grant.id)).toMatchObject({
      doctor: named,
    });
    for (const answer of [request, outgoing.body, held.body]) expect(JSON.stringify(answer)).not.toContain(patientName);
  });

  it('a grant to a hospital or a care team names no doctor', async () => {
    for (const grantee of [{ hospital: 'hospital-b' }, { careTeamAt: 'hospital-b' }]) {
      const created = await post(patient, '/grants', { ...grantee, reportIds: [firstReport], durationDays: 1 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ doctorId: null, doctor: null });
      const given = await get(patient, '/grants');
      const listed = (given.body as { items: GrantBody[] }).items.find(
        (item) => item.id === (created.body as GrantBody).id,
      );
      expect(listed).toMatchObject({ doctorId: null, doctor: null });
    }
  });

  it('an emergency names its doctor to the auditors of the doctor’s hospital', async () => {
    const declared = await post(doctorB, '/emergency-access', {
      patientId: patient.id,
      justification: 'Unconscious on arrival, no history available',
      durationHours: 1,
    });
    expect(declared.status).toBe(201);
    const emergencyId = (declared.body as GrantBody).id;
    const named = { id: doctorB.id, fullName: doctorBName, hospital: 'hospital-b' };
    expect(declared.body).toMatchObject({ doctor: named });
    const queue = await get(auditorB, '/audit/emergencies?reviewed=false');
    expect(queue.status).toBe(200);
    const listed = (queue.body as { items: GrantBody[] }).items.find((item) => item.id === emergencyId);
    expect(listed).toMatchObject({ doctor: named });
    expect(JSON.stringify(listed)).not.toContain(patientName);
    const reviewed = await post(auditorB, `/audit/emergencies/${emergencyId}/review`, { outcome: 'appropriate' });
    expect(reviewed.status).toBe(200);
  });

  it('approves a request for one record as all records (reportIds null), later ones included', async () => {
    const doctor = await createStaff(adminB, 'doctor');
    const asked = await post(doctor, '/access-requests', {
      patientId: patient.id,
      reason: 'Review of the lab result you sent us',
      reportIds: [firstReport],
    });
    expect(asked.status).toBe(201);
    const request = asked.body as RequestBody;
    expect(request.reportIds).toEqual([firstReport]);

    const approved = await post(patient, `/access-requests/${request.id}/approve`, {
      reportIds: null,
      durationMinutes: 30,
    });
    expect(approved.status).toBe(201);
    expect((approved.body as GrantBody).reportIds).toBeNull();

    expect((await openReport(doctor, firstReport)).status).toBe(200);
    expect((await openReport(doctor, secondReport)).status).toBe(200);
    const later = await addOwnRecord();
    expect((await openReport(doctor, later)).status).toBe(200);
  });

  it('approves what was asked when reportIds is omitted; refuses an empty or malformed scope (400)', async () => {
    const request = await requestAccess({ reportIds: [secondReport] });
    for (const reportIds of [[], 'all', ['not-a-uuid'], [secondReport, secondReport]]) {
      expectErrorEnvelope(
        await post(patient, `/access-requests/${request.id}/approve`, { reportIds, durationDays: 1 }),
        400,
        'INVALID_INPUT',
      );
    }
    const approved = await post(patient, `/access-requests/${request.id}/approve`, { durationDays: 1 });
    expect(approved.status).toBe(201);
    expect((approved.body as GrantBody).reportIds).toEqual([secondReport]);
  });

  it('declares both ledger proofs and the named doctor in the OpenAPI document', async () => {
    const document = await callApi('/api/docs-json');
    expect(document.status).toBe(200);
    const schemas = (document.body as { components: { schemas: Record<string, OpenApiSchema> } }).components.schemas;
    expect(schemas.LedgerProofDto).toBeUndefined();
    expect(schemas.ReportLedgerProofDto?.required?.sort()).toEqual(
      ['blockNumber', 'cid', 'recordedAt', 'sha256', 'txId'].sort(),
    );
    expect(schemas.ConsentLedgerProofDto?.required?.sort()).toEqual(['blockNumber', 'txId']);
    expect(schemas.ReportMetadataDto?.properties?.ledger?.$ref).toBe('#/components/schemas/ReportLedgerProofDto');
    expect(schemas.NamedDoctorDto?.required?.sort()).toEqual(['fullName', 'hospital', 'id']);
    for (const name of ['AccessRequestDto', 'GrantDto', 'EmergencyDto']) {
      expect(schemas[name]?.required).toContain('doctor');
      expect(schemas[name]?.properties?.doctor).toMatchObject({
        nullable: true,
        allOf: [{ $ref: '#/components/schemas/NamedDoctorDto' }],
      });
      expect(JSON.stringify(schemas[name]?.properties?.ledger)).toContain('ConsentLedgerProofDto');
    }
    expect(schemas.ApproveRequestDto?.properties?.reportIds).toMatchObject({ nullable: true });
  });
});
