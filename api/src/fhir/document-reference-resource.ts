import type { DocumentReference, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import type { ReportView } from '../reports/reports-query.service.js';
import type { FhirLinks } from './fhir-links.js';
import { reportTypeConcept, URI_SYSTEM } from './fhir-vocabulary.js';
import { ledgerRecordExtension } from './ledger-record-extension.js';

/**
 * A report as a DocumentReference: its type coded (LOINC and MedLedger's own), its patient,
 * its author (a Practitioner for a clinician's record, the Patient for one they added
 * themselves), the attachment pointing at the REST content route (every opening of which is
 * a ledger transaction), and the ledger proof in the `ledger-record` extension.
 */
export function documentReferenceResource(view: ReportView, links: FhirLinks): DocumentReference {
  const { record } = view;
  const author: Reference<Patient | Practitioner> =
    record.authorRole === 'patient'
      ? { reference: `Patient/${record.authorId}` }
      : { reference: `Practitioner/${record.authorId}` };
  return {
    resourceType: 'DocumentReference',
    id: record.reportId,
    extension: [
      ledgerRecordExtension({
        txId: record.txId,
        blockNumber: view.blockNumber,
        recordedAt: record.recordedAt,
        cid: record.cid,
        ciphertextSha256: record.ciphertextSha256,
      }),
    ],
    identifier: [{ system: URI_SYSTEM, value: `urn:uuid:${record.reportId}` }],
    status: 'current',
    type: reportTypeConcept(record.type),
    subject: { reference: `Patient/${record.patientId}` },
    date: record.recordedAt,
    author: [author],
    ...(view.title ? { description: view.title } : {}),
    content: [
      {
        attachment: {
          ...(view.contentType ? { contentType: view.contentType } : {}),
          url: `${links.apiBase}/reports/${record.reportId}/content`,
          ...(view.plaintextSize !== null ? { size: view.plaintextSize } : {}),
          ...(view.title ? { title: view.title } : {}),
          creation: record.recordedAt,
        },
      },
    ],
  };
}
