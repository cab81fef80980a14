/**
 * Why a doctor reads a patient's records: HL7 v3 PurposeOfUse codes (the value set FHIR's
 * Consent and AuditEvent use too). The ledger records the purpose with each request and
 * grant, and every access receipt carries the purpose of the grant it used. `ETREAT` is the
 * purpose of emergency (break-glass) access and of nothing else.
 */
export const PURPOSES_OF_USE = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  CAREMGT: 'care management',
  PATRQT: "at the patient's request",
  HRESCH: 'healthcare research',
} as const;

export type PurposeOfUse = keyof typeof PURPOSES_OF_USE;

export const PURPOSE_OF_USE_CODES = Object.keys(PURPOSES_OF_USE) as PurposeOfUse[];

/** The purposes a request or a consent grant may name: every one but the emergency's own. */
export const CONSENT_PURPOSES = PURPOSE_OF_USE_CODES.filter((code) => code !== 'ETREAT');

export const DEFAULT_PURPOSE: PurposeOfUse = 'TREAT';
export const EMERGENCY_PURPOSE: PurposeOfUse = 'ETREAT';
