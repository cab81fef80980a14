import type { Client } from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { type ApiResponse, callApi, expectErrorEnvelope } from '../support/api.js';
import { submitBackdated } from '../support/backdated.js';
import { findInBlocks, readChannelBlocks } from '../support/blocks.js';
import { phiName, phiText, sha256Hex } from '../support/phi.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import { eventually } from '../support/services.js';
import { endCoolingOff, erasureCarriedOut, requestAndConfirmErasure } from '../support/erasure.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

const MINUTE_MS = 60_000;

interface RequestBody {
  id: string;
  status: string;
  reason: string | null;
  denialReason: string | null;
  purposeOfUse: string;
  reportIds: string[] | null;
  grantId: string | null;
  ledger: { txId: string; blockNumber: string | null };
}

interface GrantBody {
  id: string;
  kind: string;
  status: string;
  purposeOfUse: string;
  reportIds: string[] | null;
  doctorId: string;
  grantee: { kind: string; id: string };
  validFrom: string;
  expiresAt: string;
  ledger: { txId: string; blockNumber: string | null };
}

interface EmergencyBody extends GrantBody {
  justification: string | null;
  review: { outcome: string; note: string | null } | null;
}

interface NotificationFeed {
  items: Array<{ id: string; kind: string; subject: { type: string; id: string }; readAt: string | null }>;
  unreadCount: number;
}

/**
 * The consent workflow over REST on the real stack: doctors ask, patients approve a part for
 * a time, revoke, deny; doctors cancel; emergencies are declared, notified (in the feed and by
 * e-mail to a real SMTP server this suite runs) and reviewed. Every change is a ledger
 * transaction signed by the acting user, and the chaincode has the last word.
 */
