import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsService } from './access-requests.service.js';
import { ConsentStatementsRecovery } from './consent-statements-recovery.js';
import { ConsentStatementsRepository } from './consent-statements.repository.js';
import { DoctorNamesRepository } from './doctor-names.repository.js';
import { EmergencyAccessController, EmergencyReviewController } from './emergency-access.controller.js';
import { EmergencyAccessService } from './emergency-access.service.js';
import { GrantsController } from './grants.controller.js';
import { GrantsService } from './grants.service.js';
import { HospitalDirectory } from './hospital-directory.js';
import { HospitalsController } from './hospitals.controller.js';

/** Consent over REST: doctors' requests, patients' grants and revocations, emergency access and its review. */
@Module({
  imports: [LedgerModule, UsersModule],
  controllers: [
    AccessRequestsController,
    GrantsController,
    EmergencyAccessController,
    EmergencyReviewController,
    HospitalsController,
  ],
  providers: [
    AccessRequestsService,
    GrantsService,
    EmergencyAccessService,
    ConsentStatementsRepository,
    ConsentStatementsRecovery,
    DoctorNamesRepository,
    HospitalDirectory,
  ],
  exports: [ConsentStatementsRepository, GrantsService],
})
export class AccessModule {}
