import { invalidArgument } from '../errors';
import { requireOneOf } from '../validation';

/**
 * Why a doctor holds a grant or a reader opens a report: the HL7 v3 PurposeOfUse codes
 * (code system ActReason, 2.16.840.1.113883.5.8) that MedLedger uses. This list is their
 * single home; the ledger stores the code only.
 * - `TREAT` (treatment): to provide health care to the patient.
 * - `ETREAT` (emergency treatment): to provide health care immediately needed for an
 *   emergent condition. The purpose of emergency (break-glass) grants, and only of them.
 * - `CAREMGT` (care management): to administer and coordinate the patient's care, such as
 *   referrals and follow-up, rather than to treat.
 * - `PATRQT` (patient requested): at the patient's own request; the purpose of a
 *   patient opening their own reports.
 * - `HRESCH` (healthcare research): for a scientific investigation that the patient agreed to.
 */
export const PURPOSES_OF_USE = ['TREAT', 'ETREAT', 'CAREMGT', 'PATRQT', 'HRESCH'] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

/** The purpose of every emergency grant, which no request or consent grant may carry. */
export const EMERGENCY_PURPOSE = 'ETREAT' satisfies PurposeOfUse;

/**
 * The purpose read for a request or consent grant that the previous chaincode version
 * wrote, before purposes were recorded: access was then for treatment and nothing else.
 */
export const LEGACY_CONSENT_PURPOSE = 'TREAT' satisfies PurposeOfUse;

/** Any purpose of use. */
export const requirePurposeOfUse = (value: unknown, name: string): PurposeOfUse =>
  requireOneOf(value, name, PURPOSES_OF_USE);

/**
 * A purpose a doctor may ask for or a patient may grant: any but ETREAT, which only a
 * declared emergency carries (so that an emergency grant is never passed off as consent).
 */
export function requireConsentPurpose(value: unknown, name: string): PurposeOfUse {
  const purpose = requirePurposeOfUse(value, name);
  if (purpose === EMERGENCY_PURPOSE) {
    throw invalidArgument(`${name} ${EMERGENCY_PURPOSE} is for declared emergencies only (DeclareEmergency)`);
  }
  return purpose;
}
