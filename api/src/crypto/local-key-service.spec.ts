import { randomBytes } from 'node:crypto';
import { SealedSecretError } from './key-service.port.js';
import { LocalKeyService } from './local-key-service.js';

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
});
