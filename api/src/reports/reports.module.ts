import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SystemModule } from '../system/system.module.js';
import { UsersModule } from '../users/users.module.js';
import { ContentStreamMetrics } from './content-stream-metrics.js';
import { IntegrityAlerts, IntegrityAlertsRepository } from './integrity-alerts.js';
import { RefusedOpenings } from './refused-openings.js';
import { RefusedOpeningsRepository } from './refused-openings.repository.js';
import { ReportReaderService } from './report-reader.service.js';
import { ReportVerifierService } from './report-verifier.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsQueryService } from './reports-query.service.js';
import { ReportsRepository } from './reports.repository.js';
import { UploadRecovery } from './upload-recovery.js';
import { UploadService } from './upload.service.js';

/** Case reports: encrypted upload to IPFS recorded on the ledger, verified reads, recovery of half-done uploads. */
@Module({
  imports: [LedgerModule, StorageModule, UsersModule, SystemModule],
  controllers: [ReportsController],
  providers: [
    ReportsRepository,
    ReportsQueryService,
    ReportVerifierService,
    UploadService,
    ReportReaderService,
    RefusedOpenings,
    RefusedOpeningsRepository,
    UploadRecovery,
    IntegrityAlerts,
    IntegrityAlertsRepository,
    ContentStreamMetrics,
  ],
  exports: [ReportVerifierService, ReportsRepository, ReportsQueryService, IntegrityAlerts],
})
export class ReportsModule {}
