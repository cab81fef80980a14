/**
 * Keeps secrets sealed at rest: private keys of users' ledger identities, and (for case
 * reports) the patients' key-encryption keys that wrap data and commitment keys. The local
 * implementation derives its keys from the master keys in configuration (a keyring, so
 * that they can rotate: docs/keys.md); a KMS can replace it behind this port.
 */
export interface KeyService {
  /** Encrypts and authenticates `plaintext`, bound to `context` (it must be given again to open). */
  seal(plaintext: Uint8Array, context: string): Promise<SealedSecret>;

  /** Opens a sealed secret; throws SealedSecretError when it was altered or the context differs. */
  open(sealed: SealedSecret, context: string): Promise<Buffer>;

  /**
   * The same secret sealed under the key that seals new values (the sealed value itself when
   * it is already): what a master-key rotation stores in place of the old one.
   */
  reseal(sealed: SealedSecret, context: string): Promise<SealedSecret>;
}

export interface SealedSecret {
  /** Which master key sealed it (its key-encryption-key id), so that keys can rotate. */
  keyId: string;
  /** nonce ‖ ciphertext ‖ tag. */
  data: Buffer;
}

export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

/** Injection token of the KeyService. */
export const KEY_SERVICE = Symbol('KeyService');
