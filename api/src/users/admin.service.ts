import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { Clock } from '../common/clock.js';
import { decodeKeysetCursor, keysetPage } from '../common/keyset-cursor.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChannelMembershipAdmin } from '../ledger/channel-config-admin.js';
import type { StaffRole } from './admin.dto.js';
import type { UserEntity, UserStatus } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

export interface UserPage {
  items: UserEntity[];
  nextCursor: string | null;
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
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  createStaff(
    admin: AuthenticatedUser,
    staff: { email: string; password: string; fullName: string; role: StaffRole; licenseNumber?: string },
  ): Promise<UserEntity> {
    return this.usersService.createAccount({
      ...staff,
      hospital: admin.hospital,
      licenseNumber: staff.licenseNumber ?? null,
    });
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
   * hospital's CA; reactivating enrolls a fresh certificate.
   */
  async setStatus(admin: AuthenticatedUser, userId: string, status: UserStatus): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user || user.hospital !== admin.hospital) throw new NotFoundError('no user of your hospital has this id');
    if (user.id === admin.id && status === 'suspended')
      throw new InvalidInputError('an admin cannot suspend their own account');
    if (user.status === status) return user;
    const now = this.clock.now();
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
      await this.dataSource.transaction(async (manager) => {
        await this.identities.save(identity, manager);
        await this.users.setStatus(user.id, 'active', manager);
      });
      this.identities.forget(user.id);
    }
    return { ...user, status, updatedAt: now };
  }
}
