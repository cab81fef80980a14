import { describe, expect, it, jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidInputError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import type { MailOutboxRepository } from '../notifications/mail-outbox.repository.js';
import type { UserEntity } from '../users/user.entity.js';
import { EmailTakenError, type UsersRepository } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { RegistrationPacer } from './registration-pacer.js';
import { REGISTRATION_NOTICE_INTERVAL_SECONDS, RegistrationService } from './registration.service.js';

const CONFIG = { BOOTSTRAP_ADMINS: 'hospital-a:First.Admin@hospital-a.example:pw:with:colons' } as AppConfig;
const REGISTRATION = {
  email: 'ada@patients.example',
  password: 'a long enough passphrase',
  fullName: 'Ada Lovelace',
  dateOfBirth: '1985-12-10',
  hospital: 'hospital-a',
};
const OWNER = { id: '0b5c3c1e-0000-4000-8000-000000000001', email: REGISTRATION.email } as UserEntity;

function newTestService(existing: UserEntity | null = null) {
  const manager = {} as EntityManager;
  const mocks = {
    findByEmail: jest.fn<UsersRepository['findByEmail']>(() => Promise.resolve(existing)),
    createAccount: jest.fn<UsersService['createAccount']>(() => Promise.resolve(OWNER)),
    hash: jest.fn<PasswordHasher['hash']>(() => Promise.resolve('discarded')),
    hospital: jest.fn<LedgerIdentityService['hospital']>(),
    enqueueUnlessRecent: jest.fn<MailOutboxRepository['enqueueUnlessRecent']>(() => Promise.resolve(true)),
    recordCreation: jest.fn<RegistrationPacer['recordCreation']>(),
    padFrom: jest.fn<RegistrationPacer['padFrom']>(() => Promise.resolve()),
  };
  const sut = new RegistrationService(
    CONFIG,
    { findByEmail: mocks.findByEmail } as unknown as UsersRepository,
    { createAccount: mocks.createAccount } as unknown as UsersService,
    { hash: mocks.hash } as unknown as PasswordHasher,
    { hospital: mocks.hospital } as unknown as LedgerIdentityService,
    { enqueueUnlessRecent: mocks.enqueueUnlessRecent } as unknown as MailOutboxRepository,
    { recordCreation: mocks.recordCreation, padFrom: mocks.padFrom } as unknown as RegistrationPacer,
    { transaction: (work: (manager: EntityManager) => Promise<unknown>) => work(manager) } as unknown as DataSource,
  );
  return { sut, mocks, manager };
}

describe('RegistrationService', () => {
  it('creates the patient’s account for a free address, and times it for the pacer', async () => {
    const { sut, mocks } = newTestService();
    await sut.register(REGISTRATION);
    expect(mocks.createAccount).toHaveBeenCalledWith({ ...REGISTRATION, role: 'patient' });
    expect(mocks.recordCreation).toHaveBeenCalledTimes(1);
    expect(mocks.padFrom).not.toHaveBeenCalled();
    expect(mocks.enqueueUnlessRecent).not.toHaveBeenCalled();
  });

  it('changes nothing for an address with an account: hashes anyway, tells the owner, and takes as long', async () => {
    const { sut, mocks, manager } = newTestService(OWNER);
    await expect(sut.register(REGISTRATION)).resolves.toBeUndefined();
    expect(mocks.createAccount).not.toHaveBeenCalled();
    expect(mocks.hash).toHaveBeenCalledWith(REGISTRATION.password);
    expect(mocks.enqueueUnlessRecent).toHaveBeenCalledWith(
      manager,
      { userId: OWNER.id, kind: 'registration-attempt' },
      REGISTRATION_NOTICE_INTERVAL_SECONDS,
    );
    expect(mocks.padFrom).toHaveBeenCalledTimes(1);
  });

  it('never registers a bootstrap admin’s address, whatever its case, even before that admin exists', async () => {
    const { sut, mocks } = newTestService(null);
    await sut.register({ ...REGISTRATION, email: 'first.admin@HOSPITAL-A.example' });
    expect(mocks.createAccount).not.toHaveBeenCalled();
    expect(mocks.enqueueUnlessRecent).not.toHaveBeenCalled();
    expect(mocks.padFrom).toHaveBeenCalledTimes(1);
    expect(sut.isReserved(' First.Admin@hospital-a.example ')).toBe(true);
  });

  it('answers a concurrent registration of the same address as an existing one', async () => {
    const { sut, mocks } = newTestService(null);
    mocks.createAccount.mockRejectedValueOnce(new EmailTakenError('taken'));
    mocks.findByEmail.mockResolvedValueOnce(null).mockResolvedValueOnce(OWNER);
    await expect(sut.register(REGISTRATION)).resolves.toBeUndefined();
    expect(mocks.enqueueUnlessRecent).toHaveBeenCalledTimes(1);
  });

  it('refuses what depends on the input alone first, the same for every address', async () => {
    for (const existing of [null, OWNER]) {
      const { sut, mocks } = newTestService(existing);
      await expect(sut.register({ ...REGISTRATION, password: 'short' })).rejects.toBeInstanceOf(InvalidInputError);
      expect(mocks.findByEmail).not.toHaveBeenCalled();
    }
  });
});
