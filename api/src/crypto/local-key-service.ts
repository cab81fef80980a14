import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { type KeyService, type SealedSecret, SealedSecretError } from './key-service.port.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * KeyService with AES-256-GCM under a key derived (HKDF-SHA-256) from a 256-bit master key
 * held in configuration. The key id is a digest of the master key, so a sealed secret
 * names the master key it needs.
 */
export class LocalKeyService implements KeyService {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'medledger/sealed-secrets/v1', 32));
    this.keyId = `local:${createHash('sha256').update(masterKey).digest('hex').slice(0, 16)}`;
  }

  async seal(plaintext: Uint8Array, context: string): Promise<SealedSecret> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.keyId, data: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
  }

  async open(sealed: SealedSecret, context: string): Promise<Buffer> {
    if (sealed.keyId !== this.keyId)
      throw new SealedSecretError(`sealed under ${sealed.keyId}, not under ${this.keyId}`);
    if (sealed.data.length < NONCE_BYTES + TAG_BYTES) throw new SealedSecretError('sealed secret is truncated');
    const nonce = sealed.data.subarray(0, NONCE_BYTES);
    const tag = sealed.data.subarray(sealed.data.length - TAG_BYTES);
    const body = sealed.data.subarray(NONCE_BYTES, sealed.data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new SealedSecretError('sealed secret was altered or belongs to another context');
    }
  }
}
