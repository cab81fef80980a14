import { randomBytes } from 'node:crypto';
import { SealedSecretError } from './key-service.port.js';
import { LocalKeyService } from './local-key-service.js';
import { masterKeyring, type MasterKeyring } from './master-keys.js';

const base64Key = () => randomBytes(32).toString('base64');

describe('LocalKeyService', () => {
  const keys = new LocalKeyService(randomBytes(32));
  const secret = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIGH…\n-----END PRIVATE KEY-----\n');

  it('opens what it sealed, in the same context', async () => {
    const sealed = await keys.seal(secret, 'ledger-identity:user-1');
    expect(sealed.data.includes(secret)).toBe(false);
    await expect(keys.open(sealed, 'ledger-identity:user-1')).resolves.toEqual(secret);
  });

  it('refuses another context: one user key cannot be opened as another user', async () => {
    const sealed = await keys.seal(secret, 'ledger-identity:user-1');
    await expect(keys.open(sealed, 'ledger-identity:user-2')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses a sealed secret with one bit flipped', async () => {
    const sealed = await keys.seal(secret, 'c');
    sealed.data[20] ^= 0x01;
    await expect(keys.open(sealed, 'c')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses a secret sealed under another master key', async () => {
    const other = new LocalKeyService(randomBytes(32));
    await expect(keys.open(await other.seal(secret, 'c'), 'c')).rejects.toThrow(/sealed under local:/);
  });

  it('refuses a secret under another master key that claims to be under its own', async () => {
    const other = new LocalKeyService(randomBytes(32));
    const sealed = await other.seal(secret, 'c');
    await expect(keys.open({ keyId: keys.keyId, data: sealed.data }, 'c')).rejects.toBeInstanceOf(SealedSecretError);
  });
});

describe('LocalKeyService with a keyring (a master-key rotation)', () => {
  const [oldKey, newKey] = [base64Key(), base64Key()];
  const secret = Buffer.from('a patient key-encryption key');

  it('seals under the current key and opens under the current and the previous one', async () => {
    const before = new LocalKeyService(masterKeyring(oldKey));
    const during = new LocalKeyService(masterKeyring(newKey, oldKey));
    const underOld = await before.seal(secret, 'c');

    const underNew = await during.seal(secret, 'c');
    expect(underNew.keyId).toBe(during.keyId);
    expect(underNew.keyId).not.toBe(underOld.keyId);
    expect(during.keyIds).toEqual([during.keyId, before.keyId]);
    await expect(during.open(underOld, 'c')).resolves.toEqual(secret);
    await expect(during.open(underNew, 'c')).resolves.toEqual(secret);
    // The old key alone opens nothing sealed under the new one.
    await expect(before.open(underNew, 'c')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('keeps the ids of values sealed before the keyring existed (a digest of the master key)', async () => {
    const bytes = randomBytes(32);
    expect(new LocalKeyService(bytes).keyId).toBe(new LocalKeyService(masterKeyring(bytes.toString('base64'))).keyId);
  });

  it('re-seals a value under the current key in the same context, and leaves one already under it as it is', async () => {
    const during = new LocalKeyService(masterKeyring(newKey, oldKey));
    const underOld = await new LocalKeyService(masterKeyring(oldKey)).seal(secret, 'ctx');

    const resealed = await during.reseal(underOld, 'ctx');
    expect(resealed.keyId).toBe(during.keyId);
    await expect(new LocalKeyService(masterKeyring(newKey)).open(resealed, 'ctx')).resolves.toEqual(secret);
    await expect(during.reseal(resealed, 'ctx')).resolves.toBe(resealed);
    await expect(during.reseal(underOld, 'another')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('reads its source again when it meets a key it does not hold, then opens the value', async () => {
    let source: MasterKeyring = masterKeyring(oldKey);
    let reads = 0;
    const keys = new LocalKeyService(source, async () => {
      reads += 1;
      return source;
    });
    const underNew = await new LocalKeyService(masterKeyring(newKey)).seal(secret, 'c');
    source = masterKeyring(newKey, oldKey);

    await expect(keys.open(underNew, 'c')).resolves.toEqual(secret);
    expect(reads).toBe(1);
    expect(keys.keyId).toBe(underNew.keyId);
    // A value under a key the source does not hold either: refused, and the source is not read at every attempt.
    const stranger = await new LocalKeyService(randomBytes(32)).seal(secret, 'c');
    await expect(keys.open(stranger, 'c')).rejects.toThrow(/which is not one of/);
    await expect(keys.open(stranger, 'c')).rejects.toBeInstanceOf(SealedSecretError);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('refresh reports whether the keys changed, and keeps them when the source fails', async () => {
    let source: () => Promise<MasterKeyring> = async () => masterKeyring(oldKey);
    const keys = new LocalKeyService(masterKeyring(oldKey), () => source());
    await expect(keys.refresh()).resolves.toBe(false);

    source = async () => masterKeyring(newKey, oldKey);
    await expect(keys.refresh()).resolves.toBe(true);
    const ids = [...keys.keyIds];
    source = () => Promise.reject(new Error('unreadable'));
    await expect(keys.refresh()).rejects.toThrow('unreadable');
    expect(keys.keyIds).toEqual(ids);
    expect(new LocalKeyService(masterKeyring(oldKey)).follows).toBe(false);
  });

  it('refuses a keyring whose previous key is its current one, and keys that are not 32 bytes, without showing them', () => {
    expect(() => masterKeyring(oldKey, oldKey)).toThrow('MASTER_KEY_PREVIOUS must differ from MASTER_KEY');
    const short = randomBytes(16).toString('base64');
    expect(() => masterKeyring(short)).toThrow('MASTER_KEY must be 32 bytes in base64');
    expect(() => masterKeyring(newKey, short)).toThrow('MASTER_KEY_PREVIOUS must be 32 bytes in base64');
    try {
      masterKeyring(short);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});
