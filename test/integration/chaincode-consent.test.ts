import { EndorseError } from '@hyperledger/fabric-gateway';
import { randomUUID } from 'node:crypto';
import { commitmentTo, LedgerActor, PeerClients, refusalOf } from '../support/ledger-actors.js';
import { loadNetworkProfile, NetworkProfile } from '../support/network-profile.js';
import { PHI, sealReport } from '../support/phi.js';

interface Grant {
  grantId: string;
  kind: string;
  granteeKind: string;
  doctorId: string | null;
  doctorMspId: string | null;
  granteeMspId: string | null;
  purposeOfUse: string;
  validFrom: string;
  expiresAt: string;
  status: string;
  effectiveStatus?: string;
  txId: string;
}
interface EmergencyGrant extends Grant {
  justificationCommitment: string;
  reviewed: boolean;
  reviewOutcome: string | null;
  reviewedBy: string | null;
}
interface Receipt {
  txId: string;
  reportId: string;
  readerId: string;
  readerMspId: string;
  basis: string;
  grantId: string | null;
  granteeKind: string | null;
  purposeOfUse: string;
}
interface Report {
  reportId: string;
  patientId: string;
  authorId: string;
  authorMspId: string;
  authorRole: string;
  writeBasis: string;
  writeBasisId: string;
}
interface Page<T> {
  items: T[];
  nextBookmark: string | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Every item of a paged list query, following its bookmarks to the end. */
async function everyPage<T>(page: (bookmark: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  do {
    const next = await page(bookmark);
    items.push(...next.items);
    bookmark = next.nextBookmark ?? '';
  } while (bookmark !== '');
  return items;
}

describe('the MedLedger chaincode on the real network, with identities from the hospitals’ CAs', () => {
  let profile: NetworkProfile;
  let clients: PeerClients;
  let adminA: LedgerActor;
  let adminB: LedgerActor;
  let doctorA: LedgerActor;
  let doctorB: LedgerActor;
  let otherDoctorA: LedgerActor;
  let otherDoctorB: LedgerActor;
  let patientA: LedgerActor;
  let patientB: LedgerActor;
  let auditor: LedgerActor;
  let reportId: string;
  const everyone = () => [adminA, adminB, doctorA, doctorB, otherDoctorA, otherDoctorB, patientA, patientB, auditor];

  beforeAll(async () => {
    profile = loadNetworkProfile();
    clients = new PeerClients(profile);
    [adminA, adminB, doctorA, doctorB, otherDoctorA, otherDoctorB, patientA, patientB, auditor] = await Promise.all([
      LedgerActor.enroll(profile, clients, 'hospital-a', 'admin', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'admin', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'patient', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'patient', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'auditor', { settle: true }),
    ]);
    await Promise.all(everyone().map((actor) => actor.submit('participants', 'RegisterSelf')));
    // The API side: the patient's care team, then an uploaded, encrypted report.
    await adminA.submit('care', 'AssignCare', randomUUID(), patientA.uid, doctorA.uid);
    reportId = randomUUID();
    const sealed = await sealReport(`${PHI.reportTitle}\n${PHI.reportBody}`);
    await doctorA.recordReport(reportId, patientA.uid, 'imaging', sealed);
  });

  afterAll(() => {
    for (const actor of everyone()) actor?.close();
    clients?.close();
  });

  it('registration records each identity’s uid, role and hospital from its certificate', async () => {
    await expect(doctorA.evaluate('participants', 'GetParticipant', doctorB.uid)).resolves.toMatchObject({
      uid: doctorB.uid,
      role: 'doctor',
      mspId: 'HospitalBMSP',
    });
    // Idempotent: the same certificate registers again without change.
    const again = await doctorB.submit('participants', 'RegisterSelf');
    expect(again.result).toMatchObject({ uid: doctorB.uid, role: 'doctor' });
    expect(again.result.txId).not.toBe(again.txId);
  });

  it('a HospitalB doctor granted access to a HospitalA patient’s report opens it, and is refused after revocation', async () => {
    expect(await refusalOf(doctorB.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');

    const grantId = randomUUID();
    const granted = await patientA.submit<Grant>(
      'consent',
      'GrantAccess',
      grantId,
      doctorB.uid,
      JSON.stringify([reportId]),
      String(DAY_MS / MINUTE_MS),
      'CAREMGT',
    );
    expect(granted.result).toMatchObject({ kind: 'consent', purposeOfUse: 'CAREMGT' });
    // Grant terms come from the transaction time: exactly one day, starting about now.
    expect(Date.parse(granted.result.expiresAt) - Date.parse(granted.result.validFrom)).toBe(DAY_MS);
    expect(Math.abs(Date.parse(granted.result.validFrom) - Date.now())).toBeLessThan(5 * 60_000);
    await expect(doctorB.evaluate<Grant>('consent', 'GetGrant', grantId)).resolves.toMatchObject({
      purposeOfUse: 'CAREMGT',
    });

    const opened = await doctorB.submit<Receipt>('reports', 'AccessReport', reportId);
    expect(opened.result).toMatchObject({
      txId: opened.txId,
      reportId,
      readerId: doctorB.uid,
      readerMspId: 'HospitalBMSP',
      basis: 'grant',
      grantId,
      purposeOfUse: 'CAREMGT',
    });
    await expect(auditor.evaluate('audit', 'GetAccessReceipt', opened.txId)).resolves.toMatchObject({
      txId: opened.txId,
      basis: 'grant',
      purposeOfUse: 'CAREMGT',
    });

    const revoked = await patientA.submit<Grant>('consent', 'RevokeGrant', grantId);
    expect(revoked.result.status).toBe('revoked');
    expect(await refusalOf(doctorB.submit('reports', 'AccessReport', reportId))).toBe('GRANT_REVOKED');

    const history = await auditor.evaluate<Array<{ txId: string; value: { status: string } }>>(
      'audit',
      'GetRecordHistory',
      'grant',
      grantId,
    );
    expect(history.map((version) => [version.txId, version.value.status])).toEqual([
      [granted.txId, 'active'],
      [revoked.txId, 'revoked'],
    ]);
  });

  it('the same doctor is refused after expiry: a five-minute grant given ten minutes ago opens nothing', async () => {
    // Grants are timed by the transaction time, which the signing client writes and every
    // peer holds to its own clock within peer.authentication.timewindow (15 minutes). So a
    // patient's proposal dated ten minutes back gives a grant that ended five minutes ago.
    const secondReport = randomUUID();
    const sealed = await sealReport(PHI.reportBody);
    await doctorA.recordReport(secondReport, patientA.uid, 'lab', sealed);
    const grantId = randomUUID();
    const granted = await patientA.submitBackdated<Grant>(
      10 * MINUTE_MS,
      'consent',
      'GrantAccess',
      grantId,
      doctorB.uid,
      JSON.stringify([secondReport]),
      '5',
      'TREAT',
    );
    expect(Date.parse(granted.result.expiresAt) - Date.parse(granted.result.validFrom)).toBe(5 * MINUTE_MS);
    expect(Math.abs(Date.parse(granted.result.validFrom) - (Date.now() - 10 * MINUTE_MS))).toBeLessThan(MINUTE_MS);

    expect(await refusalOf(doctorB.submit('reports', 'AccessReport', secondReport))).toBe('GRANT_EXPIRED');
    await expect(doctorB.evaluate<Grant>('consent', 'GetGrant', grantId)).resolves.toMatchObject({
      status: 'active',
      effectiveStatus: 'expired',
    });
    expect(await refusalOf(patientA.submit('consent', 'RevokeGrant', grantId))).toBe('CONFLICT');
    // A fresh five-minute grant on the same report opens it: the refusal was the expiry.
    await patientA.submit(
      'consent',
      'GrantAccess',
      randomUUID(),
      doctorB.uid,
      JSON.stringify([secondReport]),
      '5',
      'TREAT',
    );
    await expect(doctorB.submit('reports', 'AccessReport', secondReport)).resolves.toMatchObject({
      result: { basis: 'grant' },
    });
  });

  it('the peers hold the transaction time to their clocks: a proposal dated back further than 15 minutes is refused', async () => {
    const attempt = patientA.submitBackdated(
      25 * 3_600_000,
      'consent',
      'GrantAccess',
      randomUUID(),
      doctorB.uid,
      'null',
      String(DAY_MS / MINUTE_MS),
      'TREAT',
    );
    await expect(attempt).rejects.toBeInstanceOf(EndorseError);
    await expect(attempt).rejects.toMatchObject({
      details: expect.arrayContaining([
        expect.objectContaining({ message: expect.stringMatching(/incorrect timestamp .*timewindow/) }),
      ]),
    });
  });

  it('a request approved by the patient becomes a consent grant for its purpose; denied and cancelled ones grant nothing', async () => {
    const requestId = randomUUID();
    const reasonCommitment = commitmentTo(PHI.requestReason);
    const pending = await doctorB.submit(
      'consent',
      'RequestAccess',
      requestId,
      patientA.uid,
      'null',
      '7',
      'TREAT',
      reasonCommitment,
    );
    expect(pending.result).toMatchObject({
      status: 'pending',
      purposeOfUse: 'TREAT',
      reasonCommitment,
      doctorMspId: 'HospitalBMSP',
    });
    expect(
      await refusalOf(
        doctorB.submit('consent', 'RequestAccess', randomUUID(), patientA.uid, 'null', '7', 'ETREAT', reasonCommitment),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      await refusalOf(patientB.submit('consent', 'ApproveRequest', requestId, randomUUID(), 'null', '10080', 'doctor')),
    ).toBe('FORBIDDEN');

    const grantId = randomUUID();
    const approved = await patientA.submit<{ grant: Grant; request: { status: string } }>(
      'consent',
      'ApproveRequest',
      requestId,
      grantId,
      JSON.stringify([reportId]),
      String((7 * DAY_MS) / MINUTE_MS),
      'doctor',
    );
    expect(approved.result.request.status).toBe('approved');
    expect(approved.result.grant).toMatchObject({
      kind: 'consent',
      granteeKind: 'doctor',
      doctorId: doctorB.uid,
      granteeMspId: null,
      purposeOfUse: 'TREAT',
    });
    expect(Date.parse(approved.result.grant.expiresAt) - Date.parse(approved.result.grant.validFrom)).toBe(7 * DAY_MS);
    await expect(doctorB.submit('reports', 'AccessReport', reportId)).resolves.toMatchObject({
      result: { basis: 'grant', grantId, granteeKind: 'doctor', purposeOfUse: 'TREAT' },
    });
    const held = await doctorB.evaluate<Page<Grant>>('consent', 'ListGrantsByDoctor', doctorB.uid, '100', '');
    expect(held.items.find((grant) => grant.grantId === grantId)?.effectiveStatus).toBe('active');

    const denied = randomUUID();
    await doctorB.submit('consent', 'RequestAccess', denied, patientA.uid, 'null', '1', 'CAREMGT', reasonCommitment);
    await patientA.submit('consent', 'DenyRequest', denied);
    expect(await refusalOf(doctorB.submit('consent', 'CancelRequest', denied))).toBe('CONFLICT');
    const cancelled = randomUUID();
    await doctorB.submit('consent', 'RequestAccess', cancelled, patientA.uid, 'null', '1', 'HRESCH', reasonCommitment);
    await expect(doctorB.submit('consent', 'CancelRequest', cancelled)).resolves.toMatchObject({
      result: { status: 'cancelled' },
    });
    await patientA.submit('consent', 'RevokeGrant', grantId);
  });

  it('emergency access: short, ETREAT, one at a time, opens every report, and only an auditor reviews it', async () => {
    const grantId = randomUUID();
    const justificationCommitment = commitmentTo(PHI.emergencyJustification);
    const declared = await doctorB.submit<EmergencyGrant>(
      'consent',
      'DeclareEmergency',
      grantId,
      patientA.uid,
      justificationCommitment,
      '1',
    );
    expect(declared.result).toMatchObject({
      kind: 'emergency',
      purposeOfUse: 'ETREAT',
      justificationCommitment,
      reviewed: false,
      reviewOutcome: null,
    });
    expect(Date.parse(declared.result.expiresAt) - Date.parse(declared.result.validFrom)).toBe(3_600_000);
    expect(
      await refusalOf(
        doctorB.submit('consent', 'DeclareEmergency', randomUUID(), patientA.uid, commitmentTo('x'), '25'),
      ),
    ).toBe('INVALID_ARGUMENT');
    // One emergency grant per doctor and patient while it is in force.
    expect(
      await refusalOf(
        doctorB.submit('consent', 'DeclareEmergency', randomUUID(), patientA.uid, justificationCommitment, '2'),
      ),
    ).toBe('EMERGENCY_ACTIVE');
    const opened = await doctorB.submit<Receipt>('reports', 'AccessReport', reportId);
    expect(opened.result).toMatchObject({ basis: 'emergency', grantId, purposeOfUse: 'ETREAT' });
    await expect(auditor.evaluate('audit', 'GetAccessReceipt', opened.txId)).resolves.toMatchObject({
      basis: 'emergency',
      purposeOfUse: 'ETREAT',
    });
    const open = await auditor.evaluate<Page<EmergencyGrant>>('consent', 'ListEmergencyGrants', '100', '');
    expect(open.items.find((grant) => grant.grantId === grantId)).toMatchObject({
      purposeOfUse: 'ETREAT',
      reviewed: false,
      reviewOutcome: null,
    });
    expect(await refusalOf(doctorA.submit('consent', 'ReviewEmergency', grantId, 'appropriate'))).toBe('FORBIDDEN');
    expect(await refusalOf(auditor.submit('consent', 'ReviewEmergency', grantId, 'fine'))).toBe('INVALID_ARGUMENT');
    await expect(auditor.submit('consent', 'ReviewEmergency', grantId, 'appropriate')).resolves.toMatchObject({
      result: { reviewed: true, reviewOutcome: 'appropriate', reviewedBy: auditor.uid },
    });
    await expect(auditor.evaluate<EmergencyGrant>('consent', 'GetGrant', grantId)).resolves.toMatchObject({
      reviewed: true,
      reviewOutcome: 'appropriate',
    });
    expect(await refusalOf(auditor.submit('consent', 'ReviewEmergency', grantId, 'inappropriate'))).toBe('CONFLICT');
    await patientA.submit('consent', 'RevokeGrant', grantId);
    expect(await refusalOf(doctorB.submit('reports', 'AccessReport', reportId))).toBe('GRANT_REVOKED');

    // Once the first is revoked, the doctor may break the glass again.
    const again = randomUUID();
    await expect(
      doctorB.submit<EmergencyGrant>('consent', 'DeclareEmergency', again, patientA.uid, justificationCommitment, '1'),
    ).resolves.toMatchObject({ result: { grantId: again, purposeOfUse: 'ETREAT' } });
    await patientA.submit('consent', 'RevokeGrant', again);
  });

  it('admins and auditors never open content; admins assign only their own hospital’s doctors', async () => {
    expect(await refusalOf(adminA.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');
    expect(await refusalOf(auditor.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');
    expect(await refusalOf(adminB.submit('care', 'AssignCare', randomUUID(), patientA.uid, doctorA.uid))).toBe(
      'FORBIDDEN',
    );
    expect(await refusalOf(adminA.submit('care', 'AssignCare', randomUUID(), patientB.uid, doctorB.uid))).toBe(
      'FORBIDDEN',
    );
    expect(await refusalOf(patientB.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');
  });

  it('refuses a second report with the same ID and malformed arguments with stable codes', async () => {
    const sealed = await sealReport('another version');
    const args = [
      reportId,
      patientA.uid,
      'lab',
      sealed.cid,
      sealed.ciphertextSha256,
      sealed.plaintextCommitment,
      sealed.size,
    ];
    expect(await refusalOf(doctorA.submit('reports', 'RecordReport', ...args, 'aes-256-gcm-chunked-v1'))).toBe(
      'CONFLICT',
    );
    expect(await refusalOf(doctorA.submit('reports', 'RecordReport', randomUUID(), ...args.slice(1), 'rot13'))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('a patient records their own report, marked as brought by the patient, and never one for another patient', async () => {
    const own = randomUUID();
    const sealed = await sealReport(PHI.reportBody);
    const recorded = await patientA.recordReport(own, patientA.uid, 'bill', sealed);
    expect(recorded.result).toMatchObject({
      reportId: own,
      patientId: patientA.uid,
      authorId: patientA.uid,
      authorMspId: 'HospitalAMSP',
      authorRole: 'patient',
      writeBasis: 'self',
      writeBasisId: patientA.uid,
    });
    await expect(auditor.evaluate<Report>('reports', 'GetReport', own)).resolves.toMatchObject({
      authorRole: 'patient',
    });
    await expect(doctorA.evaluate<Report>('reports', 'GetReport', reportId)).resolves.toMatchObject({
      authorRole: 'doctor',
    });
    await expect(patientA.submit<Receipt>('reports', 'AccessReport', own)).resolves.toMatchObject({
      result: { basis: 'patient', grantId: null, granteeKind: null, purposeOfUse: 'PATRQT' },
    });

    const forAnother = randomUUID();
    expect(await refusalOf(patientA.recordReport(forAnother, patientB.uid, 'bill', sealed))).toBe('FORBIDDEN');
    expect(await refusalOf(patientA.recordReport(forAnother, otherDoctorA.uid, 'bill', sealed))).toBe('FORBIDDEN');
    expect(await refusalOf(auditor.evaluate('reports', 'GetReport', forAnother))).toBe('NOT_FOUND');
  });

  describe('grants to a hospital as a whole and to the care team of a hospital', () => {
    // A patient of their own, so that the grants of the tests above (doctorB's, revoked or
    // expired) play no part in the refusals here.
    let patient: LedgerActor;
    let chosen: string;
    let other: string;
    let teamReport: string;

    beforeAll(async () => {
      patient = await LedgerActor.enroll(profile, clients, 'hospital-a', 'patient', { settle: true });
      await patient.submit('participants', 'RegisterSelf');
      await adminA.submit('care', 'AssignCare', randomUUID(), patient.uid, doctorA.uid);
      [chosen, other, teamReport] = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of [chosen, other, teamReport]) {
        await doctorA.recordReport(id, patient.uid, 'lab', await sealReport(PHI.reportBody));
      }
    });

    afterAll(() => patient?.close());

    it('to HospitalB as a whole: two of its doctors open the chosen report and no other, a HospitalA doctor without care is refused, and revocation stops it', async () => {
      const grantId = randomUUID();
      const granted = await patient.grantOrganisation<Grant>(
        grantId,
        'hospital',
        'HospitalBMSP',
        [chosen],
        DAY_MS / MINUTE_MS,
      );
      expect(granted.result).toMatchObject({
        kind: 'consent',
        granteeKind: 'hospital',
        granteeMspId: 'HospitalBMSP',
        doctorId: null,
        doctorMspId: null,
        reportIds: [chosen],
      });
      for (const doctor of [doctorB, otherDoctorB]) {
        const opened = await doctor.submit<Receipt>('reports', 'AccessReport', chosen);
        expect(opened.result).toMatchObject({
          txId: opened.txId,
          readerId: doctor.uid,
          readerMspId: 'HospitalBMSP',
          basis: 'grant',
          grantId,
          granteeKind: 'hospital',
          purposeOfUse: 'TREAT',
        });
        expect(await refusalOf(doctor.submit('reports', 'AccessReport', other))).toBe('FORBIDDEN');
      }
      expect(await refusalOf(otherDoctorA.submit('reports', 'AccessReport', chosen))).toBe('FORBIDDEN');
      // Reading is all it allows: it is no basis for writing.
      expect(
        await refusalOf(doctorB.recordReport(randomUUID(), patient.uid, 'lab', await sealReport(PHI.reportBody))),
      ).toBe('FORBIDDEN');
      // The network outlives each run, so the hospital's list is paged to its end.
      const ofB = await everyPage<Grant>((bookmark) =>
        otherDoctorB.evaluate('consent', 'ListGrantsByHospital', 'HospitalBMSP', '100', bookmark),
      );
      expect(ofB.find((grant) => grant.grantId === grantId)?.effectiveStatus).toBe('active');
      expect(await refusalOf(doctorA.evaluate('consent', 'ListGrantsByHospital', 'HospitalBMSP', '100', ''))).toBe(
        'FORBIDDEN',
      );

      await patient.submit('consent', 'RevokeGrant', grantId);
      for (const doctor of [doctorB, otherDoctorB]) {
        expect(await refusalOf(doctor.submit('reports', 'AccessReport', chosen))).toBe('GRANT_REVOKED');
      }
    });

    it('to HospitalB as a whole, and stops at expiry: a five-minute grant given ten minutes ago opens nothing', async () => {
      const grantId = randomUUID();
      await patient.submitBackdated(
        10 * MINUTE_MS,
        'consent',
        'GrantOrganisationAccess',
        grantId,
        'hospital',
        'HospitalBMSP',
        JSON.stringify([other]),
        '5',
        'TREAT',
      );
      // A settled no-op after it: every peer that endorses the opening holds the grant.
      await patient.submit('system', 'Ping');
      expect(await refusalOf(otherDoctorB.submit('reports', 'AccessReport', other))).toBe('GRANT_EXPIRED');
    });

    it('to the care team at HospitalB: a doctor assigned after the grant opens, writes and sees the grant, and is refused once the assignment ended; without the grant an assignment there lets no one write', async () => {
      const grantId = randomUUID();
      await patient.grantOrganisation<Grant>(grantId, 'care-team', 'HospitalBMSP', [teamReport], DAY_MS / MINUTE_MS);
      expect(await refusalOf(doctorB.submit('reports', 'AccessReport', teamReport))).toBe('FORBIDDEN');

      // HospitalB's admin puts its own doctor in the HospitalA patient's care team there.
      const assignmentId = randomUUID();
      const assigned = await adminB.submit('care', 'AssignCare', assignmentId, patient.uid, doctorB.uid);
      expect(assigned.result).toMatchObject({ hospitalMspId: 'HospitalBMSP', patientId: patient.uid });
      await expect(doctorB.submit<Receipt>('reports', 'AccessReport', teamReport)).resolves.toMatchObject({
        result: { basis: 'grant', grantId, granteeKind: 'care-team' },
      });
      // Another doctor of the grantee hospital, not in the team.
      expect(await refusalOf(otherDoctorB.submit('reports', 'AccessReport', teamReport))).toBe('FORBIDDEN');
      // The patient agreed to HospitalB's care team: its assignment lets the doctor write too.
      const written = await doctorB.recordReport(randomUUID(), patient.uid, 'note', await sealReport(PHI.reportBody));
      expect(written.result).toMatchObject({
        authorMspId: 'HospitalBMSP',
        writeBasis: 'care',
        writeBasisId: assignmentId,
      });
      // The care-team grant is listed to the doctor in the team, not to the hospital's other doctors.
      const listedTo = (doctor: LedgerActor) =>
        everyPage<Grant>((bookmark) =>
          doctor.evaluate('consent', 'ListGrantsByHospital', 'HospitalBMSP', '100', bookmark),
        );
      expect((await listedTo(doctorB)).some((grant) => grant.grantId === grantId)).toBe(true);
      expect((await listedTo(otherDoctorB)).some((grant) => grant.grantId === grantId)).toBe(false);
      expect(await refusalOf(otherDoctorB.evaluate('consent', 'GetGrant', grantId))).toBe('NOT_FOUND');

      await adminB.submit('care', 'EndCare', assignmentId);
      expect(await refusalOf(doctorB.submit('reports', 'AccessReport', teamReport))).toBe('FORBIDDEN');
      await patient.submit('consent', 'RevokeGrant', grantId);

      // Without the patient's consent to HospitalB's care team, an assignment there is no basis to write.
      const again = randomUUID();
      await adminB.submit('care', 'AssignCare', again, patient.uid, doctorB.uid);
      expect(
        await refusalOf(doctorB.recordReport(randomUUID(), patient.uid, 'note', await sealReport(PHI.reportBody))),
      ).toBe('FORBIDDEN');
      await adminB.submit('care', 'EndCare', again);
    });

    it('an approval for the requesting doctor’s hospital lets its other doctors in too', async () => {
      const requestId = randomUUID();
      await doctorB.submit(
        'consent',
        'RequestAccess',
        requestId,
        patient.uid,
        JSON.stringify([other]),
        '1',
        'CAREMGT',
        commitmentTo(PHI.requestReason),
      );
      const grantId = randomUUID();
      const approved = await patient.submit<{ grant: Grant }>(
        'consent',
        'ApproveRequest',
        requestId,
        grantId,
        JSON.stringify([other]),
        '60',
        'hospital',
      );
      expect(approved.result.grant).toMatchObject({
        granteeKind: 'hospital',
        granteeMspId: 'HospitalBMSP',
        doctorId: null,
      });
      await expect(otherDoctorB.submit<Receipt>('reports', 'AccessReport', other)).resolves.toMatchObject({
        result: { grantId, granteeKind: 'hospital', purposeOfUse: 'CAREMGT' },
      });
      await patient.submit('consent', 'RevokeGrant', grantId);
    });
  });

  it('the patient pages through every opening of their report with LevelDB bookmarks, oldest first', async () => {
    await patientA.submit('reports', 'AccessReport', reportId);
    const seen: Receipt[] = [];
    let bookmark = '';
    for (let pages = 0; pages < 50; pages += 1) {
      const page = await patientA.evaluate<Page<Receipt>>(
        'audit',
        'ListReceiptsByPatient',
        patientA.uid,
        '1',
        bookmark,
      );
      seen.push(...page.items);
      if (page.nextBookmark === null) break;
      expect(page.items).toHaveLength(1);
      bookmark = page.nextBookmark;
    }
    const all = await auditor.evaluate<Page<Receipt>>('audit', 'ListReceiptsByReport', reportId, '100', '');
    expect(all.nextBookmark).toBeNull();
    // The patient's openings cover all their reports; those of this one come in the same order.
    const ofThisReport = seen.filter((receipt) => receipt.reportId === reportId);
    expect(ofThisReport.map((receipt) => receipt.txId)).toEqual(all.items.map((receipt) => receipt.txId));
    expect(ofThisReport.length).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)).toMatchObject({ readerId: patientA.uid, basis: 'patient' });
    expect(await refusalOf(patientB.evaluate('audit', 'ListReceiptsByPatient', patientA.uid, '10', ''))).toBe(
      'FORBIDDEN',
    );
  });
});
