import type { Client } from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { phiText, probeWord } from '../support/phi.js';
import { submitBackdated } from '../support/backdated.js';
import { findInBlocks, readChannelBlocks } from '../support/blocks.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

const MINUTE_MS = 60_000;

interface ReportMetadata {
  id: string;
  authorId: string;
  authorRole: 'doctor' | 'patient';
  ledger: { txId: string; cid: string; sha256: string };
}

interface GrantBody {
  id: string;
  status: string;
  doctorId: string | null;
  grantee: { kind: string; id: string };
  reportIds: string[] | null;
}

/**
 * Patients add their own records (marked patient-provided on the ledger), and give access to
 * a whole hospital or to their care team there, not only to one doctor: on the real stack,
 * the chaincode deciding at each opening from the reader's certificate and the care
 * assignments on the ledger.
 */
describe('patient-provided records and grants to a hospital or a care team', () => {
  let database: DataSource;
  let profile: NetworkProfile;
  let peerA: Client;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let careDoctorA: SignedIn;
  let otherDoctorA: SignedIn;
  let doctorsB: SignedIn[];
  let patient: SignedIn;
  let otherPatient: SignedIn;
  let chosenReport: string;
  let otherReport: string;

  const post = (caller: SignedIn, path: string, body: unknown = {}) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
  const get = (caller: SignedIn, path: string) => callApi(`/api/v1${path}`, { headers: bearer(caller.accessToken) });
  const del = (caller: SignedIn, path: string) =>
    callApi(`/api/v1${path}`, { method: 'DELETE', headers: bearer(caller.accessToken) });
  const openStatus = async (reader: SignedIn, reportId: string) => {
    const opened = await openReport(reader, reportId);
    return { status: opened.status, code: (opened.body as { code?: string } | undefined)?.code };
  };
  const assign = async (admin: SignedIn, patientId: string, doctorId: string): Promise<string> => {
    const assigned = await post(admin, '/admin/care-assignments', { patientId, doctorId });
    expect(assigned.status).toBe(201);
    return (assigned.body as { id: string }).id;
  };

  /** A patient's own upload: a multipart file or a JSON note. */
  /** Titles and file names of patients' uploads: PHI that must stay off the ledger. */
  const phi: string[] = [];

  /** A patient's own upload, under a title and file name unique to the run. */
  const uploadOwn = (
    owner: SignedIn,
    patientId: string,
    file: { bytes: Uint8Array; contentType: string; name: string },
  ) => {
    const title = phiText('title', 'Outside lab result of');
    const name = `${probeWord('file name').toLowerCase()}-${file.name}`;
    phi.push(title, name);
    return uploadReport(owner, { patientId, type: 'note', title }, { ...file, name });
  };

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peerA = peerClient(profile, 'hospital-a');
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [careDoctorA, otherDoctorA, ...doctorsB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
    ]);
    [patient, otherPatient] = await Promise.all([registerPatient('hospital-a'), registerPatient('hospital-a')]);
    await assign(adminA, patient.id, careDoctorA.id);
    const upload = async () => {
      const response = await uploadReport(
        careDoctorA,
        { patientId: patient.id, type: 'lab' },
        { bytes: randomBytes(3_000), contentType: 'application/pdf' },
      );
      expect(response.status).toBe(201);
      return (response.body as { id: string }).id;
    };
    [chosenReport, otherReport] = await Promise.all([upload(), upload()]);
  });

  afterAll(async () => {
    peerA?.close();
    await database?.destroy();
  });

  it('a patient uploads a PDF and a JSON note, opens them; their care team sees them as patient-provided with the ledger proof', async () => {
    const pdf = randomBytes(12_000);
    const note = Buffer.from(JSON.stringify({ note: 'Blood pressure log from home', readings: [128, 131, 126] }));
    const uploads = [
      await uploadOwn(patient, patient.id, { bytes: pdf, contentType: 'application/pdf', name: 'lab.pdf' }),
      await uploadOwn(patient, patient.id, { bytes: note, contentType: 'application/json', name: 'log.json' }),
    ];
    for (const uploaded of uploads) {
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({ authorRole: 'patient', patientId: patient.id });
    }
    const [pdfId, noteId] = uploads.map((uploaded) => (uploaded.body as { id: string }).id);
    expect((await openReport(patient, pdfId!)).bytes.equals(pdf)).toBe(true);
    expect((await openReport(patient, noteId!)).bytes.equals(note)).toBe(true);

    // The patient lets their care team at their own hospital read what they hold.
    const granted = await post(patient, '/grants', { careTeamAt: 'hospital-a', durationDays: 30 });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ grantee: { kind: 'care-team', id: 'hospital-a' }, doctorId: null });

    const listed = await get(careDoctorA, `/reports?patientId=${patient.id}`);
    expect(listed.status).toBe(200);
    const items = (listed.body as { items: ReportMetadata[] }).items;
    const byId = new Map(items.map((item) => [item.id, item]));
    for (const id of [pdfId!, noteId!]) {
      expect(byId.get(id)).toMatchObject({ authorId: patient.id, authorRole: 'patient' });
      expect(byId.get(id)!.ledger.txId).toMatch(/^[0-9a-f]{64}$/);
    }
    // A clinician's record is never shown as patient-provided.
    expect(byId.get(chosenReport)).toMatchObject({ authorId: careDoctorA.id, authorRole: 'doctor' });
    const opened = await openReport(careDoctorA, noteId!);
    expect(opened.status).toBe(200);
    expect(opened.bytes.equals(note)).toBe(true);
    // A doctor of the same hospital outside the care team is not covered.
    expect(await openStatus(otherDoctorA, noteId!)).toMatchObject({ status: 403 });
  });

  it('a patient cannot upload for another patient: 403, nothing stored', async () => {
    const title = `Not mine ${randomUUID()}`;
    const attempt = await uploadReport(
      patient,
      { patientId: otherPatient.id, type: 'note', title },
      { bytes: randomBytes(5_000), contentType: 'application/pdf' },
    );
    expectErrorEnvelope(attempt, 403, 'UPLOAD_FOR_ANOTHER_PATIENT');
    const sagas = await database.query(`SELECT 1 FROM upload_sagas WHERE step_data->>'title' = $1`, [title]);
    expect(sagas).toEqual([]);
    const reports = await database.query('SELECT 1 FROM reports WHERE patient_id = $1', [otherPatient.id]);
    expect(reports).toEqual([]);
  });

  it('a grant to HospitalB as a whole: two of its doctors open the chosen report and no other; a HospitalA doctor without care is refused; revocation stops it', async () => {
    const granted = await post(patient, '/grants', {
      hospital: 'hospital-b',
      reportIds: [chosenReport],
      durationMinutes: 30,
      purposeOfUse: 'CAREMGT',
    });
    expect(granted.status).toBe(201);
    const grant = granted.body as GrantBody;
    expect(grant).toMatchObject({ grantee: { kind: 'hospital', id: 'hospital-b' }, doctorId: null, status: 'active' });

    for (const doctor of doctorsB.slice(0, 2)) {
      const opened = await openReport(doctor, chosenReport);
      expect(opened.status).toBe(200);
      expect(await openStatus(doctor, otherReport)).toMatchObject({ status: 403 });
      const held = await get(doctor, '/grants?status=active');
      expect((held.body as { items: GrantBody[] }).items.map((item) => item.id)).toContain(grant.id);
    }
    expect(await openStatus(otherDoctorA, chosenReport)).toMatchObject({ status: 403, code: 'FORBIDDEN' });

    expect((await del(patient, `/grants/${grant.id}`)).status).toBe(200);
    for (const doctor of doctorsB.slice(0, 2)) {
      expect(await openStatus(doctor, chosenReport)).toEqual({ status: 403, code: 'GRANT_REVOKED' });
    }
  });

  it('a hospital grant whose time has passed refuses with GRANT_EXPIRED', async () => {
    const identity = await storedLedgerIdentity(database, otherPatient.id);
    const gateway = connectAs(peerA, identity);
    try {
      const own = await uploadOwn(otherPatient, otherPatient.id, {
        bytes: randomBytes(2_000),
        contentType: 'application/pdf',
        name: 'scan.pdf',
      });
      expect(own.status).toBe(201);
      const reportId = (own.body as { id: string }).id;
      const granted = await submitBackdated(
        gateway,
        medledgerContract(gateway, profile, 'consent'),
        'GrantOrganisationAccess',
        [randomUUID(), 'hospital', 'HospitalBMSP', JSON.stringify([reportId]), '5', 'TREAT'],
        signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
        10 * MINUTE_MS,
      );
      expect(granted.successful).toBe(true);
      expect(await openStatus(doctorsB[0]!, reportId)).toEqual({ status: 403, code: 'GRANT_EXPIRED' });
    } finally {
      gateway.close();
    }
  });

  it('a care-team grant at HospitalB admits a doctor assigned after it, and refuses one whose assignment ended or who was never assigned', async () => {
    const granted = await post(patient, '/grants', { careTeamAt: 'hospital-b', durationDays: 7 });
    expect(granted.status).toBe(201);
    const [assignedLater, leaving, never] = [doctorsB[1]!, doctorsB[2]!, doctorsB[3]!];
    expect(await openStatus(assignedLater, otherReport)).toMatchObject({ status: 403 });

    // The patient is treated at HospitalB: its admin puts two of its doctors in the care team.
    await assign(adminB, patient.id, assignedLater.id);
    const leavingAssignment = await assign(adminB, patient.id, leaving.id);
    expect((await openReport(assignedLater, otherReport)).status).toBe(200);
    expect((await openReport(leaving, otherReport)).status).toBe(200);

    expect((await del(adminB, `/admin/care-assignments/${leavingAssignment}`)).status).toBe(200);
    expect(await openStatus(leaving, otherReport)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await openStatus(never, otherReport)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await openReport(assignedLater, otherReport)).status).toBe(200);

    // "Granted to me": the grant shows for the doctor in the team, not for the others.
    const grantId = (granted.body as GrantBody).id;
    const heldBy = async (doctor: SignedIn) =>
      ((await get(doctor, '/grants')).body as { items: GrantBody[] }).items.map((item) => item.id);
    expect(await heldBy(assignedLater)).toContain(grantId);
    expect(await heldBy(never)).not.toContain(grantId);
    expect(await heldBy(leaving)).not.toContain(grantId);
  });

  it('an access request approved for the requesting doctor’s whole hospital lets a colleague in', async () => {
    const [requester, colleague] = [doctorsB[2]!, doctorsB[3]!];
    const requested = await post(requester, '/access-requests', {
      patientId: patient.id,
      reason: 'Shared ward round at HospitalB',
      reportIds: [chosenReport],
    });
    expect(requested.status).toBe(201);
    const approved = await post(patient, `/access-requests/${(requested.body as { id: string }).id}/approve`, {
      grantee: 'hospital',
      durationMinutes: 30,
    });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ grantee: { kind: 'hospital', id: 'hospital-b' } });
    expect((await openReport(colleague, chosenReport)).status).toBe(200);
  });

  it('refuses unknown or several grantees', async () => {
    expectErrorEnvelope(
      await post(patient, '/grants', { hospital: 'hospital-z', durationDays: 1 }),
      404,
      'HOSPITAL_NOT_FOUND',
    );
    expectErrorEnvelope(
      await post(patient, '/grants', { hospital: 'hospital-b', doctorId: doctorsB[0]!.id, durationDays: 1 }),
      400,
      'INVALID_INPUT',
    );
    expectErrorEnvelope(await post(patient, '/grants', { hospital: 'Hospital B!', durationDays: 1 }), 400);
    expectErrorEnvelope(
      await post(patient, `/access-requests/${randomUUID()}/approve`, { grantee: 'everyone', durationDays: 1 }),
      400,
    );
  });

  it('no title or file name of a patient’s upload reaches a block of the ledger', async () => {
    expect(phi.length).toBeGreaterThanOrEqual(4);
    const gateway = connectAs(peerA, await storedLedgerIdentity(database, patient.id));
    try {
      const ping = await medledgerContract(gateway, profile, 'system').submitAsync('Ping');
      const { blockNumber } = await ping.getStatus();
      const blocks = await readChannelBlocks(gateway, profile.channel, blockNumber);
      expect(findInBlocks(blocks, phi)).toEqual([]);
    } finally {
      gateway.close();
    }
  });
});
