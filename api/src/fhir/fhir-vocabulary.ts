import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../ledger/purpose-of-use.js';
import { REPORT_TYPES } from '../reports/report-kinds.js';

/**
 * The FHIR facade's vocabulary in one place: the canonical base of what MedLedger defines
 * (its extensions, its identifier systems, its report-type codes), the standard code systems
 * it uses, and the LOINC document code of each report type.
 *
 * Canonical URLs name definitions; they are not where a deployment answers. Each definition
 * is also served by the API itself at `/fhir/R4/StructureDefinition/{id}`.
 */
export const MEDLEDGER_CANONICAL = 'https://fhir.medledger.example';

/** Identifier systems: a user's id (patients and staff), and a report's. */
export const PATIENT_ID_SYSTEM = `${MEDLEDGER_CANONICAL}/sid/patient-id`;
export const USER_ID_SYSTEM = `${MEDLEDGER_CANONICAL}/sid/user-id`;
export const HOSPITAL_SYSTEM = `${MEDLEDGER_CANONICAL}/sid/hospital`;
/** MedLedger's own report types (`lab`, `prescription`…), as the REST API names them. */
export const REPORT_TYPE_SYSTEM = `${MEDLEDGER_CANONICAL}/CodeSystem/report-type`;

export const LOINC = 'http://loinc.org';
export const URI_SYSTEM = 'urn:ietf:rfc:3986';
export const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const AUDIT_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const SECURITY_SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';

type ReportType = (typeof REPORT_TYPES)[number];

/**
 * Each report type's LOINC document code (scale "Doc"), the code FHIR's DocumentReference
 * type binding takes, and its MedLedger display.
 */
export const REPORT_TYPE_CODES: Record<ReportType, { loinc: string; loincDisplay: string; display: string }> = {
  report: { loinc: '34133-9', loincDisplay: 'Summary of episode note', display: 'Case report' },
  prescription: { loinc: '57833-6', loincDisplay: 'Prescription for medication', display: 'Prescription' },
  bill: { loinc: '53242-4', loincDisplay: 'Charge ticket or encounter form', display: 'Bill' },
  lab: { loinc: '11502-2', loincDisplay: 'Laboratory report', display: 'Lab result' },
  imaging: { loinc: '18748-4', loincDisplay: 'Diagnostic imaging study', display: 'Imaging' },
  note: { loinc: '34109-9', loincDisplay: 'Note', display: 'Note' },
};

const isReportType = (type: string): type is ReportType => (REPORT_TYPES as readonly string[]).includes(type);

/** A report type as a DocumentReference's `type`: its LOINC code and MedLedger's own. */
export function reportTypeConcept(type: string): CodeableConcept {
  if (!isReportType(type)) return { text: type };
  const codes = REPORT_TYPE_CODES[type];
  return {
    coding: [
      { system: LOINC, code: codes.loinc, display: codes.loincDisplay },
      { system: REPORT_TYPE_SYSTEM, code: type, display: codes.display },
    ],
    text: codes.display,
  };
}

/**
 * The report types a `type` token names: `system|code` with LOINC's or MedLedger's system, or
 * a bare code of either; none for a code neither knows.
 */
export function reportTypesOfToken(system: string | undefined, code: string): ReportType[] {
  return REPORT_TYPES.filter((type) => {
    const codes = REPORT_TYPE_CODES[type];
    const byLoinc = (system === undefined || system === LOINC) && codes.loinc === code;
    const byOwn = (system === undefined || system === REPORT_TYPE_SYSTEM) && type === code;
    return byLoinc || byOwn;
  });
}

/** A purpose of use as HL7 v3 ActReason coding. */
export function purposeOfUseCoding(purpose: PurposeOfUse): Coding {
  return { system: ACT_REASON, code: purpose, display: PURPOSES_OF_USE[purpose] };
}
