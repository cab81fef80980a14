import type { Client } from '@grpc/grpc-js';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  strongPassword,
  type SignedIn,
} from '../support/accounts.js';
import { callApi } from '../support/api.js';
import { type ChannelBlock, chaincodeEventsIn, findInBlocks, readChannelBlocks } from '../support/blocks.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import {
  phiFileName,
  phiName,
  phiText,
  probesRegisteredHere,
  probeWord,
  registerProbe,
  sha256Hex,
} from '../support/phi.js';
import { ProbeMatcher } from '../support/probe-scan.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

/**
 * Invariant 1, no PHI on the ledger, through the path that could break it: the real API.
 * PHI goes in the way clients send it — a patient's name, e-mail and birth date at
 * registration; titles, file names and file contents with names and diagnoses in uploads;
 * a structured case report; access requests with reasons, a denial with its reason, an
 * emergency with its justification, an auditor's review note — all of them registered
 * probes (test/support/phi.ts). Then every block of the channel written since the suite
 * started is read and searched for every probe in every form (plain, any case,
 * JSON-escaped, URL-encoded, hex, inside base64), and so is every chaincode event decoded
 * from those blocks. The scan is shown not to be blind: it finds the IDs and digests the
 * ledger is meant to hold.
 */
describe('no PHI on the ledger: every block written while PHI went through the API', () => {
  let database: DataSource;
  let profile: NetworkProfile;
  let peerA: Client;
  let adminA: SignedIn;
  let firstBlock: bigint;
  /** PHI of this suite that is not a registered probe: the birth date (too short), the plaintexts' digests. */
  const unregistered: string[] = [];
  /** What the ledger must hold: IDs, CIDs and ciphertext digests. */
  const expected = new Set<string>();

  /** The report's ledger proof as its patient reads it: the CID and ciphertext digest the ledger holds. */
  async function expectOnLedger(patient: SignedIn, reportId: string): Promise<void> {
    const response = await callApi(`/api/v1/reports/${reportId}`, { headers: bearer(patient.accessToken) });
    expect(response.status).toBe(200);
    const { ledger } = response.body as { ledger: { cid: string; sha256: string } };
    expected.add(reportId).add(ledger.cid).add(ledger.sha256);
  }

  const post = (caller: SignedIn, path: string, body: unknown = {}) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
  const created = async (caller: SignedIn, path: string, body: unknown, status = 201) => {
    const response = await post(caller, path, body);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ path, status });
    return response.body as { id: string; sha256?: string };
  };

  /** Submits a no-op transaction as the hospital-a admin (through the peer, not the API): its block number. */
  async function ping(): Promise<bigint> {
    const gateway = connectAs(peerA, await storedLedgerIdentity(database, adminA.id));
    try {
      const submitted = await medledgerContract(gateway, profile, 'system').submitAsync('Ping');
      const status = await submitted.getStatus();
      expect(status.successful).toBe(true);
      return status.blockNumber;
    } finally {
      gateway.close();
    }
  }

  async function blocksSinceStart(): Promise<ChannelBlock[]> {
    const lastBlock = await ping();
    const gateway = connectAs(peerA, await storedLedgerIdentity(database, adminA.id));
    try {
      const blocks = await readChannelBlocks(gateway, profile.channel, lastBlock, firstBlock);
      expect(blocks).toHaveLength(Number(lastBlock - firstBlock) + 1);
      return blocks;
    } finally {
      gateway.close();
    }
  }

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peerA = peerClient(profile, 'hospital-a');
    adminA = await bootstrapAdmin('hospital-a');
    firstBlock = await ping();
  });

  afterAll(async () => {
    peerA?.close();
    await database?.destroy();
  });

  it('after registration, uploads, a case report, requests, a denial, an emergency and its review, no block and no chaincode event holds any of the PHI', async () => {
    const adminB = await bootstrapAdmin('hospital-b');
    const [doctorA, doctorB, emergencyDoctorB, auditorB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'auditor'),
    ]);

    // A patient registers with a name, an e-mail address and a birth date.
    const fullName = phiName();
    const email = `${probeWord('e-mail').toLowerCase()}.${probeWord('e-mail').toLowerCase()}@example.org`;
    registerProbe('e-mail', email);
    const dateOfBirth = `19${20 + randomInt(60)}-${String(1 + randomInt(12)).padStart(2, '0')}-${String(1 + randomInt(28)).padStart(2, '0')}`;
    unregistered.push(dateOfBirth);
    const password = strongPassword();
    const registered = await callApi('/api/v1/auth/register', {
      method: 'POST',
      ...jsonBody({ email, password, fullName, dateOfBirth, hospital: 'hospital-a' }),
    });
    expect(registered.status).toBe(202);
    const patient = await login(email, password);
    expected.add(patient.id);
    await created(adminA, '/admin/care-assignments', { patientId: patient.id, doctorId: doctorA.id });

    // Files whose titles, names and contents carry the patient's name and diagnoses.
    const diagnosis = phiText('diagnosis', 'Diagnosis:');
    const upload = async (author: SignedIn, type: string) => {
      const title = phiText('title', 'Imaging of');
      const content = `Patient ${fullName}, born ${dateOfBirth}. ${diagnosis}. ${phiText('report text', 'Course:')}`;
      const response = await uploadReport(
        author,
        { patientId: patient.id, type, title },
        { bytes: Buffer.from(content, 'utf8'), name: phiFileName('txt'), contentType: 'text/plain' },
      );
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
      const body = response.body as { id: string; sha256: string };
      // The plaintext's digest stays off the ledger (a keyed commitment goes on it).
      unregistered.push(body.sha256);
      return body.id;
    };
    const doctorsReport = await upload(doctorA, 'imaging');
    const patientsOwn = await upload(patient, 'bill');
    // Its content opened by the patient: decrypted and sent, the access receipt on the ledger.
    expect((await openReport(patient, doctorsReport)).status).toBe(200);

    // A structured case report: every field is PHI.
    const caseReport = await created(doctorA, '/reports', {
      patientId: patient.id,
      type: 'report',
      title: phiText('title', 'Case report:'),
      diagnosis: phiText('diagnosis', 'Community-acquired'),
      diagnosisCodes: ['J18.9'],
      findings: phiText('diagnosis', 'Findings:'),
      content: `${fullName}: ${phiText('report text', 'History of')}`,
      recommendations: phiText('report text', 'Follow up with'),
      observedAt: new Date().toISOString(),
    });
    unregistered.push(caseReport.sha256!);
    for (const id of [doctorsReport, patientsOwn, caseReport.id]) await expectOnLedger(patient, id);

    // A request denied with a reason; one approved, its record opened, its grant revoked; one cancelled.
    const denied = await created(doctorB, '/access-requests', {
      patientId: patient.id,
      reason: phiText('reason', 'Second opinion on'),
    });
    await created(patient, `/access-requests/${denied.id}/deny`, { reason: phiText('denial reason', 'Not with') }, 200);
    const approved = await created(doctorB, '/access-requests', {
      patientId: patient.id,
      reason: phiText('reason', 'Before surgery for'),
      purposeOfUse: 'TREAT',
      reportIds: [doctorsReport],
      durationDays: 2,
    });
    const grant = await created(patient, `/access-requests/${approved.id}/approve`, { durationDays: 1 });
    expect((await openReport(doctorB, doctorsReport)).status).toBe(200);
    const revoked = await callApi(`/api/v1/grants/${grant.id}`, {
      method: 'DELETE',
      headers: bearer(patient.accessToken),
    });
    expect(revoked.status).toBe(200);
    const cancelled = await created(doctorB, '/access-requests', {
      patientId: patient.id,
      reason: phiText('reason', 'Referral about'),
    });
    const cancel = await callApi(`/api/v1/access-requests/${cancelled.id}`, {
      method: 'DELETE',
      headers: bearer(doctorB.accessToken),
    });
    expect(cancel.status).toBe(200);
    expected.add(denied.id).add(approved.id).add(cancelled.id).add(grant.id);

    // Break glass, with a justification; an auditor reviews it with a note.
    const emergency = await created(emergencyDoctorB, '/emergency-access', {
      patientId: patient.id,
      justification: phiText('justification', 'Unconscious on arrival, suspected'),
    });
    expect((await openReport(emergencyDoctorB, caseReport.id)).status).toBe(200);
    await created(
      auditorB,
      `/audit/emergencies/${emergency.id}/review`,
      { outcome: 'appropriate', note: phiText('review note', 'Confirmed with the ward:') },
      200,
    );
    expected.add(emergency.id);

    const blocks = await blocksSinceStart();
    const phi = [...probesRegisteredHere(), ...unregistered];
    expect(phi.length).toBeGreaterThan(40);
    expect(findInBlocks(blocks, phi)).toEqual([]);
    // Nor a bare digest of any of it: what the ledger holds of a text is a keyed commitment.
    expect(
      findInBlocks(
        blocks,
        phi.map((value) => sha256Hex(value)),
      ),
    ).toEqual([]);
    // The scan is not blind: it finds what the ledger is meant to hold.
    expect(findInBlocks(blocks, [...expected]).sort()).toEqual([...expected].sort());

    // The chaincode events, decoded: what the API's projection and notifications read.
    const events = chaincodeEventsIn(blocks);
    const matcher = new ProbeMatcher(phi);
    const leaks = events.flatMap((event) =>
      matcher
        .scan(Buffer.concat([Buffer.from(event.name), event.payload]))
        .map((match) => `${event.name} in block ${event.blockNumber}: ${match.form} of ${match.probe}`),
    );
    expect(leaks).toEqual([]);
    const payloads = events.map((event) => event.payload.toString('utf8')).join('\n');
    const ids = [doctorsReport, patientsOwn, caseReport.id, denied.id, approved.id, cancelled.id, emergency.id];
    expect(ids.filter((id) => !payloads.includes(id))).toEqual([]);
  });
});
