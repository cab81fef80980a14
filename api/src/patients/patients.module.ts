import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { CareController } from '../care/care.controller.js';
import { CareService } from '../care/care.service.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { UsersModule } from '../users/users.module.js';
import { ErasureRecovery } from './erasure-recovery.js';
import { PatientErasureRepository } from './patient-erasure.repository.js';
import { PatientErasureService } from './patient-erasure.service.js';
import { PatientsController } from './patients.controller.js';
import { PatientsService } from './patients.service.js';

/** Patients, their care teams (recorded on the ledger), and the erasure of their content. */
@Module({
  imports: [LedgerModule, UsersModule, AccessModule],
  controllers: [PatientsController, CareController],
  providers: [PatientsService, CareService, PatientErasureRepository, PatientErasureService, ErasureRecovery],
})
export class PatientsModule {}
