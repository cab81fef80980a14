import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type KeyService, type SealedSecret, SealedSecretError } from './key-service.port.js';
import { keyringIds, masterKeyFromBytes, type MasterKey, type MasterKeyring } from './master-keys.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A value sealed under a key this process does not hold reads the keyring again, at most this often. */
const RELOAD_ON_MISS_MS = 1000;

/**
 * KeyService with AES-256-GCM under keys derived (HKDF-SHA-256) from the master keys of a
 * keyring. A sealed value carries the id of the master key that sealed it: new values are
 * sealed under the current key, and any key of the ring opens what it sealed, so that a
 * rotation can re-wrap values while the API serves (docs/keys.md).
 *
 * With `reload` (the API's secrets file, MASTER_KEY_FILE), the ring follows that source:
 * a value sealed under a key not held here reads it again before it is refused, and
 * `refresh` reads it on demand (MasterKeyringFollower calls it every few seconds).
 */
export class LocalKeyService implements KeyService {
  private ring!: { current: DerivedKey; byId: Map<string, DerivedKey>; ids: string[] };
  private lastMissReload = 0;

  constructor(
    keys: Buffer | MasterKeyring,
    private readonly reload?: () => Promise<MasterKeyring>,
  ) {
    this.use(Buffer.isBuffer(keys) ? { current: masterKeyFromBytes(keys) } : keys);
  }

  /** The id of the master key that seals new values. */
  get keyId(): string {
    return this.ring.current.id;
  }

  /** The ids of every master key held, the sealing one first. */
  get keyIds(): readonly string[] {
    return this.ring.ids;
  }

  /** Whether this service follows a source of keys (refresh reads it). */
  get follows(): boolean {
    return this.reload !== undefined;
  }

  /** Replaces the keyring. */
  use(keyring: MasterKeyring): void {
    const current = derive(keyring.current);
    const byId = new Map([[current.id, current]]);
    if (keyring.previous) byId.set(keyring.previous.id, derive(keyring.previous));
    this.ring = { current, byId, ids: keyringIds(keyring) };
  }

  /** Reads the keyring's source again; returns whether the key ids changed. Throws what the source throws. */
  async refresh(): Promise<boolean> {
    if (!this.reload) return false;
    const before = this.ring.ids.join(',');
    this.use(await this.reload());
    return this.ring.ids.join(',') !== before;
  }

  async seal(plaintext: Uint8Array, context: string): Promise<SealedSecret> {
    const { id, key } = this.ring.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: id, data: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
  }

  async open(sealed: SealedSecret, context: string): Promise<Buffer> {
    let derived = this.ring.byId.get(sealed.keyId);
    if (!derived && this.reload && Date.now() - this.lastMissReload >= RELOAD_ON_MISS_MS) {
      // Sealed under a key that a rotation brought after this process last read its keys.
      this.lastMissReload = Date.now();
      await this.refresh().catch(() => false);
      derived = this.ring.byId.get(sealed.keyId);
    }
    if (!derived)
      throw new SealedSecretError(`sealed under ${sealed.keyId}, which is not one of ${this.ring.ids.join(', ')}`);
    if (sealed.data.length < NONCE_BYTES + TAG_BYTES) throw new SealedSecretError('sealed secret is truncated');
    const nonce = sealed.data.subarray(0, NONCE_BYTES);
    const tag = sealed.data.subarray(sealed.data.length - TAG_BYTES);
    const body = sealed.data.subarray(NONCE_BYTES, sealed.data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', derived.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new SealedSecretError('sealed secret was altered or belongs to another context');
    }
  }

  async reseal(sealed: SealedSecret, context: string): Promise<SealedSecret> {
    if (sealed.keyId === this.ring.current.id) return sealed;
    const plaintext = await this.open(sealed, context);
    try {
      return await this.seal(plaintext, context);
    } finally {
      plaintext.fill(0);
    }
  }
}

interface DerivedKey {
  id: string;
  key: Buffer;
}

function derive(master: MasterKey): DerivedKey {
  return {
    id: master.id,
    key: Buffer.from(hkdfSync('sha256', master.secret, Buffer.alloc(0), 'medledger/sealed-secrets/v1', 32)),
  };
}
