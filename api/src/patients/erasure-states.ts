/**
 * The vocabulary of erasure requests, read by the repositories, the services and the DTOs
 * (the migration 1766100000000 spells the stored states out).
 *
 * Stored states, in order: `pending-confirmation` (the patient asked), `confirmed` (an
 * admin of the patient's hospital confirmed; `effectiveAt` is when it takes effect),
 * `recorded` (the ledger holds the erasure), `content-erased` (the patient's key destroyed
 * and their report metadata scrubbed), `done` (the patient told, their demographics
 * pseudonymised, their sessions ended); or `cancelled` by the patient before it took effect.
 */
export const STORED_ERASURE_STATES = [
  'pending-confirmation',
  'confirmed',
  'cancelled',
  'recorded',
  'content-erased',
  'done',
] as const;
export type StoredErasureState = (typeof STORED_ERASURE_STATES)[number];

/**
 * A request's state as the patient and the admins see it: the steps of carrying it out
 * are one `taking-effect` (from the moment it can no longer be cancelled).
 */
export const ERASURE_STATES = ['pending-confirmation', 'confirmed', 'taking-effect', 'erased', 'cancelled'] as const;
export type ErasureState = (typeof ERASURE_STATES)[number];

/** The state to show: a confirmed request whose effective time has come is taking effect, even before the worker starts. */
export function visibleErasureState(state: StoredErasureState, effectiveAt: Date | null, now: Date): ErasureState {
  switch (state) {
    case 'pending-confirmation':
    case 'cancelled':
      return state;
    case 'confirmed':
      return effectiveAt !== null && effectiveAt.getTime() <= now.getTime() ? 'taking-effect' : 'confirmed';
    case 'recorded':
    case 'content-erased':
      return 'taking-effect';
    case 'done':
      return 'erased';
  }
}

/**
 * What replaces an erased patient's demographics in their account: derived from the ID
 * alone (itself a pseudonym, already on the ledger), so that the row stays unique and
 * recognisable to admins without saying who the patient was. The address is under
 * `.invalid` (RFC 2606): nothing can ever be sent to it. The date of birth goes (NULL).
 */
export function erasedPatientPseudonym(patientId: string): { fullName: string; email: string } {
  return {
    fullName: `Erased patient ${patientId.slice(0, 8)}`,
    email: `erased-${patientId}@erased.invalid`,
  };
}
