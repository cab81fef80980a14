import { describe, expect, it } from '@jest/globals';
import { getExtension } from '@medplum/core';
import { viewOfGrant } from '../access/grants.service.js';
import {
  DOCTOR,
  emergencyGrantRecord,
  grantRecord,
  hospitalDirectory,
  NAMED_DOCTOR,
  organisationGrantRecord,
  PATIENT,
} from '../access/testing/consent-fixtures.js';
import type { AccessEntry } from '../audit/audit-entries.js';
import type { ReportView } from '../reports/reports-query.service.js';
import { auditEventResource } from './audit-event-resource.js';
import { capabilityStatement } from './capability-statement.js';
import { consentResource } from './consent-resource.js';
import { documentReferenceResource } from './document-reference-resource.js';
import { fhirLinksOf } from './fhir-links.js';
import { FHIR_SEARCHES } from './fhir-search.js';
import { LEDGER_RECORD_URL } from './ledger-record-extension.js';

const LINKS = fhirLinksOf('https://ehr.example/');
const TX = 'ab'.repeat(32);
const REPORT_ID = '7e57ab1e-0000-4000-8000-000000000001';

const reportView = (overrides: Partial<ReportView['record']> = {}): ReportView => ({
  record: {
    reportId: REPORT_ID,
    patientId: PATIENT.id,
    type: 'lab',
    cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    ciphertextSha256: 'cd'.repeat(32),
    plaintextCommitment: 'ef'.repeat(32),
    size: 2048,
    encryptionScheme: 'aes-256-gcm-chunked',
    authorId: DOCTOR.id,
    authorRole: 'doctor',
    recordedAt: '2026-12-02T10:00:00.000Z',
    txId: TX,
    ...overrides,
  },
  title: 'Full blood count',
  plaintextSha256: '01'.repeat(32),
  plaintextSize: 1900,
  contentType: 'application/pdf',
  blockNumber: '42',
});

const grantView = (record = grantRecord()) =>
  viewOfGrant(record, hospitalDirectory(), new Map([[DOCTOR.id, NAMED_DOCTOR]]));

describe('DocumentReference', () => {
  it('codes the type in LOINC and MedLedger’s own, points at the content route and carries the ledger proof', () => {
    const document = documentReferenceResource(reportView(), LINKS);

    expect(document.type?.coding).toEqual([
      { system: 'http://loinc.org', code: '11502-2', display: 'Laboratory report' },
      expect.objectContaining({ code: 'lab' }),
    ]);
    expect(document.subject).toEqual({ reference: `Patient/${PATIENT.id}` });
    expect(document.author).toEqual([{ reference: `Practitioner/${DOCTOR.id}` }]);
    expect(document.content[0].attachment).toMatchObject({
      url: `https://ehr.example/api/v1/reports/${REPORT_ID}/content`,
      contentType: 'application/pdf',
      size: 1900,
    });
    expect(getExtension(document, LEDGER_RECORD_URL)?.extension).toEqual([
      { url: 'transaction', valueString: TX },
      { url: 'block', valueUnsignedInt: 42 },
      { url: 'recorded', valueInstant: '2026-12-02T10:00:00.000Z' },
      { url: 'cid', valueString: reportView().record.cid },
      { url: 'ciphertextSha256', valueString: 'cd'.repeat(32) },
    ]);
  });

  it('names the patient as the author of a record they added themselves, never a practitioner', () => {
    const document = documentReferenceResource(reportView({ authorId: PATIENT.id, authorRole: 'patient' }), LINKS);

    expect(document.author).toEqual([{ reference: `Patient/${PATIENT.id}` }]);
  });

  it('leaves out what an erased report no longer has, and the block this node does not know', () => {
    const view = { ...reportView(), title: null, contentType: null, plaintextSize: null, blockNumber: null };
    const document = documentReferenceResource(view, LINKS);

    expect(document.description).toBeUndefined();
    expect(document.content[0].attachment).toEqual({
      url: `https://ehr.example/api/v1/reports/${REPORT_ID}/content`,
      creation: '2026-12-02T10:00:00.000Z',
    });
    expect(getExtension(document, LEDGER_RECORD_URL, 'block')).toBeUndefined();
  });
});

