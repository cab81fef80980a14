import { randomUUID } from 'node:crypto';
import { connectAs } from '../support/gateway.js';
import { findInBlocks, readChannelBlocks } from '../support/blocks.js';
import { commitmentTo, LedgerActor, PeerClients } from '../support/ledger-actors.js';
import { loadNetworkProfile, NetworkProfile } from '../support/network-profile.js';
import { PHI, PHI_VALUES, sealReport } from '../support/phi.js';

/**
 * Invariant 1: no PHI on the ledger. This suite drives a whole record's life with PHI on
 * the API side of the boundary (a patient's name, e-mail and birth date; a report's title,
 * body and file name; a request's reason; an emergency's justification), then reads every
 * block of the channel, from the genesis block to the last, and looks for any of it.
 */
describe('no PHI on the ledger', () => {
  let profile: NetworkProfile;
  let clients: PeerClients;
  let actors: LedgerActor[] = [];

  beforeAll(() => {
    profile = loadNetworkProfile();
    clients = new PeerClients(profile);
  });

  afterAll(() => {
    for (const actor of actors) actor.close();
    clients?.close();
  });

  it('every block of the channel is free of the PHI the suites handled, and holds their IDs and digests', async () => {
    const [admin, doctor, patient, otherDoctor, auditor] = (actors = await Promise.all([
      LedgerActor.enroll(profile, clients, 'hospital-a', 'admin', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'patient', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'auditor', { settle: true }),
    ]));
    for (const actor of actors) await actor.submit('participants', 'RegisterSelf');

    // What the API does with PHI: keep it in PostgreSQL (here: this object), commit to what
    // the ledger must pin (HMAC under a key kept off-chain), encrypt the content.
    const patientProfile = { fullName: PHI.fullName, email: PHI.email, dateOfBirth: PHI.dateOfBirth };
    expect(patientProfile.fullName).toBeTruthy();
    await admin.submit('care', 'AssignCare', randomUUID(), patient.uid, doctor.uid);
    const reportId = randomUUID();
    const sealed = await sealReport(`${PHI.fileName}\n${PHI.reportTitle}\n${PHI.reportBody}`);
    await doctor.recordReport(reportId, patient.uid, 'imaging', sealed);
    const requestId = randomUUID();
    const reasonCommitment = commitmentTo(PHI.requestReason);
    await otherDoctor.submit(
      'consent',
      'RequestAccess',
      requestId,
      patient.uid,
      'null',
      '3',
      'TREAT',
      reasonCommitment,
    );
    await patient.submit(
      'consent',
      'ApproveRequest',
      requestId,
      randomUUID(),
      JSON.stringify([reportId]),
      String(3 * 24 * 60),
      'doctor',
    );
    await otherDoctor.submit('reports', 'AccessReport', reportId);
    const emergencyId = randomUUID();
    const justificationCommitment = commitmentTo(PHI.emergencyJustification);
    await otherDoctor.submit('consent', 'DeclareEmergency', emergencyId, patient.uid, justificationCommitment, '1');
    // The auditor's note on the review stays with the API; the ledger gets the outcome only.
    await auditor.submit('consent', 'ReviewEmergency', emergencyId, 'appropriate');
    await patient.submit('reports', 'AccessReport', reportId);
    // A document the patient brings themself, shared with the care team at HospitalB.
    const ownReportId = randomUUID();
    const ownSealed = await sealReport(`${PHI.fileName}\n${PHI.fullName}\n${PHI.reportBody}`);
    await patient.recordReport(ownReportId, patient.uid, 'bill', ownSealed);
    const organisationGrantId = randomUUID();
    await patient.grantOrganisation(organisationGrantId, 'care-team', otherDoctor.mspId, [ownReportId], 60);
    const last = await doctor.submit('system', 'Ping');

    const reader = connectAs(clients.of('hospital-a'), auditor.identity);
    try {
      const blocks = await readChannelBlocks(reader, profile.channel, last.blockNumber);
      expect(blocks).toHaveLength(Number(last.blockNumber) + 1);
      expect(findInBlocks(blocks, PHI_VALUES)).toEqual([]);
      // The scan is not blind: it finds what the ledger is meant to hold.
      const expected = [
        reportId,
        requestId,
        emergencyId,
        patient.uid,
        sealed.cid,
        reasonCommitment,
        justificationCommitment,
        ownReportId,
        ownSealed.cid,
        organisationGrantId,
      ];
      expect(findInBlocks(blocks, expected).sort()).toEqual([...expected].sort());
    } finally {
      reader.close();
    }
  });
});
