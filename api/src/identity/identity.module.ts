import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module.js';
import { LedgerIdentityEntity } from './ledger-identity.entity.js';
import { LedgerIdentityService } from './ledger-identity.service.js';

/** Users' ledger identities: enrolled at their hospital's Fabric CA, keys sealed at rest. */
@Module({
  imports: [LedgerModule, TypeOrmModule.forFeature([LedgerIdentityEntity])],
  providers: [LedgerIdentityService],
  exports: [LedgerIdentityService],
})
export class IdentityModule {}