describe('Consent', () => {
  it('is an active patient-privacy opt-in with a permit provision for the doctor, its period and purpose', () => {
    const consent = consentResource(grantView(grantRecord({ reportIds: [REPORT_ID] })));

    expect(consent).toMatchObject({
      status: 'active',
      scope: { coding: [{ code: 'patient-privacy' }] },
      patient: { reference: `Patient/${PATIENT.id}` },
      performer: [{ reference: `Patient/${PATIENT.id}` }],
      policyRule: { coding: [{ code: 'OPTIN' }] },
      provision: {
        type: 'permit',
        period: { start: '2026-11-21T10:00:00.000Z', end: '2026-11-28T10:00:00.000Z' },
        actor: [{ reference: { reference: `Practitioner/${DOCTOR.id}`, display: 'Grace Hopper' } }],
        purpose: [{ code: 'TREAT' }],
        data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${REPORT_ID}` } }],
      },
    });
  });

  it('turns inactive when revoked, its period ending at the revocation', () => {
    const consent = consentResource(
      grantView(grantRecord({ status: 'revoked', revokedAt: '2026-11-22T08:00:00.000Z' })),
    );

    expect(consent.status).toBe('inactive');
    expect(consent.provision?.period?.end).toBe('2026-11-22T08:00:00.000Z');
  });

  it('turns inactive once expired at ledger time, and covers every document when it names none', () => {
    const consent = consentResource(grantView(grantRecord({ effectiveStatus: 'expired' })));

    expect(consent.status).toBe('inactive');
    expect(consent.provision?.data).toBeUndefined();
  });

  it('marks an emergency grant as the doctor’s break-glass declaration: EMRGONLY, ETREAT, the doctor as performer', () => {
    const consent = consentResource(grantView(emergencyGrantRecord()));

    expect(consent.policyRule?.coding).toEqual([expect.objectContaining({ code: 'EMRGONLY' })]);
    expect(consent.provision?.purpose).toEqual([expect.objectContaining({ code: 'ETREAT' })]);
    expect(consent.performer).toEqual([{ reference: `Practitioner/${DOCTOR.id}` }]);
  });

  it.each([
    ['hospital', 'Organization'],
    ['care-team', 'CareTeam'],
  ] as const)('names a %s grantee as a logical %s reference', (kind, type) => {
    const consent = consentResource(grantView(organisationGrantRecord(kind)));

    expect(consent.provision?.actor?.[0].reference).toMatchObject({ type, identifier: { value: 'hospital-b' } });
  });
});

describe('AuditEvent', () => {
  const entry = (overrides: Partial<AccessEntry> = {}): AccessEntry => ({
    txId: TX,
    blockNumber: 7,
    at: new Date('2026-12-02T11:00:00.000Z'),
    outcome: 'granted',
    refusalCode: null,
    reportId: REPORT_ID,
    patientId: PATIENT.id,
    reportType: 'lab',
    actor: { id: DOCTOR.id, role: 'doctor', hospital: 'hospital-b', fullName: 'Grace Hopper' },
    basis: 'grant',
    grantId: grantRecord().grantId,
    granteeKind: 'doctor',
    purposeOfUse: 'TREAT',
    ...overrides,
  });

  it('is a patient-record read by the doctor, naming the patient, the document, the grant and the transaction', () => {
    const event = auditEventResource(entry(), LINKS);

    expect(event).toMatchObject({
      id: TX,
      type: { code: '110110' },
      subtype: [{ code: 'read' }],
      action: 'R',
      outcome: '0',
      recorded: '2026-12-02T11:00:00.000Z',
    });
    expect(event.agent[0]).toMatchObject({
      who: { reference: `Practitioner/${DOCTOR.id}`, display: 'Grace Hopper' },
      requestor: true,
      purposeOfUse: [{ coding: [{ code: 'TREAT' }] }],
    });
    expect(event.entity?.map((entity) => entity.what?.reference)).toEqual([
      `Patient/${PATIENT.id}`,
      `DocumentReference/${REPORT_ID}`,
      `Consent/${grantRecord().grantId}`,
    ]);
    expect(getExtension(event, LEDGER_RECORD_URL, 'transaction')?.valueString).toBe(TX);
  });

  it('records a refusal as a failed read with the ledger’s code', () => {
    const event = auditEventResource(
      entry({ outcome: 'refused', refusalCode: 'GRANT_REVOKED', basis: null, granteeKind: null, purposeOfUse: null }),
      LINKS,
    );

    expect(event.outcome).toBe('4');
    expect(event.outcomeDesc).toContain('GRANT_REVOKED');
    expect(event.purposeOfEvent).toEqual([]);
  });

  it('carries ETREAT as the purpose of a break-glass opening', () => {
    const event = auditEventResource(entry({ basis: 'emergency', purposeOfUse: 'ETREAT' }), LINKS);

    expect(event.purposeOfEvent).toEqual([{ coding: [expect.objectContaining({ code: 'ETREAT' })] }]);
  });
});

describe('CapabilityStatement', () => {
  it('lists exactly the searches the facade answers', () => {
    const statement = capabilityStatement(LINKS);
    const resources = statement.rest?.[0].resource ?? [];

    for (const [type, parameters] of Object.entries(FHIR_SEARCHES)) {
      const listed = resources.find((resource) => resource.type === type)?.searchParam?.map((param) => param.name);
      expect(listed).toEqual([...Object.keys(parameters), '_count', '_cursor']);
    }
    expect(resources.find((resource) => resource.type === 'Practitioner')?.interaction).toEqual([{ code: 'read' }]);
  });
});
