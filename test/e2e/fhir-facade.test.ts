import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
  Consent,
  DocumentReference,
  Extension,
  OperationOutcome,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { randomBytes, randomUUID } from 'node:crypto';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { API_URL, callApi, type ApiResponse } from '../support/api.js';
import { startFhirValidator, type FhirValidator } from '../support/fhir-validator.js';
import { phiName } from '../support/phi.js';
import { eventually } from '../support/services.js';
import { openReport, uploadReport } from '../support/uploads.js';

const LEDGER_RECORD = 'https://fhir.medledger.example/StructureDefinition/ledger-record';
const FHIR_JSON = /^application\/fhir\+json/;

/** What the upload answers: the report and where the ledger recorded it. */
interface UploadedReport {
  id: string;
  cid: string;
  txId: string;
  blockNumber: string | null;
}

/** The parts of the ledger-record extension of a resource, by name, with their values. */
function ledgerRecord(resource: { extension?: Extension[] }): Record<string, unknown> {
  const extension = resource.extension?.find((candidate) => candidate.url === LEDGER_RECORD);
  return Object.fromEntries(
    (extension?.extension ?? []).map((part) => [
      part.url,
      Object.entries(part).find(([key]) => key.startsWith('value'))?.[1],
    ]),
  );
}

const resourcesOf = <T extends Resource>(bundle: Bundle): T[] =>
  (bundle.entry ?? []).map((entry) => entry.resource as T);

/**
 * The FHIR R4 facade on the real stack: the consent and audit flows seen through FHIR, the
 * same refusals as the REST API for every role, and every resource it answers (errors too)
 * validated by HAPI FHIR's R4 validator, an independent implementation of the specification.
 */
