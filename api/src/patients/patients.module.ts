import { Module } from '@nestjs/common';
import { CareController } from '../care/care.controller.js';
import { CareService } from '../care/care.service.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { UsersModule } from '../users/users.module.js';
import { PatientsController } from './patients.controller.js';
import { PatientsService } from './patients.service.js';

/** Patients and their care teams (recorded on the ledger). */
@Module({
  imports: [LedgerModule, UsersModule],
  controllers: [PatientsController, CareController],
  providers: [PatientsService, CareService],
})
export class PatientsModule {}