describe('consent over the REST API', () => {
  const smtp = new TestSmtpServer();
  let database: DataSource;
  let profile: NetworkProfile;
  let peerA: Client;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let doctorA: SignedIn;
  let doctorB: SignedIn;
  let otherDoctorB: SignedIn;
  let emergencyDoctorB: SignedIn;
  let auditorA: SignedIn;
  let auditorB: SignedIn;
  let patient: SignedIn;
  let otherPatient: SignedIn;
  let firstReport: string;
  let secondReport: string;
  let foreignReport: string;
  /** Texts that must never reach the ledger or an e-mail. */
  const secrets: string[] = [];

  const post = (caller: SignedIn, path: string, body: unknown = {}) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
  const get = (caller: SignedIn, path: string) => callApi(`/api/v1${path}`, { headers: bearer(caller.accessToken) });
  const del = (caller: SignedIn, path: string) =>
    callApi(`/api/v1${path}`, { method: 'DELETE', headers: bearer(caller.accessToken) });

  /** A reason as a doctor would write it, unique to this run, remembered for the PHI scans. */
  function clinicalText(prefix: string): string {
    const text = `${phiText('clinical text', prefix)}: suspected relapse, needs prior imaging`;
    secrets.push(text);
    return text;
  }

  async function requestAccess(doctor: SignedIn, body: Record<string, unknown> = {}): Promise<RequestBody> {
    const response = await post(doctor, '/access-requests', {
      patientId: patient.id,
      reason: clinicalText('Reason'),
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body as RequestBody;
  }

  async function feedOf(user: SignedIn): Promise<NotificationFeed> {
    const response = await get(user, '/notifications');
    expect(response.status).toBe(200);
    return response.body as NotificationFeed;
  }

  /** Waits until the user's feed holds a notification of this kind about this subject (the ledger's event travels). */
  async function expectNotified(user: SignedIn, kind: string, subjectId: string): Promise<void> {
    await eventually(
      async () => (await feedOf(user)).items.some((item) => item.kind === kind && item.subject.id === subjectId),
      15_000,
      `a ${kind} notification about ${subjectId}`,
    );
  }

  /** The ledger's access receipt of an opening, read with the patient's own stored identity. */
  async function receiptOnLedger(receiptTxId: string): Promise<Record<string, unknown>> {
    const gateway = connectAs(peerA, await storedLedgerIdentity(database, patient.id));
    try {
      const bytes = await medledgerContract(gateway, profile, 'audit').evaluateTransaction(
        'GetAccessReceipt',
        receiptTxId,
      );
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
    } finally {
      gateway.close();
    }
  }

  /** The Message-ID of the e-mail sent for the notification of this kind about this subject. */
  async function messageIdOf(subjectId: string, kind: string): Promise<string> {
    let outboxId: string | undefined;
    await eventually(
      async () => {
        const [row] = await database.query<Array<{ id: string }>>(
          `SELECT o.id FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id
           WHERE n.subject_id = $1 AND n.kind = $2`,
          [subjectId, kind],
        );
        outboxId = row?.id;
        return outboxId !== undefined;
      },
      15_000,
      `the outbox row of the ${kind} notification`,
    );
    return `<${outboxId}@medledger.invalid>`;
  }

  beforeAll(async () => {
    await smtp.start();
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peerA = peerClient(profile, 'hospital-a');
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctorA, auditorA, doctorB, otherDoctorB, emergencyDoctorB, auditorB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'auditor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'auditor'),
    ]);
    const patientName = phiName();
    secrets.push(patientName);
    [patient, otherPatient] = await Promise.all([
      registerPatient('hospital-a', patientName),
      registerPatient('hospital-a'),
    ]);
    for (const someone of [patient, otherPatient]) {
      const assigned = await post(adminA, '/admin/care-assignments', { patientId: someone.id, doctorId: doctorA.id });
      expect(assigned.status).toBe(201);
    }
    const upload = async (owner: SignedIn) => {
      const response = await uploadReport(
        doctorA,
        { patientId: owner.id, type: 'lab' },
        { bytes: randomBytes(2_000), contentType: 'application/pdf' },
      );
      expect(response.status).toBe(201);
      return (response.body as { id: string }).id;
    };
    [firstReport, secondReport, foreignReport] = await Promise.all([
      upload(patient),
      upload(patient),
      upload(otherPatient),
    ]);
  });

  afterAll(async () => {
    await smtp.stop();
    peerA?.close();
    await database?.destroy();
  });

  it('request → the patient’s inbox → approval of a part for 30 minutes → a HospitalB doctor opens what was approved, not the rest → revocation closes it', async () => {
    const request = await requestAccess(doctorB, {
      reportIds: [firstReport, secondReport],
      durationDays: 7,
      purposeOfUse: 'CAREMGT',
    });
    expect(request).toMatchObject({ status: 'pending', purposeOfUse: 'CAREMGT', grantId: null });
    expect(request.ledger.txId).toMatch(/^[0-9a-f]{64}$/);

    const inbox = await get(patient, '/access-requests?direction=incoming&status=pending');
    expect(inbox.status).toBe(200);
    const inInbox = (inbox.body as { items: RequestBody[] }).items.find((item) => item.id === request.id);
    expect(inInbox).toMatchObject({ reason: request.reason, purposeOfUse: 'CAREMGT' });
    expect([...inInbox!.reportIds!].sort()).toEqual([firstReport, secondReport].sort());
    const outbox = await get(doctorB, '/access-requests?status=pending');
    expect((outbox.body as { items: RequestBody[] }).items.map((item) => item.id)).toContain(request.id);
    await expectNotified(patient, 'access-requested', request.id);

    const approved = await post(patient, `/access-requests/${request.id}/approve`, {
      reportIds: [firstReport],
      durationMinutes: 30,
    });
    expect(approved.status).toBe(201);
    const grant = approved.body as GrantBody;
    expect(grant).toMatchObject({
      kind: 'consent',
      status: 'active',
      purposeOfUse: 'CAREMGT',
      reportIds: [firstReport],
      doctorId: doctorB.id,
      grantee: { kind: 'doctor', id: doctorB.id },
    });
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.validFrom)).toBe(30 * MINUTE_MS);
    const decided = await get(doctorB, '/access-requests?status=approved');
    expect((decided.body as { items: RequestBody[] }).items.find((item) => item.id === request.id)).toMatchObject({
      grantId: grant.id,
    });

    const opened = await openReport(doctorB, firstReport);
    expect(opened.status).toBe(200);
    const receipt = await receiptOnLedger(opened.headers.get('x-access-receipt-tx-id')!);
    expect(receipt).toMatchObject({ basis: 'grant', grantId: grant.id, purposeOfUse: 'CAREMGT', readerId: doctorB.id });
    const notApproved = await openReport(doctorB, secondReport);
    expect(notApproved.status).toBe(403);
    expect(notApproved.body).toMatchObject({ code: 'FORBIDDEN' });

    const held = await get(doctorB, '/grants?status=active');
    expect((held.body as { items: GrantBody[] }).items.map((item) => item.id)).toContain(grant.id);
    await expectNotified(doctorB, 'request-approved', request.id);
    await expectNotified(doctorB, 'grant-created', grant.id);

    const revoked = await del(patient, `/grants/${grant.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: grant.id, status: 'revoked' });
    const afterRevocation = await openReport(doctorB, firstReport);
    expect(afterRevocation.status).toBe(403);
    expect(afterRevocation.body).toMatchObject({ code: 'GRANT_REVOKED' });
    expectErrorEnvelope(await del(patient, `/grants/${grant.id}`), 409, 'GRANT_ALREADY_ENDED');
    const given = await get(patient, '/grants?status=revoked');
    expect((given.body as { items: GrantBody[] }).items.map((item) => item.id)).toContain(grant.id);
    await expectNotified(doctorB, 'grant-revoked', grant.id);
  });

  it('under load, a doctor of the other hospital opens at once what the patient just approved (every peer holds the grant)', async () => {
    const doctors = await Promise.all(Array.from({ length: 24 }, () => createStaff(adminB, 'doctor')));
    const requests = await Promise.all(doctors.map((doctor) => requestAccess(doctor, { reportIds: [firstReport] })));
    const statuses = await Promise.all(
      doctors.map(async (doctor, index) => {
        const approved = await post(patient, `/access-requests/${requests[index]!.id}/approve`, { durationMinutes: 5 });
        expect(approved.status).toBe(201);
        return (await openReport(doctor, firstReport)).status;
      }),
    );
    expect(statuses).toEqual(doctors.map(() => 200));
  });

  it('a grant whose time has passed refuses with GRANT_EXPIRED and lists as expired', async () => {
    // The patient's own identity signs a GrantAccess dated ten minutes back for five minutes,
    // as the chaincode suite does: the peers accept that date within their time window.
    const identity = await storedLedgerIdentity(database, patient.id);
    const gateway = connectAs(peerA, identity);
    const grantId = randomUUID();
    try {
      const granted = await submitBackdated(
        gateway,
        medledgerContract(gateway, profile, 'consent'),
        'GrantAccess',
        [grantId, doctorB.id, JSON.stringify([secondReport]), '5', 'TREAT'],
        signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
        10 * MINUTE_MS,
      );
      expect(granted.successful).toBe(true);
    } finally {
      gateway.close();
    }
    const opened = await openReport(doctorB, secondReport);
    expect(opened.status).toBe(403);
    expect(opened.body).toMatchObject({ code: 'GRANT_EXPIRED' });
    const given = await get(patient, '/grants?status=expired');
    expect((given.body as { items: GrantBody[] }).items.find((item) => item.id === grantId)).toMatchObject({
      status: 'expired',
      purposeOfUse: 'TREAT',
    });
    expectErrorEnvelope(await del(patient, `/grants/${grantId}`), 409, 'GRANT_ALREADY_ENDED');
  });

  it('a direct grant for whole days opens every report; a patient cannot grant another patient’s report', async () => {
    const created = await post(patient, '/grants', { doctorId: otherDoctorB.id, durationDays: 2 });
    expect(created.status).toBe(201);
    const grant = created.body as GrantBody;
    expect(grant).toMatchObject({ status: 'active', purposeOfUse: 'TREAT', reportIds: null });
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.validFrom)).toBe(2 * 24 * 60 * MINUTE_MS);
    expect((await openReport(otherDoctorB, secondReport)).status).toBe(200);

    expectErrorEnvelope(
      await post(patient, '/grants', { doctorId: otherDoctorB.id, reportIds: [foreignReport], durationDays: 1 }),
      404,
      'REPORT_NOT_OF_PATIENT',
    );
    expectErrorEnvelope(
      await post(patient, '/grants', { doctorId: randomUUID(), durationDays: 1 }),
      404,
      'DOCTOR_NOT_FOUND',
    );
  });

  it('refuses bad terms with 400: a duration under 5 minutes, both durations, none, the emergency purpose, a bad id', async () => {
    const base = { doctorId: doctorB.id };
    expectErrorEnvelope(await post(patient, '/grants', { ...base, durationMinutes: 4 }), 400, 'INVALID_INPUT');
    expectErrorEnvelope(await post(patient, '/grants', { ...base, durationMinutes: 30, durationDays: 1 }), 400);
    expectErrorEnvelope(await post(patient, '/grants', base), 400);
    expectErrorEnvelope(await post(patient, '/grants', { ...base, durationDays: 1, purposeOfUse: 'ETREAT' }), 400);
    expectErrorEnvelope(await post(doctorB, '/access-requests', { patientId: patient.id, reason: 'x' }), 400);
    expectErrorEnvelope(await del(patient, '/grants/not-a-uuid'), 400);
    expectErrorEnvelope(await get(patient, '/access-requests?direction=outgoing'), 403, 'FORBIDDEN');
    expectErrorEnvelope(await get(patient, '/grants?status=sleeping'), 400);
  });

  it('a denied request grants nothing and cannot be approved after; the doctor reads the reason', async () => {
    const request = await requestAccess(doctorB);
    const denialReason = clinicalText('Denied because');
    const denied = await post(patient, `/access-requests/${request.id}/deny`, { reason: denialReason });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', denialReason });
    const outgoing = await get(doctorB, '/access-requests?status=denied');
    expect((outgoing.body as { items: RequestBody[] }).items.find((item) => item.id === request.id)).toMatchObject({
      denialReason,
    });
    expectErrorEnvelope(
      await post(patient, `/access-requests/${request.id}/approve`, { durationDays: 1 }),
      409,
      'REQUEST_NOT_PENDING',
    );
    await expectNotified(doctorB, 'request-denied', request.id);
  });

  it('only the requesting doctor cancels, only while pending', async () => {
    const request = await requestAccess(doctorB);
    expectErrorEnvelope(await del(otherDoctorB, `/access-requests/${request.id}`), 404, 'ACCESS_REQUEST_NOT_FOUND');
    const cancelled = await del(doctorB, `/access-requests/${request.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expectErrorEnvelope(await del(doctorB, `/access-requests/${request.id}`), 409, 'REQUEST_NOT_PENDING');
    expectErrorEnvelope(
      await post(patient, `/access-requests/${request.id}/approve`, { durationDays: 1 }),
      409,
      'REQUEST_NOT_PENDING',
    );
  });

  it('a patient cannot approve, deny or revoke what is not theirs (404), nor approve reports of another patient', async () => {
    const request = await requestAccess(doctorB);
    expectErrorEnvelope(
      await post(otherPatient, `/access-requests/${request.id}/approve`, { durationDays: 1 }),
      404,
      'ACCESS_REQUEST_NOT_FOUND',
    );
    expectErrorEnvelope(
      await post(otherPatient, `/access-requests/${request.id}/deny`),
      404,
      'ACCESS_REQUEST_NOT_FOUND',
    );
    expectErrorEnvelope(
      await post(patient, `/access-requests/${request.id}/approve`, { reportIds: [foreignReport], durationDays: 1 }),
      404,
      'REPORT_NOT_OF_PATIENT',
    );
    const granted = await post(patient, `/access-requests/${request.id}/approve`, { durationDays: 1 });
    expect(granted.status).toBe(201);
    const grantId = (granted.body as GrantBody).id;
    expectErrorEnvelope(await del(otherPatient, `/grants/${grantId}`), 404, 'GRANT_NOT_FOUND');
    expectErrorEnvelope(
      await post(doctorB, '/access-requests', {
        patientId: patient.id,
        reason: clinicalText('Reason'),
        reportIds: [foreignReport],
      }),
      404,
      'REPORT_NOT_OF_PATIENT',
    );
    expectErrorEnvelope(
      await post(doctorB, '/access-requests', { patientId: randomUUID(), reason: clinicalText('Reason') }),
      404,
      'PATIENT_NOT_FOUND',
    );
  });

  it('admins and auditors are refused on every access route (403); patients and doctors on each other’s', async () => {
    const someId = randomUUID();
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/access-requests', { patientId: patient.id, reason: 'Needs the history' }],
      ['GET', '/access-requests'],
      ['POST', `/access-requests/${someId}/approve`, { durationDays: 1 }],
      ['POST', `/access-requests/${someId}/deny`, {}],
      ['DELETE', `/access-requests/${someId}`],
      ['GET', '/grants'],
      ['POST', '/grants', { doctorId: doctorB.id, durationDays: 1 }],
      ['DELETE', `/grants/${someId}`],
      ['POST', '/emergency-access', { patientId: patient.id, justification: 'Unconscious on arrival, no history' }],
    ];
    const call = (caller: SignedIn, [method, path, body]: [string, string, unknown?]): Promise<ApiResponse> =>
      callApi(`/api/v1${path}`, {
        method,
        ...(body === undefined ? { headers: bearer(caller.accessToken) } : jsonBody(body, bearer(caller.accessToken))),
      });
    for (const route of routes) {
      for (const caller of [adminA, auditorA]) expectErrorEnvelope(await call(caller, route), 403, 'FORBIDDEN');
    }
    const doctorOnly = [routes[0], routes[4], routes[8]];
    const patientOnly = [routes[2], routes[3], routes[6], routes[7]];
    for (const route of doctorOnly) expectErrorEnvelope(await call(patient, route), 403, 'FORBIDDEN');
    for (const route of patientOnly) expectErrorEnvelope(await call(doctorB, route), 403, 'FORBIDDEN');
    for (const caller of [patient, doctorB]) {
      expectErrorEnvelope(await get(caller, '/audit/emergencies'), 403, 'FORBIDDEN');
      expectErrorEnvelope(await post(caller, `/audit/emergencies/${someId}/review`, { outcome: 'appropriate' }), 403);
    }
  });

  it('emergency access: opens at once, purpose ETREAT, the patient is told in the feed and by e-mail, auditors review it; a second one while active is a 409', async () => {
    const justification = clinicalText('Unconscious after a road accident');
    const declared = await post(emergencyDoctorB, '/emergency-access', { patientId: patient.id, justification });
    expect(declared.status).toBe(201);
    const emergency = declared.body as EmergencyBody;
    expect(emergency).toMatchObject({ kind: 'emergency', purposeOfUse: 'ETREAT', status: 'active', review: null });
    expect(Date.parse(emergency.expiresAt) - Date.parse(emergency.validFrom)).toBeLessThanOrEqual(24 * 60 * MINUTE_MS);

    const opened = await openReport(emergencyDoctorB, secondReport);
    expect(opened.status).toBe(200);
    const receipt = await receiptOnLedger(opened.headers.get('x-access-receipt-tx-id')!);
    expect(receipt).toMatchObject({ basis: 'emergency', grantId: emergency.id, purposeOfUse: 'ETREAT' });

    expectErrorEnvelope(
      await post(emergencyDoctorB, '/emergency-access', {
        patientId: patient.id,
        justification: clinicalText('Still unconscious'),
      }),
      409,
      'EMERGENCY_ACTIVE',
    );
    expectErrorEnvelope(
      await post(emergencyDoctorB, '/emergency-access', { patientId: patient.id, justification: 'too short' }),
      400,
    );

    await expectNotified(patient, 'emergency-access', emergency.id);
    // The e-mail of this very notification (its outbox row's id is the Message-ID).
    const messageId = await messageIdOf(emergency.id, 'emergency-access');
    await eventually(
      async () => smtp.messagesTo(patient.email).some((mail) => mail.messageId === messageId),
      30_000,
      'the e-mail about the emergency access',
    );
    const mail = smtp.messagesTo(patient.email).find((received) => received.messageId === messageId)!;
    expect(mail.raw).toMatch(/attention/i);

    // Both hospitals' auditors see it (the patient's and the doctor's); one reviews it.
    for (const auditor of [auditorA, auditorB]) {
      const queue = await get(auditor, '/audit/emergencies?reviewed=false');
      expect(queue.status).toBe(200);
      const listed = (queue.body as { items: EmergencyBody[] }).items.find((item) => item.id === emergency.id);
      expect(listed).toMatchObject({ justification, review: null });
    }
    const note = clinicalText('Reviewed with the ward');
    const reviewed = await post(auditorA, `/audit/emergencies/${emergency.id}/review`, {
      outcome: 'appropriate',
      note,
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ review: { outcome: 'appropriate', note } });
    const queue = await get(auditorB, '/audit/emergencies?reviewed=false');
    expect((queue.body as { items: EmergencyBody[] }).items.map((item) => item.id)).not.toContain(emergency.id);
    const closed = await get(auditorB, '/audit/emergencies?reviewed=true');
    expect((closed.body as { items: EmergencyBody[] }).items.map((item) => item.id)).toContain(emergency.id);
    expectErrorEnvelope(
      await post(auditorB, `/audit/emergencies/${emergency.id}/review`, { outcome: 'inappropriate' }),
      409,
      'EMERGENCY_ALREADY_REVIEWED',
    );
    expectErrorEnvelope(await post(auditorB, `/audit/emergencies/${emergency.id}/review`, { outcome: 'fine' }), 400);
  });

  it('an SMTP outage delays mail and loses none: every mail is delivered once when the server returns', async () => {
    await smtp.stop();
    const during = await requestAccess(otherDoctorB);
    await expectNotified(patient, 'access-requested', during.id);
    const before = smtp.messagesTo(patient.email).length;
    await eventually(
      async () => {
        const [row] = await database.query<Array<{ attempts: number }>>(
          `SELECT o.attempts FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id
           WHERE n.subject_id = $1 AND o.sent_at IS NULL`,
          [during.id],
        );
        return (row?.attempts ?? 0) >= 1;
      },
      20_000,
      'a failed delivery attempt while the SMTP server is down',
    );
    expect(smtp.messagesTo(patient.email)).toHaveLength(before);
    await smtp.start();
    const [{ id: outboxId }] = await database.query<Array<{ id: string }>>(
      `SELECT o.id FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id WHERE n.subject_id = $1`,
      [during.id],
    );
    const messageId = `<${outboxId}@medledger.invalid>`;
    await eventually(
      async () => smtp.received.some((mail) => mail.messageId === messageId),
      30_000,
      'the delayed mail after the SMTP server returned',
    );
    // Nothing arrives twice: wait a few retry periods, then count Message-IDs.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(smtp.received.filter((mail) => mail.messageId === messageId)).toHaveLength(1);
    expect(smtp.messagesTo(patient.email).length).toBeGreaterThan(before);
    const ids = smtp.received.map((mail) => mail.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the feed: unread count, one marked read, then all; another user’s notification is not found', async () => {
    const request = await requestAccess(doctorB);
    await expectNotified(patient, 'access-requested', request.id);
    const feed = (await get(patient, '/notifications?unread=true')).body as NotificationFeed;
    expect(feed.unreadCount).toBeGreaterThan(0);
    const item = feed.items.find((entry) => entry.subject.id === request.id)!;
    expectErrorEnvelope(await post(doctorB, `/notifications/${item.id}/read`), 404, 'NOT_FOUND');
    const marked = await post(patient, `/notifications/${item.id}/read`);
    expect(marked.status).toBe(200);
    expect((marked.body as { readAt: string | null }).readAt).not.toBeNull();
    expect(((await get(patient, '/notifications')).body as NotificationFeed).unreadCount).toBe(feed.unreadCount - 1);
    expect((await post(patient, '/notifications/read-all')).status).toBe(200);
    expect(((await get(patient, '/notifications?unread=true')).body as NotificationFeed).items).toEqual([]);
    expect(((await get(patient, '/notifications')).body as NotificationFeed).unreadCount).toBe(0);
  });

  it('two emergency declarations at once: one grant, one 409 EMERGENCY_ACTIVE', async () => {
    const doctor = await createStaff(adminB, 'doctor');
    const declare = () =>
      post(doctor, '/emergency-access', { patientId: otherPatient.id, justification: clinicalText('Cardiac arrest') });
    const answers = await Promise.all([declare(), declare(), declare()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    for (const refused of answers.filter((answer) => answer.status === 409)) {
      expectErrorEnvelope(refused, 409, 'EMERGENCY_ACTIVE');
    }
    // The refused declarations left no justification behind.
    const [{ count }] = await database.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM consent_statements WHERE author_id = $1 AND kind = 'emergency-justification'`,
      [doctor.id],
    );
    expect(count).toBe(1);
  });

  it('a text with a NUL character is a 400 on its field, not a 500', async () => {
    const answer = await post(doctorB, '/access-requests', { patientId: patient.id, reason: 'Needs\u0000history' });
    expectErrorEnvelope(answer, 400, 'INVALID_INPUT');
    expect(JSON.stringify(answer.body)).toContain('reason');
  });

  it('the texts about a patient are erased with the patient; the doctor sees the request without its reason', async () => {
    const leaving = await registerPatient('hospital-a');
    const reason = clinicalText('Reason about a leaving patient');
    const asked = await post(doctorB, '/access-requests', { patientId: leaving.id, reason });
    expect(asked.status).toBe(201);
    const requestId = (asked.body as RequestBody).id;
    // The patient asks, an admin confirms, the cooling-off delay is cut short here, the worker erases.
    const erasure = await requestAndConfirmErasure(leaving, adminA);
    await endCoolingOff(database, erasure.id);
    await erasureCarriedOut(database, erasure.id);
    const rows = await database.query('SELECT 1 FROM consent_statements WHERE patient_id = $1', [leaving.id]);
    expect(rows).toEqual([]);
    const outgoing = await get(doctorB, '/access-requests');
    expect((outgoing.body as { items: RequestBody[] }).items.find((item) => item.id === requestId)).toMatchObject({
      reason: null,
      status: 'pending',
    });
  });

  it('no name, reason, justification or note reaches an e-mail or a block of the ledger', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    for (const mail of smtp.received) {
      for (const secret of secrets) expect(mail.raw).not.toContain(secret);
    }
    const gateway = connectAs(peerA, await storedLedgerIdentity(database, patient.id));
    try {
      const height = await medledgerContract(gateway, profile, 'system').submitAsync('Ping');
      const { blockNumber } = await height.getStatus();
      const blocks = await readChannelBlocks(gateway, profile.channel, blockNumber);
      expect(findInBlocks(blocks, secrets)).toEqual([]);
      // Nor a bare digest of one: what the ledger holds is a keyed commitment.
      expect(
        findInBlocks(
          blocks,
          secrets.map((secret) => sha256Hex(secret)),
        ),
      ).toEqual([]);
    } finally {
      gateway.close();
    }
  });
});
