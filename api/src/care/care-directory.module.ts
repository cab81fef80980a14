import { Module } from '@nestjs/common';
import { HospitalDirectory } from '../access/hospital-directory.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CareDirectoryController } from './care-directory.controller.js';
import { CareDirectoryRepository } from './care-directory.repository.js';
import { CareDirectoryService } from './care-directory.service.js';

/** The admin's list of the hospital's care assignments (from the ledger projection). */
@Module({
  imports: [LedgerModule],
  controllers: [CareDirectoryController],
  providers: [CareDirectoryRepository, CareDirectoryService, HospitalDirectory],
})
export class CareDirectoryModule {}
