import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountNotPendingError, AccountPendingError } from '../auth/account-passwords.errors.js';
import { AccountPasswordsService } from '../auth/account-passwords.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { RegistrationService } from '../auth/registration.service.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { Clock } from '../common/clock.js';
import { decodeKeysetCursor, keysetPage } from '../common/keyset-cursor.js';
import { DomainError, NotFoundError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChannelMembershipAdmin } from '../ledger/channel-config-admin.js';
import type { StaffRole } from './admin.dto.js';
import type { UserEntity, UserStatus } from './user.entity.js';
import { EmailTakenError, UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

export interface UserPage {
  items: UserEntity[];
  nextCursor: string | null;
}

/** An admin asked to suspend their own account: not theirs to do (another admin may). */
export class SelfSuspensionError extends DomainError {
  readonly code = 'SELF_SUSPENSION';
  readonly status = 403;
}

/** What an admin does, always within their own hospital. */
@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly sessions: SessionsRepository,
    private readonly identities: LedgerIdentityService,
    private readonly clock: Clock,
    private readonly channelAdmin: ChannelMembershipAdmin,
    private readonly accountPasswords: AccountPasswordsService,
    private readonly registrations: RegistrationService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Creates a staff account of the admin's hospital without a password: it is pending, and
   * its owner gets an activation link by e-mail (in the same transaction as the account) to
   * choose one. A bootstrap admin's address is taken, whether that admin exists yet or not.
   */
  createStaff(
    admin: AuthenticatedUser,
    staff: { email: string; fullName: string; role: StaffRole; licenseNumber?: string },
  ): Promise<UserEntity> {
    if (this.registrations.isReserved(staff.email))
      throw new EmailTakenError('this e-mail address is reserved for a first admin of a hospital');
    return this.usersService.createAccount(
      {
        email: staff.email,
        fullName: staff.fullName,
        role: staff.role,
        password: null,
        hospital: admin.hospital,
        licenseNumber: staff.licenseNumber ?? null,
      },
      async (manager, user) => {
        await this.accountPasswords.sendActivation(manager, user.id);
      },
    );
  }

  /**
   * Sends a pending account of the admin's hospital a new activation link; its older links
   * stop working. Returns when the new one expires.
   */
  async resendActivation(admin: AuthenticatedUser, userId: string): Promise<Date> {
    const user = await this.users.findById(userId);
    if (!user || user.hospital !== admin.hospital) throw new NotFoundError('no user of your hospital has this id');
    if (user.status !== 'pending')
      throw new AccountNotPendingError(
        `the account is ${user.status}: only a pending account is sent an activation link`,
      );
    return this.dataSource.transaction((manager) => this.accountPasswords.sendActivation(manager, user.id));
  }

  async listUsers(admin: AuthenticatedUser, limit = 50, cursor?: string): Promise<UserPage> {
    const items = await this.users.listByHospital(
      admin.hospital,
      limit + 1,
      cursor ? decodeKeysetCursor(cursor) : undefined,
    );
    return keysetPage(items, limit, (user) => ({ at: user.createdAt, id: user.id }));
  }

  /**
   * Suspending ends every session at once and revokes the user's certificates at their
   * hospital's CA; reactivating enrolls a fresh certificate (an account whose owner never
   * chose a password is pending again). A pending account is activated by its owner only.
   */
  async setStatus(admin: AuthenticatedUser, userId: string, status: UserStatus): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user || user.hospital !== admin.hospital) throw new NotFoundError('no user of your hospital has this id');
    if (user.id === admin.id && status === 'suspended')
      throw new SelfSuspensionError('an admin cannot suspend their own account');
    if (user.status === status) return user;
    if (user.status === 'pending' && status === 'active')
      throw new AccountPendingError(
        'the account becomes active when its owner chooses a password from the activation e-mail',
      );
    const now = this.clock.now();
    let next: UserStatus = status;
    if (status === 'suspended') {
      await this.dataSource.transaction(async (manager) => {
        await this.users.setStatus(user.id, 'suspended', manager);
        await this.sessions.revokeAllOfUser(user.id, 'account suspended', now, manager);
      });
      // The peers learn of the revocation from the hospital's MSP in the channel configuration.
      const crl = await this.identities.revoke(user.id, user.hospital, 'suspended by an admin');
      await this.channelAdmin.publishRevocationList(user.hospital, crl);
    } else {
      const identity = await this.identities.reenroll(user.id, user.role, user.hospital);
      // An account suspended before its owner chose a password goes back to waiting for that.
      next = user.passwordHash === null ? 'pending' : 'active';
      await this.dataSource.transaction(async (manager) => {
        await this.identities.save(identity, manager);
        await this.users.setStatus(user.id, next, manager);
      });
      this.identities.forget(user.id);
    }
    return { ...user, status: next, updatedAt: now };
  }
}
