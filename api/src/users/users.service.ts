import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher.js';
import { Clock } from '../common/clock.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { assertPasswordAcceptable } from './password-policy.js';
import { type Role, UserEntity } from './user.entity.js';
import { EmailTakenError, UsersRepository } from './users.repository.js';

export interface NewAccount {
  email: string;
  password: string;
  fullName: string;
  role: Role;
  hospital: string;
  dateOfBirth?: string | null;
  licenseNumber?: string | null;
}

/** Creating accounts: a checked password, a unique e-mail, and a ledger identity from the hospital's CA. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly identities: LedgerIdentityService,
    private readonly clock: Clock,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Registers an existing account on the ledger under its identity (idempotent: nothing changes when it is). */
  async ensureRegisteredOnLedger(user: UserEntity): Promise<void> {
    await this.ledger.participants.registerSelf(await this.identities.signingIdentity(user.id, user.hospital));
  }

  /**
   * Enrolls the identity first and registers the user on the ledger under it (the CA or
   * the ledger may fail: then nothing is stored; a ledger participant holds no PHI), then
   * stores the account and its sealed identity in one transaction.
   */
  async createAccount(account: NewAccount): Promise<UserEntity> {
    assertPasswordAcceptable(account.password, account.email);
    this.identities.hospital(account.hospital);
    if (await this.users.findByEmail(account.email))
      throw new EmailTakenError('an account with this e-mail address exists');
    const now = this.clock.now();
    const user: UserEntity = {
      id: randomUUID(),
      email: account.email.trim(),
      passwordHash: await this.passwords.hash(account.password),
      fullName: account.fullName.trim(),
      role: account.role,
      hospital: account.hospital,
      dateOfBirth: account.dateOfBirth ?? null,
      licenseNumber: account.licenseNumber ?? null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    const identity = await this.identities.enroll(user.id, user.role, user.hospital);
    await this.ledger.participants.registerSelf(await this.identities.open(identity, user.hospital));
    await this.dataSource.transaction(async (manager) => {
      await this.users.insert(user, manager);
      await this.identities.save(identity, manager);
    });
    return user;
  }
}
