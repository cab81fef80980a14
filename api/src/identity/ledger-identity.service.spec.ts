import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { LocalKeyService } from '../crypto/local-key-service.js';
import { masterKeyring } from '../crypto/master-keys.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import type { LedgerIdentityEntity } from './ledger-identity.entity.js';
import { LedgerIdentityService, NoLedgerIdentityError } from './ledger-identity.service.js';

class FrozenClock extends Clock {
  at = new Date('2026-11-21T10:00:00Z');
  now(): Date {
    return this.at;
  }
}

describe('LedgerIdentityService.signingIdentity', () => {
  const keys = new LocalKeyService(randomBytes(32));
  const clock = new FrozenClock();
  let rows: Map<string, LedgerIdentityEntity>;
  let lookups: number;
  let service: LedgerIdentityService;

  const storeIdentity = async (userId: string, certificatePem: string): Promise<void> => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sealed = await keys.seal(Buffer.from(pem), `ledger-identity:${userId}`);
    rows.set(userId, {
      userId,
      mspId: 'HospitalAMSP',
      enrollmentId: userId,
      certificatePem,
      sealedPrivateKey: sealed.data,
      keyId: sealed.keyId,
      enrolledAt: clock.now(),
    });
  };

  beforeEach(() => {
    rows = new Map();
    lookups = 0;
    const repository = {
      findOneBy: ({ userId }: { userId: string }) => {
        lookups += 1;
        return Promise.resolve(rows.get(userId) ?? null);
      },
    } as unknown as Repository<LedgerIdentityEntity>;
    service = new LedgerIdentityService({ hospitals: [] } as unknown as NetworkProfile, keys, repository, clock);
  });

  it('opens the stored identity with a private key ready to sign', async () => {
    await storeIdentity('user-1', 'certificate 1');
    const identity = await service.signingIdentity('user-1', 'hospital-a');
    expect(identity).toMatchObject({ hospital: 'hospital-a', mspId: 'HospitalAMSP', certificatePem: 'certificate 1' });
    expect(identity.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('keeps an opened identity for a minute, then reads the stored one again', async () => {
    await storeIdentity('user-1', 'certificate 1');
    await service.signingIdentity('user-1', 'hospital-a');
    await service.signingIdentity('user-1', 'hospital-a');
    expect(lookups).toBe(1);

    await storeIdentity('user-1', 'certificate 2');
    clock.at = new Date(clock.at.getTime() + 60_001);
    await expect(service.signingIdentity('user-1', 'hospital-a')).resolves.toMatchObject({
      certificatePem: 'certificate 2',
    });
    expect(lookups).toBe(2);
  });

  it('reads the stored identity again once told to forget the opened one (a re-enrollment)', async () => {
    await storeIdentity('user-1', 'certificate 1');
    await service.signingIdentity('user-1', 'hospital-a');
    await storeIdentity('user-1', 'certificate 2');
    service.forget('user-1');
    await expect(service.signingIdentity('user-1', 'hospital-a')).resolves.toMatchObject({
      certificatePem: 'certificate 2',
    });
  });

  it('refuses a user without a stored identity, and keeps no refusal', async () => {
    await expect(service.signingIdentity('user-2', 'hospital-a')).rejects.toBeInstanceOf(NoLedgerIdentityError);
    await storeIdentity('user-2', 'certificate');
    await expect(service.signingIdentity('user-2', 'hospital-a')).resolves.toMatchObject({
      certificatePem: 'certificate',
    });
  });
});

describe('LedgerIdentityService.save during a master-key rotation', () => {
  it('stores a key sealed under the old master key (before the rotation began) under the current one', async () => {
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const before = new LocalKeyService(masterKeyring(oldKey));
    const during = new LocalKeyService(masterKeyring(newKey, oldKey));
    const service = new LedgerIdentityService(
      { hospitals: [] } as unknown as NetworkProfile,
      during,
      {} as Repository<LedgerIdentityEntity>,
      new FrozenClock(),
    );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = Buffer.from(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const sealed = await before.seal(pem, 'ledger-identity:user-1');
    const saved: LedgerIdentityEntity[] = [];
    const manager = { getRepository: () => ({ save: (row: LedgerIdentityEntity) => saved.push(row) }) };

    await service.save(
      {
        userId: 'user-1',
        mspId: 'HospitalAMSP',
        enrollmentId: 'user-1',
        certificatePem: 'certificate',
        sealedPrivateKey: sealed.data,
        keyId: sealed.keyId,
        enrolledAt: new Date(),
      },
      manager as unknown as EntityManager,
    );

    expect(saved[0]?.keyId).toBe(during.keyId);
    const afterwards = new LocalKeyService(masterKeyring(newKey));
    await expect(
      afterwards.open({ keyId: saved[0]!.keyId, data: saved[0]!.sealedPrivateKey }, 'ledger-identity:user-1'),
    ).resolves.toEqual(pem);
  });
});