describe('FHIR R4 facade', () => {
  let validator: FhirValidator;
  let adminA: SignedIn;
  let careDoctor: SignedIn;
  let grantedDoctor: SignedIn;
  let emergencyDoctor: SignedIn;
  let auditorA: SignedIn;
  let patient: SignedIn;
  let otherPatient: SignedIn;
  let labReport: UploadedReport;
  let noteReport: UploadedReport;
  let ownReport: UploadedReport;
  let otherPatientsReport: UploadedReport;
  const patientName = phiName();

  /** Every answer of the facade is FHIR JSON and valid R4, errors included. */
  async function fhir(caller: SignedIn | null, path: string, init: RequestInit = {}): Promise<ApiResponse> {
    const response = await callApi(`/fhir/R4${path}`, {
      ...init,
      headers: {
        Accept: 'application/fhir+json',
        ...(caller ? bearer(caller.accessToken) : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    expect(response.headers.get('content-type')).toMatch(FHIR_JSON);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await validator.expectValid(response.body);
    return response;
  }

  async function fhirOk<T>(caller: SignedIn | null, path: string): Promise<T> {
    const response = await fhir(caller, path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
    return response.body as T;
  }

  /** An error answer: its status, an OperationOutcome with an error issue, and MedLedger's stable code. */
  function expectOutcome(response: ApiResponse, status: number, code?: string): void {
    expect(response.status).toBe(status);
    const outcome = response.body as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error' });
    if (code) expect(outcome.issue[0].details?.coding?.[0].code).toBe(code);
    expect(outcome.issue[0].diagnostics).toBe(`requestId ${response.headers.get('x-request-id')}`);
  }

  /** Every entry of a search, following its `next` links, each page validated. */
  async function everyEntry<T extends Resource>(caller: SignedIn, path: string): Promise<T[]> {
    const found: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: Bundle = await fhirOk<Bundle>(caller, next);
      expect(page.type).toBe('searchset');
      found.push(...resourcesOf<T>(page));
      const link = page.link?.find((candidate) => candidate.relation === 'next')?.url;
      next = link === undefined ? undefined : link.slice(`${API_URL}/fhir/R4`.length);
    }
    return found;
  }

  const post = (caller: SignedIn, path: string, body: unknown) =>
    callApi(`/api/v1${path}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });

  async function upload(author: SignedIn, patientId: string, type: string, contentType = 'application/pdf') {
    const response = await uploadReport(author, { patientId, type }, { bytes: randomBytes(2_000), contentType });
    expect(response.status).toBe(201);
    return response.body as UploadedReport;
  }

  /** The patient's AuditEvents once the projection holds `count` of them. */
  async function auditEventsOnceProjected(count: number): Promise<AuditEvent[]> {
    await eventually(
      async () => {
        const response = await callApi(`/fhir/R4/AuditEvent?patient=${patient.id}&_count=100`, {
          headers: bearer(patient.accessToken),
        });
        return ((response.body as Bundle).entry?.length ?? 0) >= count;
      },
      30_000,
      `the projection of ${count} openings and refusals`,
    );
    return everyEntry<AuditEvent>(patient, `/AuditEvent?patient=${patient.id}&_count=2`);
  }

  beforeAll(async () => {
    validator = await startFhirValidator();
    const adminB = await bootstrapAdmin('hospital-b');
    adminA = await bootstrapAdmin('hospital-a');
    [careDoctor, auditorA, grantedDoctor, emergencyDoctor] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'auditor'),
      createStaff(adminB, 'doctor'),
      createStaff(adminB, 'doctor'),
    ]);
    [patient, otherPatient] = await Promise.all([
      registerPatient('hospital-a', patientName),
      registerPatient('hospital-a'),
    ]);
    for (const patientId of [patient.id, otherPatient.id]) {
      expect((await post(adminA, '/admin/care-assignments', { patientId, doctorId: careDoctor.id })).status).toBe(201);
    }
    labReport = await upload(careDoctor, patient.id, 'lab');
    noteReport = await upload(careDoctor, patient.id, 'note', 'text/plain');
    ownReport = await upload(patient, patient.id, 'bill');
    otherPatientsReport = await upload(careDoctor, otherPatient.id, 'lab');
    // The definitions MedLedger publishes, from the facade itself: the validator checks them, then every use of them.
    const statement = await fhirOk<CapabilityStatement>(null, '/metadata');
    expect(statement.rest?.[0].resource?.map((resource) => resource.type)).toContain('StructureDefinition');
    await validator.addDefinition(await fhirOk(null, '/StructureDefinition/ledger-record'));
  }, 300_000);

  afterAll(async () => {
    await validator?.stop();
  });

  it('describes itself in a CapabilityStatement that lists exactly what it supports', async () => {
    const statement = await fhirOk<CapabilityStatement>(null, '/metadata');

    expect(statement).toMatchObject({ fhirVersion: '4.0.1', format: ['json'], kind: 'instance' });
    const resources = Object.fromEntries(
      (statement.rest?.[0].resource ?? []).map((resource) => [resource.type, resource]),
    );
    expect(Object.keys(resources).sort()).toEqual(
      ['AuditEvent', 'Consent', 'DocumentReference', 'Patient', 'Practitioner', 'StructureDefinition'].sort(),
    );
    expect(resources.DocumentReference?.searchParam?.map((param) => param.name)).toEqual([
      'patient',
      'type',
      'date',
      '_count',
      '_cursor',
    ]);
    expect(resources.Patient?.operation).toEqual([
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
    ]);
  });

  it('answers a DocumentReference per upload, with its LOINC type, its author and the ledger proof of the REST upload', async () => {
    const documents = await everyEntry<DocumentReference>(patient, `/DocumentReference?patient=${patient.id}&_count=2`);

    expect(documents.map((document) => document.id).sort()).toEqual([labReport.id, noteReport.id, ownReport.id].sort());
    for (const uploaded of [labReport, noteReport, ownReport]) {
      const document = await fhirOk<DocumentReference>(patient, `/DocumentReference/${uploaded.id}`);
      const metadata = (await callApi(`/api/v1/reports/${uploaded.id}`, { headers: bearer(patient.accessToken) }))
        .body as { ledger: { txId: string; cid: string; sha256: string } };
      expect(ledgerRecord(document)).toMatchObject({
        transaction: uploaded.txId,
        cid: uploaded.cid,
        ciphertextSha256: metadata.ledger.sha256,
      });
      expect(metadata.ledger).toMatchObject({ txId: uploaded.txId, cid: uploaded.cid });
      expect(document.subject?.reference).toBe(`Patient/${patient.id}`);
      expect(document.content[0].attachment.url).toBe(`${API_URL}/api/v1/reports/${uploaded.id}/content`);
    }
    const lab = documents.find((document) => document.id === labReport.id)!;
    expect(lab.type?.coding?.[0]).toEqual({
      system: 'http://loinc.org',
      code: '11502-2',
      display: 'Laboratory report',
    });
    expect(lab.author).toEqual([{ reference: `Practitioner/${careDoctor.id}` }]);
    const own = documents.find((document) => document.id === ownReport.id)!;
    expect(own.author).toEqual([{ reference: `Patient/${patient.id}` }]);

    // The care doctor sees what the ledger lets them open, as over REST: their own writing, not the patient's bill.
    const doctorsView = await everyEntry<DocumentReference>(careDoctor, `/DocumentReference?patient=${patient.id}`);
    const restView = (
      await callApi(`/api/v1/reports?patientId=${patient.id}`, { headers: bearer(careDoctor.accessToken) })
    ).body as { items: Array<{ id: string }> };
    expect(doctorsView.map((document) => document.id).sort()).toEqual(restView.items.map((item) => item.id).sort());
    expect(doctorsView.map((document) => document.id).sort()).toEqual([labReport.id, noteReport.id].sort());
  });

  it('searches documents by type and recording date, and pages with Bundle links', async () => {
    const byLoinc = await fhirOk<Bundle>(
      patient,
      `/DocumentReference?patient=${patient.id}&type=http://loinc.org|11502-2`,
    );
    expect(resourcesOf(byLoinc).map((document) => document.id)).toEqual([labReport.id]);
    const byOwnCode = await fhirOk<Bundle>(patient, '/DocumentReference?type=note,bill');
    expect(
      resourcesOf(byOwnCode)
        .map((document) => document.id)
        .sort(),
    ).toEqual([noteReport.id, ownReport.id].sort());
    const today = new Date().toISOString().slice(0, 10);
    const recent = await fhirOk<Bundle>(patient, `/DocumentReference?date=ge${today}`);
    expect(recent.entry).toHaveLength(3);
    expect(recent.total).toBe(3);
    const old = await fhirOk<Bundle>(patient, '/DocumentReference?date=lt2000');
    expect(old.entry).toBeUndefined();
    expect(old.total).toBe(0);

    const first = await fhirOk<Bundle>(patient, `/DocumentReference?patient=${patient.id}&_count=2`);
    expect(first.entry).toHaveLength(2);
    expect(first.total).toBeUndefined();
    const next = first.link?.find((link) => link.relation === 'next')?.url;
    expect(next).toMatch(new RegExp(`^${API_URL}/fhir/R4/DocumentReference\\?patient=${patient.id}&_count=2&_cursor=`));
  });

  it('shows a grant as an active Consent that turns inactive on revocation, and audits the opening and the refusal', async () => {
    const granted = await post(patient, '/grants', {
      doctorId: grantedDoctor.id,
      reportIds: [labReport.id],
      durationDays: 1,
    });
    expect(granted.status).toBe(201);
    const grantId = (granted.body as { id: string }).id;

    const consent = await fhirOk<Consent>(patient, `/Consent/${grantId}`);
    expect(consent).toMatchObject({
      status: 'active',
      patient: { reference: `Patient/${patient.id}` },
      provision: {
        type: 'permit',
        actor: [{ reference: { reference: `Practitioner/${grantedDoctor.id}` } }],
        data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${labReport.id}` } }],
      },
    });
    const held = await fhirOk<Bundle>(grantedDoctor, `/Consent?status=active&actor=Practitioner/${grantedDoctor.id}`);
    expect(resourcesOf(held).map((resource) => resource.id)).toContain(grantId);

    const opened = await openReport(grantedDoctor, labReport.id);
    expect(opened.status).toBe(200);
    const receipt = opened.headers.get('x-access-receipt-tx-id')!;
    expect(
      (await callApi(`/api/v1/grants/${grantId}`, { method: 'DELETE', headers: bearer(patient.accessToken) })).status,
    ).toBe(200);
    expect((await openReport(grantedDoctor, labReport.id)).status).toBe(403);

    const revoked = await fhirOk<Consent>(patient, `/Consent/${grantId}`);
    expect(revoked.status).toBe('inactive');
    const inactive = await fhirOk<Bundle>(patient, `/Consent?patient=${patient.id}&status=inactive`);
    expect(resourcesOf(inactive).map((resource) => resource.id)).toContain(grantId);
    const active = await fhirOk<Bundle>(patient, '/Consent?status=active');
    expect(resourcesOf(active).map((resource) => resource.id)).not.toContain(grantId);

    const events = await auditEventsOnceProjected(2);
    const byDoctor = events.filter((event) => event.agent[0].who?.reference === `Practitioner/${grantedDoctor.id}`);
    expect(byDoctor.map((event) => event.outcome).sort()).toEqual(['0', '4']);
    const read = byDoctor.find((event) => event.outcome === '0')!;
    expect(read).toMatchObject({ id: receipt, action: 'R', type: { code: '110110' } });
    expect(read.entity?.map((entity) => entity.what?.reference)).toEqual([
      `Patient/${patient.id}`,
      `DocumentReference/${labReport.id}`,
      `Consent/${grantId}`,
    ]);
    expect(ledgerRecord(read)).toMatchObject({ transaction: receipt });
    expect(byDoctor.find((event) => event.outcome === '4')?.outcomeDesc).toContain('GRANT_REVOKED');
    expect((await fhirOk<AuditEvent>(patient, `/AuditEvent/${receipt}`)).id).toBe(receipt);

    // The auditors of the patient's hospital see the same, narrowed by agent, entity and date.
    const audited = await fhirOk<Bundle>(
      auditorA,
      `/AuditEvent?agent=Practitioner/${grantedDoctor.id}&entity=DocumentReference/${labReport.id}&date=ge2020-01-01`,
    );
    expect(resourcesOf(audited).map((event) => event.id)).toContain(receipt);
    expect(resourcesOf(audited)).toHaveLength(2);
  });

  it('marks break-glass access: an emergency Consent and an ETREAT AuditEvent', async () => {
    const declared = await post(emergencyDoctor, '/emergency-access', {
      patientId: patient.id,
      justification: 'Unconscious on arrival at the emergency department, no history',
    });
    expect(declared.status).toBe(201);
    const grantId = (declared.body as { id: string }).id;
    expect((await openReport(emergencyDoctor, noteReport.id)).status).toBe(200);

    const consent = await fhirOk<Consent>(emergencyDoctor, `/Consent/${grantId}`);
    expect(consent.policyRule?.coding?.[0].code).toBe('EMRGONLY');
    expect(consent.provision?.purpose?.[0].code).toBe('ETREAT');
    const events = await auditEventsOnceProjected(3);
    const breakGlass = events.find((event) => event.agent[0].who?.reference === `Practitioner/${emergencyDoctor.id}`);
    expect(breakGlass?.purposeOfEvent?.[0].coding?.[0].code).toBe('ETREAT');
  });

  it('exports everything of the patient to the patient, and the auditors’ part to an auditor', async () => {
    const everything = await fhirOk<Bundle>(patient, `/Patient/${patient.id}/$everything`);
    const byType = (type: string) =>
      (everything.entry ?? [])
        .filter((entry) => entry.resource?.resourceType === type)
        .map((entry) => entry.resource!.id);

    expect(byType('Patient')).toEqual([patient.id]);
    expect(byType('DocumentReference').sort()).toEqual([labReport.id, noteReport.id, ownReport.id].sort());
    expect(byType('Consent')).toHaveLength(2);
    expect(byType('AuditEvent').length).toBeGreaterThanOrEqual(3);
    expect(byType('Practitioner').sort()).toEqual([careDoctor.id, emergencyDoctor.id, grantedDoctor.id].sort());
    expect((everything.entry![0].resource as Patient).name?.[0].text).toBe(patientName);

    const auditorsPart = await fhirOk<Bundle>(auditorA, `/Patient/${patient.id}/$everything`);
    const types = new Set((auditorsPart.entry ?? []).map((entry) => entry.resource?.resourceType));
    expect([...types].sort()).toEqual(['AuditEvent', 'Practitioner']);
    expectOutcome(await fhir(auditorA, `/Patient/${randomUUID()}/$everything`), 404);
  });

  it('finds patients for their doctor by name, date of birth and identifier', async () => {
    const word = patientName.split(' ')[1]!;
    const byName = await fhirOk<Bundle>(careDoctor, `/Patient?name=${encodeURIComponent(word.slice(0, 5))}`);
    expect(resourcesOf(byName).map((resource) => resource.id)).toContain(patient.id);
    const byNameAndBirth = await fhirOk<Bundle>(
      careDoctor,
      `/Patient?name:contains=${encodeURIComponent(word.slice(2, 7))}&birthdate=1984-03-21`,
    );
    expect(resourcesOf(byNameAndBirth).map((resource) => resource.id)).toContain(patient.id);
    const byIdentifier = await fhirOk<Bundle>(
      careDoctor,
      `/Patient?identifier=${encodeURIComponent(`https://fhir.medledger.example/sid/patient-id|${patient.id}`)}`,
    );
    expect(resourcesOf<Patient>(byIdentifier)).toEqual([
      expect.objectContaining({ id: patient.id, birthDate: '1984-03-21', name: [{ text: patientName }] }),
    ]);
    const wrongBirth = await fhirOk<Bundle>(careDoctor, `/Patient?_id=${patient.id}&birthdate=1999-01-01`);
    expect(wrongBirth.entry).toBeUndefined();
  });

  describe('refuses what the REST API refuses, role by role', () => {
    /** The FHIR answer and the REST answer to the same question: the same status. */
    async function sameRefusal(caller: SignedIn | null, fhirPath: string, restPath: string, status: number) {
      const viaFhir = await fhir(caller, fhirPath);
      const viaRest = await callApi(`/api/v1${restPath}`, { headers: caller ? bearer(caller.accessToken) : {} });
      expect([fhirPath, viaRest.status]).toEqual([fhirPath, status]);
      expectOutcome(viaFhir, status);
    }

    it('a patient: another patient’s record, documents and audit events; no patient search', async () => {
      await sameRefusal(patient, `/Patient/${otherPatient.id}`, `/patients/${otherPatient.id}`, 404);
      await sameRefusal(
        patient,
        `/DocumentReference/${otherPatientsReport.id}`,
        `/reports/${otherPatientsReport.id}`,
        404,
      );
      await sameRefusal(
        patient,
        `/DocumentReference?patient=${otherPatient.id}`,
        `/reports?patientId=${otherPatient.id}`,
        404,
      );
      await sameRefusal(
        patient,
        `/AuditEvent?patient=${otherPatient.id}`,
        `/audit/patients/${otherPatient.id}/events`,
        403,
      );
      await sameRefusal(patient, '/Patient?name=ada', '/patients?query=ada', 403);
      expectOutcome(await fhir(patient, `/Patient/${otherPatient.id}/$everything`), 404);
    });

    it('a doctor: patients and documents outside their care and grants; no audit trail, no export', async () => {
      const stranger = await registerPatient('hospital-b');
      await sameRefusal(grantedDoctor, `/Patient/${stranger.id}`, `/patients/${stranger.id}`, 404);
      await sameRefusal(grantedDoctor, `/DocumentReference/${labReport.id}`, `/reports/${labReport.id}`, 404);
      await sameRefusal(
        grantedDoctor,
        `/AuditEvent?patient=${patient.id}`,
        `/audit/accesses?patientId=${patient.id}`,
        403,
      );
      await sameRefusal(
        grantedDoctor,
        `/Patient/${patient.id}/$everything`,
        `/audit/patients/${patient.id}/events`,
        403,
      );
    });

    it('an auditor: no documents, consents or demographics', async () => {
      await sameRefusal(auditorA, `/DocumentReference?patient=${patient.id}`, `/reports?patientId=${patient.id}`, 403);
      await sameRefusal(auditorA, '/Consent', '/grants', 403);
      await sameRefusal(auditorA, `/Patient/${patient.id}`, `/patients/${patient.id}`, 403);
      await sameRefusal(auditorA, `/Patient?name=ada`, '/patients?query=ada', 403);
    });

    it('an admin: no records, consents, audit events or patients; doctors only', async () => {
      await sameRefusal(adminA, `/DocumentReference/${labReport.id}`, `/reports/${labReport.id}`, 403);
      await sameRefusal(adminA, '/Consent', '/grants', 403);
      await sameRefusal(adminA, '/AuditEvent', '/audit/accesses', 403);
      await sameRefusal(adminA, `/Patient/${patient.id}`, `/patients/${patient.id}`, 403);
      expect((await fhir(adminA, `/Practitioner/${careDoctor.id}`)).status).toBe(200);
      expectOutcome(await fhir(adminA, `/Practitioner/${patient.id}`), 404);
    });

    it('anyone without a valid token', async () => {
      await sameRefusal(null, `/DocumentReference?patient=${patient.id}`, `/reports?patientId=${patient.id}`, 401);
      expectOutcome(await fhir(null, `/Practitioner/${careDoctor.id}`), 401, 'UNAUTHENTICATED');
    });
  });

  it('refuses unsupported searches, formats, types and methods as OperationOutcomes', async () => {
    expectOutcome(await fhir(patient, '/DocumentReference?subject=x'), 400, 'UNSUPPORTED_SEARCH');
    expectOutcome(await fhir(patient, '/DocumentReference?date=sa2020'), 400, 'UNSUPPORTED_SEARCH');
    expectOutcome(await fhir(patient, '/AuditEvent?_sort=-date'), 400, 'UNSUPPORTED_SEARCH');
    expectOutcome(await fhir(patient, '/Consent?_count=500'), 400, 'INVALID_INPUT');
    expectOutcome(await fhir(patient, '/Consent?status=unknown'), 400, 'INVALID_INPUT');
    expectOutcome(await fhir(patient, '/DocumentReference?date=2026-02-30'), 400, 'INVALID_INPUT');
    expectOutcome(await fhir(patient, '/DocumentReference?_cursor=AAAA'), 400);
    expectOutcome(await fhir(patient, '/Consent?_format=xml'), 406, 'NOT_ACCEPTABLE');
    expectOutcome(await fhir(patient, '/Consent', { headers: { Accept: 'application/fhir+xml' } }), 406);
    expectOutcome(await fhir(patient, '/Observation?patient=x'), 404, 'NOT_FOUND');
    expectOutcome(await fhir(patient, '/DocumentReference/not-an-id'), 404);
    expectOutcome(await fhir(null, '/StructureDefinition/unknown'), 404);
    const posted = await fhir(patient, '/Patient', { method: 'POST', body: '{}' });
    expectOutcome(posted, 405, 'METHOD_NOT_ALLOWED');
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });
});
