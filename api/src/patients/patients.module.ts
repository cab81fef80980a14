import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { CareController } from '../care/care.controller.js';
import { CareService } from '../care/care.service.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminErasureRequestsController, MyErasureRequestController } from './erasure-requests.controller.js';
import { ErasureRequestsRepository } from './erasure-requests.repository.js';
import { ErasureRequestsService } from './erasure-requests.service.js';
import { ErasureWorker } from './erasure.worker.js';
import { PatientErasureRepository } from './patient-erasure.repository.js';
import { PatientErasureService } from './patient-erasure.service.js';
import { PatientsController } from './patients.controller.js';
import { PatientsService } from './patients.service.js';

/**
 * Patients, their care teams (recorded on the ledger), and the erasure of their records:
 * requested by the patient, confirmed by an admin of their hospital, carried out by the
 * erasure worker after the cooling-off delay.
 */
@Module({
  imports: [LedgerModule, UsersModule, AccessModule, NotificationsModule],
  controllers: [PatientsController, CareController, MyErasureRequestController, AdminErasureRequestsController],
  providers: [
    PatientsService,
    CareService,
    ErasureRequestsRepository,
    ErasureRequestsService,
    PatientErasureRepository,
    PatientErasureService,
    ErasureWorker,
  ],
  exports: [PatientsService],
})
export class PatientsModule {}
