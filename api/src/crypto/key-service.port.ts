/**
 * Keeps secrets sealed at rest: private keys of users' ledger identities, and (for case
 * reports) the key-encryption keys that wrap data keys. The local implementation derives
 * its keys from a master key in configuration; a KMS can replace it behind this port.
 */
export interface KeyService {
  /** Encrypts and authenticates `plaintext`, bound to `context` (it must be given again to open). */
  seal(plaintext: Uint8Array, context: string): Promise<SealedSecret>;

  /** Opens a sealed secret; throws SealedSecretError when it was altered or the context differs. */
  open(sealed: SealedSecret, context: string): Promise<Buffer>;
}

export interface SealedSecret {
  /** Which key sealed it, so that keys can rotate. */
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
