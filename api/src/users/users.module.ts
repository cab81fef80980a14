import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from '../auth/password-hasher.js';
import { IdentityModule } from '../identity/identity.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { BootstrapAdmins } from './bootstrap-admins.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Accounts: storage, creation with a ledger identity, the first admins. */
@Module({
  imports: [IdentityModule, LedgerModule, TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, UsersService, PasswordHasher, BootstrapAdmins],
  exports: [UsersRepository, UsersService, PasswordHasher, IdentityModule],
})
export class UsersModule {}
