/**
 * Every context the KeyService seals in. A sealed value is bound to its context (the AEAD's
 * associated data): one user's sealed key cannot be opened as another's, nor a patient's
 * key-encryption key as a user's private key. The rotation (api/src/keys) re-seals each
 * value in the same context.
 */

/** A user's ledger-identity private key. */
export const ledgerIdentityContext = (userId: string) => `ledger-identity:${userId}`;

/** A patient's key-encryption key. */
export const patientKekContext = (patientId: string) => `patient-kek:${patientId}`;

/** A user's TOTP secret (their second factor). */
export const secondFactorContext = (userId: string) => `second-factor:${userId}`;
