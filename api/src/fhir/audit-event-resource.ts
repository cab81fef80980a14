import type { AuditEvent, AuditEventEntity, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import type { AccessEntry } from '../audit/audit-entries.js';
import { PURPOSE_OF_USE_CODES, type PurposeOfUse } from '../ledger/purpose-of-use.js';
import type { FhirLinks } from './fhir-links.js';
import {
  AUDIT_ENTITY_TYPE,
  DICOM,
  OBJECT_ROLE,
  PARTICIPATION_TYPE,
  purposeOfUseCoding,
  RESTFUL_INTERACTION,
  SECURITY_SOURCE_TYPE,
  USER_ID_SYSTEM,
} from './fhir-vocabulary.js';
import { ledgerRecordExtension } from './ledger-record-extension.js';

const isPurposeOfUse = (code: string | null): code is PurposeOfUse =>
  code !== null && (PURPOSE_OF_USE_CODES as readonly string[]).includes(code);

/** Who opened the record: a Patient or a Practitioner resource, other staff by identifier. */
function readerReference(entry: AccessEntry): Reference<Patient | Practitioner> {
  const { actor } = entry;
  const display = actor.fullName ? { display: actor.fullName } : {};
  if (actor.role === 'patient') return { reference: `Patient/${actor.id}` };
  if (actor.role === 'doctor') return { reference: `Practitioner/${actor.id}`, ...display };
  return { identifier: { system: USER_ID_SYSTEM, value: actor.id }, ...display };
}

/**
 * An opening of a report, or a refused attempt, as the ledger recorded it, shaped after IHE
 * Basic Audit Log Patterns' "patient read": a DICOM Patient Record event of a RESTful read,
 * the reader as the requesting agent with the purpose of use (ETREAT for break-glass), the
 * ledger as the custodian and source, the patient and the document as entities, and which
 * grant let the reader in. The `ledger-record` extension names the transaction, which is the
 * AuditEvent's id too.
 */
export function auditEventResource(entry: AccessEntry, links: FhirLinks): AuditEvent {
  const purpose = isPurposeOfUse(entry.purposeOfUse) ? [{ coding: [purposeOfUseCoding(entry.purposeOfUse)] }] : [];
  const at = entry.at.toISOString();
  const entities: AuditEventEntity[] = [
    {
      what: { reference: `Patient/${entry.patientId}` },
      type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    },
    {
      what: { reference: `DocumentReference/${entry.reportId}` },
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '3', display: 'Report' },
      detail: [
        ...(entry.basis ? [{ type: 'basis', valueString: entry.basis }] : []),
        ...(entry.granteeKind ? [{ type: 'grantee-kind', valueString: entry.granteeKind }] : []),
      ],
    },
  ];
  if (entry.grantId !== null) {
    entities.push({
      what: { reference: `Consent/${entry.grantId}` },
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '13', display: 'Security Resource' },
    });
  }
  for (const entity of entities) if (entity.detail?.length === 0) delete entity.detail;
  return {
    resourceType: 'AuditEvent',
    id: entry.txId,
    extension: [ledgerRecordExtension({ txId: entry.txId, blockNumber: entry.blockNumber, recordedAt: at })],
    type: { system: DICOM, code: '110110', display: 'Patient Record' },
    subtype: [{ system: RESTFUL_INTERACTION, code: 'read', display: 'read' }],
    action: 'R',
    recorded: at,
    outcome: entry.outcome === 'granted' ? '0' : '4',
    ...(entry.refusalCode ? { outcomeDesc: `Refused by the ledger: ${entry.refusalCode}` } : {}),
    purposeOfEvent: purpose,
    agent: [
      {
        type: { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }] },
        who: readerReference(entry),
        requestor: true,
        ...(purpose.length > 0 ? { purposeOfUse: purpose } : {}),
      },
      {
        type: { coding: [{ system: PARTICIPATION_TYPE, code: 'CST', display: 'custodian' }] },
        who: { display: 'MedLedger', identifier: { system: 'urn:ietf:rfc:3986', value: links.fhirBase } },
        requestor: false,
      },
    ],
    source: {
      observer: { display: 'MedLedger ledger', identifier: { system: 'urn:ietf:rfc:3986', value: links.fhirBase } },
      type: [{ system: SECURITY_SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    entity: entities,
  };
}
