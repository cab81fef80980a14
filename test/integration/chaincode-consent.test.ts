import { EndorseError } from '@hyperledger/fabric-gateway';
import { randomUUID } from 'node:crypto';
import { commitmentTo, LedgerActor, PeerClients, refusalOf } from '../support/ledger-actors.js';
import { loadNetworkProfile, NetworkProfile } from '../support/network-profile.js';
import { PHI, sealReport } from '../support/phi.js';

interface Grant {
  grantId: string;
  kind: string;
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
  purposeOfUse: string;
}
interface Page<T> {
  items: T[];
  nextBookmark: string | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

describe('the MedLedger chaincode on the real network, with identities from the hospitals’ CAs', () => {
  let profile: NetworkProfile;
  let clients: PeerClients;
  let adminA: LedgerActor;
  let adminB: LedgerActor;
  let doctorA: LedgerActor;
  let doctorB: LedgerActor;
  let patientA: LedgerActor;
  let patientB: LedgerActor;
  let auditor: LedgerActor;
  let reportId: string;

  beforeAll(async () => {
    profile = loadNetworkProfile();
    clients = new PeerClients(profile);
    [adminA, adminB, doctorA, doctorB, patientA, patientB, auditor] = await Promise.all([
      LedgerActor.enroll(profile, clients, 'hospital-a', 'admin', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'admin', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-a', 'patient', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'patient', { settle: true }),
      LedgerActor.enroll(profile, clients, 'hospital-b', 'auditor', { settle: true }),
    ]);
    await Promise.all(
      [adminA, adminB, doctorA, doctorB, patientA, patientB, auditor].map((actor) =>
        actor.submit('participants', 'RegisterSelf'),
      ),
    );
    // The API side: the patient's care team, then an uploaded, encrypted report.
    await adminA.submit('care', 'AssignCare', randomUUID(), patientA.uid, doctorA.uid);
    reportId = randomUUID();
    const sealed = await sealReport(`${PHI.reportTitle}\n${PHI.reportBody}`);
    await doctorA.recordReport(reportId, patientA.uid, 'imaging', sealed);
  });

  afterAll(() => {
    for (const actor of [adminA, adminB, doctorA, doctorB, patientA, patientB, auditor]) actor?.close();
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
      await refusalOf(patientB.submit('consent', 'ApproveRequest', requestId, randomUUID(), 'null', '10080')),
    ).toBe('FORBIDDEN');

    const grantId = randomUUID();
    const approved = await patientA.submit<{ grant: Grant; request: { status: string } }>(
      'consent',
      'ApproveRequest',
      requestId,
      grantId,
      JSON.stringify([reportId]),
      String((7 * DAY_MS) / MINUTE_MS),
    );
    expect(approved.result.request.status).toBe('approved');
    expect(approved.result.grant).toMatchObject({ kind: 'consent', purposeOfUse: 'TREAT' });
    expect(Date.parse(approved.result.grant.expiresAt) - Date.parse(approved.result.grant.validFrom)).toBe(7 * DAY_MS);
    await expect(doctorB.submit('reports', 'AccessReport', reportId)).resolves.toMatchObject({
      result: { basis: 'grant', grantId, purposeOfUse: 'TREAT' },
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

  it('admins and auditors never open content; admins act only within their hospital', async () => {
    expect(await refusalOf(adminA.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');
    expect(await refusalOf(auditor.submit('reports', 'AccessReport', reportId))).toBe('FORBIDDEN');
    expect(await refusalOf(adminB.submit('care', 'AssignCare', randomUUID(), patientA.uid, doctorB.uid))).toBe(
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
