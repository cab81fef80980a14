import type { CareTeam, Consent, Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import type { GrantView } from '../access/access-views.js';
import {
  ACT_CODE,
  CONSENT_SCOPE,
  LOINC,
  MEDLEDGER_CANONICAL,
  PARTICIPATION_TYPE,
  purposeOfUseCoding,
} from './fhir-vocabulary.js';
import { hospitalReference } from './people-resources.js';
import { ledgerRecordExtension } from './ledger-record-extension.js';

/** Identifier system of a patient's care team at a hospital (the value is the hospital). */
export const CARE_TEAM_SYSTEM = `${MEDLEDGER_CANONICAL}/sid/care-team`;

/**
 * Who a grant lets in, as the consent's actor: the doctor (a Practitioner), every doctor of a
 * hospital (the Organization, by identifier) or the patient's care team there (a CareTeam, by
 * identifier): the chaincode decides at each opening who is covered.
 */
function granteeReference(view: GrantView): Reference<Practitioner | Organization | CareTeam> {
  const { grantee } = view;
  if (grantee.kind === 'doctor') {
    return { reference: `Practitioner/${grantee.id}`, ...(view.doctor ? { display: view.doctor.fullName } : {}) };
  }
  if (grantee.kind === 'hospital')
    return { ...hospitalReference(grantee.id, 'Organization'), display: `All doctors of ${grantee.id}` };
  return {
    type: 'CareTeam',
    identifier: { system: CARE_TEAM_SYSTEM, value: grantee.id },
    display: `The patient’s care team at ${grantee.id}`,
  };
}

/**
 * A grant as a Consent: a patient-privacy consent with one permit provision for its grantee,
 * its period (ended early at revocation), its purpose of use and the documents it covers (all
 * of the patient's, later ones too, when it names none). The status is the ledger's at the
 * time of the query: active, or inactive once revoked or expired. An emergency (break-glass)
 * grant is the doctor's declaration, not the patient's consent: its policy is `EMRGONLY`, its
 * purpose `ETREAT`, and the doctor is its performer.
 */
export function consentResource(view: GrantView): Consent {
  const { record } = view;
  const emergency = record.kind === 'emergency';
  const end = record.revokedAt !== null && record.revokedAt < record.expiresAt ? record.revokedAt : record.expiresAt;
  return {
    resourceType: 'Consent',
    id: record.grantId,
    extension: [
      ledgerRecordExtension({ txId: view.txId, blockNumber: view.blockNumber, recordedAt: record.validFrom }),
    ],
    status: view.status === 'active' ? 'active' : 'inactive',
    scope: { coding: [{ system: CONSENT_SCOPE, code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${record.patientId}` },
    dateTime: record.validFrom,
    performer: [
      emergency && record.doctorId !== null
        ? { reference: `Practitioner/${record.doctorId}` }
        : { reference: `Patient/${record.patientId}` },
    ],
    policyRule: {
      coding: [
        emergency
          ? { system: ACT_CODE, code: 'EMRGONLY', display: 'emergency only' }
          : { system: ACT_CODE, code: 'OPTIN', display: 'opt-in' },
      ],
      text: emergency ? 'Emergency (break-glass) access declared by the doctor' : 'Granted by the patient',
    },
    provision: {
      type: 'permit',
      period: { start: record.validFrom, end },
      actor: [
        {
          role: { coding: [{ system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }] },
          reference: granteeReference(view),
        },
      ],
      action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
      purpose: [purposeOfUseCoding(record.purposeOfUse)],
      ...(record.reportIds === null
        ? {}
        : {
            data: record.reportIds.map((reportId) => ({
              meaning: 'instance' as const,
              reference: { reference: `DocumentReference/${reportId}` },
            })),
          }),
    },
  };
}
