import type { Client } from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { phiText } from '../support/phi.js';
import { connectAs, peerClient } from '../support/gateway.js';
import { loadNetworkProfile, type NetworkProfile } from '../support/network-profile.js';
import { eventually } from '../support/services.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';
import { openReport, uploadReport } from '../support/uploads.js';

interface AccessRow {
  txId: string;
  blockNumber: number;
  at: string;
  outcome: 'granted' | 'refused';
  refusalCode: string | null;
  reportId: string;
  patientId: string;
  actor: { id: string; role: string; hospital: string };
  basis: string | null;
  grantId: string | null;
  granteeKind: string | null;
  purposeOfUse: string | null;
}

interface TimelineRow {
  txId: string;
  blockNumber: number;
  at: string;
  event: string;
  subject: { type: string; id: string };
  actor: { id: string | null; role: string | null; hospital: string | null };
  reportId: string | null;
  purposeOfUse: string | null;
  outcome: string | null;
  refusalCode: string | null;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a test expects of one access row: who, which record, the outcome. */
type ExpectedAccess = Pick<AccessRow, 'reportId' | 'outcome' | 'refusalCode'> & {
  actorId: string;
  basis?: string | null;
  purposeOfUse?: string | null;
};

/**
 * Auditors prove who did what, from the ledger projection: the consent flows on the real
 * stack (care, uploads, a request approved for one record, openings under it, a refused
 * opening of another record, revocation and the refused opening after it, an admin's
 * attempt, an emergency and its review, the patient's own opening) leave exactly these rows
 * in every audit route and in the patient's access log, and every row's transaction is on
 * the ledger (qscc) in the block the row names.
 */
describe('the audit trail over REST', () => {
  let database: DataSource;
  let profile: NetworkProfile;
  let peerA: Client;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let careDoctor: SignedIn;
  let doctorB: SignedIn;
  let emergencyDoctor: SignedIn;
  let auditorA: SignedIn;
  let auditorB: SignedIn;
  let patient: SignedIn;
  let otherPatient: SignedIn;
  let unrelatedPatient: SignedIn;
  let approvedReport: string;
  let otherReport: string;
  let unrelatedReport: string;
  /** The transactions the flow made, each with the event the chaincode emitted for it. */
  const knownTransactions = new Map<string, string>();
  /** The transactions about the other hospital's patient: care, a report, its opening. */
  const unrelatedTransactions: string[] = [];
  const expectedAccesses: ExpectedAccess[] = [];

  const post = (caller: SignedIn, path: string, body: unknown = {}) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
  const get = (caller: SignedIn, path: string, headers: Record<string, string> = {}) =>
    callApi(`/api/v1${path}`, { headers: { ...bearer(caller.accessToken), ...headers } });
  const del = (caller: SignedIn, path: string) =>
    callApi(`/api/v1${path}`, { method: 'DELETE', headers: bearer(caller.accessToken) });

  /** Every page of a list route, in the order the route gives (newest first). */
  async function everyItem<T>(caller: SignedIn, path: string, limit = 3): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const response = await get(
        caller,
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      const page = response.body as Page<T>;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  /** Waits until the projection has the row of every transaction the flow made. */
  async function untilProjected(): Promise<void> {
    await eventually(
      async () => {
        const expected = [...knownTransactions.keys(), ...unrelatedTransactions];
        const rows = await database.query<Array<{ tx_id: string }>>(
          'SELECT tx_id FROM projection_events WHERE tx_id = ANY($1)',
          [expected],
        );
        return rows.length === expected.length;
      },
      30_000,
      'the projection of the flow’s transactions',
    );
    await eventually(
      async () => {
        const [row] = await database.query<Array<{ count: number }>>(
          'SELECT count(*)::int AS count FROM projection_accesses WHERE patient_id = $1',
          [patient.id],
        );
        return row!.count === expectedAccesses.length;
      },
      30_000,
      'the projection of the flow’s openings and refusals',
    );
  }

  /** The number of the block holding `txId`, as the peer's qscc answers it. */
  async function blockOnLedger(txId: string): Promise<number> {
    const identity = await storedLedgerIdentity(database, auditorA.id);
    const gateway = connectAs(peerA, identity);
    try {
      const bytes = await gateway
        .getNetwork(profile.channel)
        .getContract('qscc')
        .evaluateTransaction('GetBlockByTxID', profile.channel, txId);
      return Number(common.Block.deserializeBinary(bytes).getHeader()!.getNumber());
    } finally {
      gateway.close();
    }
  }

  const summary = (row: AccessRow): ExpectedAccess => ({
    reportId: row.reportId,
    outcome: row.outcome,
    refusalCode: row.refusalCode,
    actorId: row.actor.id,
  });
  const key = (row: ExpectedAccess) => `${row.actorId} ${row.reportId} ${row.outcome} ${row.refusalCode}`;
  const sortedKeys = (rows: ExpectedAccess[]) => rows.map(key).sort();

  async function expectOpened(reader: SignedIn, reportId: string, expected: Partial<ExpectedAccess> = {}) {
    const opened = await openReport(reader, reportId);
    expect(opened.status).toBe(200);
    const txId = opened.headers.get('x-access-receipt-tx-id')!;
    knownTransactions.set(txId, 'ReportAccessed');
    expectedAccesses.push({ reportId, outcome: 'granted', refusalCode: null, actorId: reader.id, ...expected });
  }

  async function expectRefused(reader: SignedIn, reportId: string, code: string) {
    const opened = await openReport(reader, reportId);
    expect(opened.status).toBe(403);
    expect(opened.body).toMatchObject({ code });
    expectedAccesses.push({ reportId, outcome: 'refused', refusalCode: code, actorId: reader.id });
  }

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    profile = loadNetworkProfile();
    peerA = peerClient(profile, 'hospital-a');
    [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [careDoctor, auditorA, doctorB, emergencyDoctor, auditorB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'auditor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'auditor'),
    ]);
    [patient, otherPatient, unrelatedPatient] = await Promise.all([
      registerPatient('hospital-a'),
      registerPatient('hospital-a'),
      registerPatient('hospital-b'),
    ]);

    // The flow, every step through the REST API as its user.
    const care = await post(adminA, '/admin/care-assignments', { patientId: patient.id, doctorId: careDoctor.id });
    expect(care.status).toBe(201);
    knownTransactions.set((care.body as { txId: string }).txId, 'CareAssigned');
    const upload = async (author: SignedIn, owner: SignedIn) => {
      const response = await uploadReport(
        author,
        { patientId: owner.id, type: 'lab' },
        { bytes: randomBytes(1_000), contentType: 'application/pdf' },
      );
      expect(response.status).toBe(201);
      return response.body as { id: string; txId: string };
    };
    const [first, second] = [await upload(careDoctor, patient), await upload(careDoctor, patient)];
    [approvedReport, otherReport] = [first.id, second.id];
    knownTransactions.set(first.txId, 'ReportRecorded');
    knownTransactions.set(second.txId, 'ReportRecorded');

    const requested = await post(doctorB, '/access-requests', {
      patientId: patient.id,
      reason: phiText('reason', 'Follow-up of'),
      purposeOfUse: 'TREAT',
    });
    expect(requested.status).toBe(201);
    const request = requested.body as { id: string; ledger: { txId: string } };
    knownTransactions.set(request.ledger.txId, 'AccessRequested');
    const approved = await post(patient, `/access-requests/${request.id}/approve`, {
      reportIds: [approvedReport],
      durationDays: 1,
    });
    expect(approved.status).toBe(201);
    const approval = approved.body as { id: string; ledger: { txId: string } };
    knownTransactions.set(approval.ledger.txId, 'RequestApproved');

    await expectOpened(doctorB, approvedReport, { basis: 'grant', purposeOfUse: 'TREAT' });
    await expectRefused(doctorB, otherReport, 'FORBIDDEN');
    const revoked = await del(patient, `/grants/${approval.id}`);
    expect(revoked.status).toBe(200);
    knownTransactions.set((revoked.body as { ledger: { txId: string } }).ledger.txId, 'GrantRevoked');
    await expectRefused(doctorB, approvedReport, 'GRANT_REVOKED');
    await expectRefused(adminA, approvedReport, 'FORBIDDEN');

    const declared = await post(emergencyDoctor, '/emergency-access', {
      patientId: patient.id,
      justification: 'Unconscious on arrival, no history available',
    });
    expect(declared.status).toBe(201);
    const emergency = declared.body as { id: string; ledger: { txId: string } };
    knownTransactions.set(emergency.ledger.txId, 'EmergencyDeclared');
    await expectOpened(emergencyDoctor, otherReport, { basis: 'emergency', purposeOfUse: 'ETREAT' });
    const reviewed = await post(auditorA, `/audit/emergencies/${emergency.id}/review`, { outcome: 'appropriate' });
    expect(reviewed.status).toBe(200);
    knownTransactions.set((reviewed.body as { ledger: { txId: string } }).ledger.txId, 'EmergencyReviewed');
    await expectOpened(patient, approvedReport, { basis: 'patient', purposeOfUse: 'PATRQT' });

    // Another hospital's patient, with nothing to do with HospitalA.
    const careB = await post(adminB, '/admin/care-assignments', {
      patientId: unrelatedPatient.id,
      doctorId: doctorB.id,
    });
    expect(careB.status).toBe(201);
    const unrelatedUpload = await upload(doctorB, unrelatedPatient);
    unrelatedReport = unrelatedUpload.id;
    const unrelatedOpening = await openReport(doctorB, unrelatedReport);
    expect(unrelatedOpening.status).toBe(200);
    unrelatedTransactions.push(
      (careB.body as { txId: string }).txId,
      unrelatedUpload.txId,
      unrelatedOpening.headers.get('x-access-receipt-tx-id')!,
    );

    await untilProjected();
  });

  afterAll(async () => {
    peerA?.close();
    await database?.destroy();
  });

  it('the patient’s access log: every opening and every refused attempt on their records, newest first, with who, why and where on the ledger', async () => {
    const log = await everyItem<AccessRow>(patient, '/me/access-log');

    expect(sortedKeys(log.map(summary))).toEqual(sortedKeys(expectedAccesses));
    expect(log.map((row) => row.at)).toEqual([...log.map((row) => row.at)].sort().reverse());
    const byKey = new Map(log.map((row) => [key(summary(row)), row]));
    for (const expected of expectedAccesses) {
      const row = byKey.get(key(expected))!;
      expect(row.patientId).toBe(patient.id);
      expect(row.txId).toMatch(/^[0-9a-f]{64}$/);
      if (expected.basis !== undefined) expect(row.basis).toBe(expected.basis);
      if (expected.purposeOfUse !== undefined) expect(row.purposeOfUse).toBe(expected.purposeOfUse);
    }
    const refusedAdmin = log.find((row) => row.actor.id === adminA.id)!;
    expect(refusedAdmin.actor).toMatchObject({ role: 'admin', hospital: 'hospital-a' });
    const openedByB = log.find((row) => row.actor.id === doctorB.id && row.outcome === 'granted')!;
    expect(openedByB).toMatchObject({
      actor: { role: 'doctor', hospital: 'hospital-b' },
      grantId: expect.any(String),
      granteeKind: 'doctor',
    });

    for (const row of log) expect(await blockOnLedger(row.txId)).toBe(row.blockNumber);
  });

  it('/audit/accesses: a cross-hospital access is visible to both hospitals’ auditors, the rest to the patient’s hospital only; filters narrow it', async () => {
    const forA = await everyItem<AccessRow>(auditorA, `/audit/accesses?patientId=${patient.id}`);
    expect(sortedKeys(forA.map(summary))).toEqual(sortedKeys(expectedAccesses));

    const forB = await everyItem<AccessRow>(auditorB, `/audit/accesses?patientId=${patient.id}`);
    const ofHospitalB = expectedAccesses.filter((row) => [doctorB.id, emergencyDoctor.id].includes(row.actorId));
    expect(sortedKeys(forB.map(summary))).toEqual(sortedKeys(ofHospitalB));

    const refusedOfB = await everyItem<AccessRow>(auditorA, `/audit/accesses?actorId=${doctorB.id}&outcome=refused`);
    expect(sortedKeys(refusedOfB.map(summary))).toEqual(
      sortedKeys(expectedAccesses.filter((row) => row.actorId === doctorB.id && row.outcome === 'refused')),
    );

    const first = forA[forA.length - 1]!;
    const fromFirst = await everyItem<AccessRow>(
      auditorA,
      `/audit/accesses?patientId=${patient.id}&from=${encodeURIComponent(first.at)}&to=${encodeURIComponent(first.at)}`,
    );
    expect(fromFirst.map((row) => row.txId)).toContain(first.txId);
    expect(fromFirst.every((row) => row.at === first.at)).toBe(true);
  });

  it('/audit/accesses as CSV: a header, then one line per access, streamed', async () => {
    const response = await get(auditorA, `/audit/accesses?patientId=${patient.id}&limit=2`, { Accept: 'text/csv' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = response.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/txId/);
    expect(lines).toHaveLength(expectedAccesses.length + 1);
    for (const row of expectedAccesses) {
      expect(lines.some((line) => line.includes(row.actorId) && line.includes(row.reportId))).toBe(true);
    }
  });

  it('/audit/patients/{id}/events: exactly the flow’s transactions, each where the ledger has it, for the auditor and the patient', async () => {
    for (const caller of [auditorA, patient]) {
      const events = (await everyItem<TimelineRow>(caller, `/audit/patients/${patient.id}/events`, 5)).filter(
        (row) => row.event !== 'ParticipantRegistered',
      );
      const known = events.filter((row) => knownTransactions.has(row.txId));
      expect(new Set(known.map((row) => row.txId))).toEqual(new Set(knownTransactions.keys()));
      for (const row of known) expect(row.event).toBe(knownTransactions.get(row.txId));
      // Beyond them only the refusals, whose IDs the refused never see.
      expect(events.filter((row) => !knownTransactions.has(row.txId)).map((row) => row.event)).toEqual(
        expectedAccesses.filter((row) => row.outcome === 'refused').map(() => 'ReportAccessRefused'),
      );
      if (caller === auditorA) for (const row of events) expect(await blockOnLedger(row.txId)).toBe(row.blockNumber);
    }
  });

  it('/audit/patients/{id}/events for the other hospital’s auditor: what involves HospitalB, not HospitalA’s own doings', async () => {
    const forA = await everyItem<TimelineRow>(auditorA, `/audit/patients/${patient.id}/events`, 50);
    const forB = await everyItem<TimelineRow>(auditorB, `/audit/patients/${patient.id}/events`, 50);

    const eventOf = (rows: TimelineRow[]) => new Map(rows.map((row) => [row.txId, row.event]));
    const seenByB = eventOf(forB);
    expect([...seenByB.keys()].every((txId) => eventOf(forA).has(txId))).toBe(true);
    // The request of B's doctor, its approval for that doctor, the emergency of B's doctor…
    for (const event of ['AccessRequested', 'RequestApproved', 'GrantRevoked', 'EmergencyDeclared']) {
      expect([...seenByB.values()]).toContain(event);
    }
    // …and every opening or refusal by B's doctors, but not HospitalA's own care and records.
    const openingsOfB = expectedAccesses.filter((row) => [doctorB.id, emergencyDoctor.id].includes(row.actorId));
    expect(forB.filter((row) => row.event.startsWith('ReportAccess')).length).toBe(openingsOfB.length);
    expect([...seenByB.values()]).not.toContain('CareAssigned');
    expect([...seenByB.values()]).not.toContain('ReportRecorded');
  });

  it('/audit/reports/{id}/history: the record’s writing and every opening and refusal of it', async () => {
    const history = await everyItem<TimelineRow>(auditorA, `/audit/reports/${approvedReport}/history`);

    const accesses = history.filter((row) => row.event !== 'ReportRecorded');
    expect(history.filter((row) => row.event === 'ReportRecorded')).toHaveLength(1);
    expect(accesses.map((row) => `${row.actor.id} ${row.outcome}`).sort()).toEqual(
      expectedAccesses
        .filter((row) => row.reportId === approvedReport)
        .map((row) => `${row.actorId} ${row.outcome}`)
        .sort(),
    );
    const ownHistory = await everyItem<TimelineRow>(patient, `/audit/reports/${approvedReport}/history`);
    expect(ownHistory.map((row) => row.txId)).toEqual(history.map((row) => row.txId));
  });

  it('refuses doctors and admins on every audit route, a patient on another patient’s, and an auditor on what does not involve their hospital', async () => {
    const routes = [
      `/audit/reports/${approvedReport}/history`,
      `/audit/patients/${patient.id}/events`,
      '/audit/accesses',
      '/audit/emergencies',
      '/audit/integrity-report',
    ];
    for (const caller of [careDoctor, doctorB, adminA]) {
      for (const route of routes) expectErrorEnvelope(await get(caller, route), 403);
      expectErrorEnvelope(await get(caller, '/me/access-log'), 403);
    }
    expectErrorEnvelope(await get(auditorA, '/me/access-log'), 403);

    expectErrorEnvelope(await get(otherPatient, `/audit/patients/${patient.id}/events`), 403);
    expectErrorEnvelope(await get(otherPatient, `/audit/reports/${approvedReport}/history`), 403);
    expect((await everyItem<AccessRow>(otherPatient, '/me/access-log')).map((row) => row.patientId)).not.toContain(
      patient.id,
    );

    // HospitalB's own patient, cared for and opened by HospitalB's doctor: nothing of HospitalA.
    expectErrorEnvelope(await get(auditorA, `/audit/patients/${unrelatedPatient.id}/events`), 404);
    expectErrorEnvelope(await get(auditorA, `/audit/reports/${unrelatedReport}/history`), 404);
    expect(await everyItem<AccessRow>(auditorA, `/audit/accesses?patientId=${unrelatedPatient.id}`)).toEqual([]);
    expect((await everyItem<AccessRow>(auditorA, '/audit/accesses', 100)).map((row) => row.patientId)).not.toContain(
      unrelatedPatient.id,
    );
    // …which HospitalB's auditor sees.
    const forB = await everyItem<AccessRow>(auditorB, `/audit/accesses?patientId=${unrelatedPatient.id}`);
    expect(forB.map((row) => row.txId)).toEqual([unrelatedTransactions[2]]);
    expect((await get(auditorB, `/audit/patients/${unrelatedPatient.id}/events`)).status).toBe(200);
  });

  it('refuses bad filters and crafted cursors with 400, and finds nothing in a backwards period', async () => {
    for (const query of [
      'from=yesterday',
      'outcome=maybe',
      'actorId=not-a-uuid',
      'limit=0',
      'limit=101',
      'cursor=abc',
    ]) {
      expectErrorEnvelope(await get(auditorA, `/audit/accesses?${query}`), 400);
    }
    // A period that ends before it starts is no mistake of form: nothing falls in it.
    const backwards = await get(
      auditorA,
      `/audit/accesses?from=${encodeURIComponent('2026-12-02T00:00:00.000Z')}&to=${encodeURIComponent('2026-12-01T00:00:00.000Z')}`,
    );
    expect(backwards.status).toBe(200);
    expect(backwards.body).toMatchObject({ items: [], nextCursor: null });
    expectErrorEnvelope(await get(auditorA, '/audit/patients/not-a-uuid/events'), 400);
  });
});
