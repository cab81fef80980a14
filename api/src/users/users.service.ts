import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher.js';
import { Clock } from '../common/clock.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { assertPasswordAcceptable } from './password-policy.js';
import { type Role, UserEntity } from './user.entity.js';
import { EmailTakenError, UsersRepository } from './users.repository.js';

export interface NewAccount {
  email: string;
  /** The owner's own password (a patient registering, a bootstrap admin); none for staff an admin creates: the account is then pending. */
  password: string | null;
  fullName: string;
  role: Role;
  hospital: string;
  dateOfBirth?: string | null;
  licenseNumber?: string | null;
}

/** Creating accounts: a checked password (or none yet), a unique e-mail, and a ledger identity from the hospital's CA. */
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
   * stores the account and its sealed identity in one transaction, with whatever
   * `inTransaction` adds to it (an activation link and its e-mail). Without a password the
   * account is `pending` until its owner chooses one.
   */
  async createAccount(
    account: NewAccount,
    inTransaction?: (manager: EntityManager, user: UserEntity) => Promise<void>,
  ): Promise<UserEntity> {
    if (account.password !== null) assertPasswordAcceptable(account.password, account.email);
    this.identities.hospital(account.hospital);
    if (await this.users.findByEmail(account.email))
      throw new EmailTakenError('an account with this e-mail address exists');
    const now = this.clock.now();
    const user: UserEntity = {
      id: randomUUID(),
      email: account.email.trim(),
      passwordHash: account.password === null ? null : await this.passwords.hash(account.password),
      fullName: account.fullName.trim(),
      role: account.role,
      hospital: account.hospital,
      dateOfBirth: account.dateOfBirth ?? null,
      licenseNumber: account.licenseNumber ?? null,
      status: account.password === null ? 'pending' : 'active',
      createdAt: now,
      updatedAt: now,
    };
    const identity = await this.identities.enroll(user.id, user.role, user.hospital);
    await this.ledger.participants.registerSelf(await this.identities.open(identity, user.hospital));
    await this.dataSource.transaction(async (manager) => {
      await this.users.insert(user, manager);
      await this.identities.save(identity, manager);
      await inTransaction?.(manager, user);
    });
    return user;
  }
}
