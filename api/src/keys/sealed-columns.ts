import { ledgerIdentityContext, patientKekContext, secondFactorContext } from '../crypto/sealing-contexts.js';

/**
 * A column of values sealed by the KeyService under a master key, with the id of that key
 * in `key_id` beside it. Every such column is listed here: `npm run keys:rotate` re-wraps
 * exactly these, and the migration that adds one also adds its table to the trigger that
 * refuses retired master keys (1766200000000-master-key-rotation.ts shows how).
 */
export interface SealedColumn {
  /** What the values are, for the command's output. */
  readonly label: string;
  readonly table: string;
  /** The primary key (one column), its SQL type, and the sealed column. */
  readonly id: string;
  readonly idType: 'uuid' | 'text';
  readonly sealed: string;
  /** The context the value was sealed in (the KeyService binds each value to it). */
  readonly context: (id: string) => string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    label: "users' ledger-identity private keys",
    table: 'ledger_identities',
    id: 'user_id',
    idType: 'uuid',
    sealed: 'sealed_private_key',
    context: ledgerIdentityContext,
  },
  {
    // Each wraps the data and commitment (integrity) keys of the patient's records, which
    // are therefore under the new master key too once their KEK is.
    label: "patients' key-encryption keys",
    table: 'patient_keys',
    id: 'patient_id',
    idType: 'uuid',
    sealed: 'sealed_key',
    context: patientKekContext,
  },
  {
    label: "users' TOTP secrets (second factors)",
    table: 'user_second_factors',
    id: 'user_id',
    idType: 'uuid',
    sealed: 'sealed_secret',
    context: secondFactorContext,
  },
];
