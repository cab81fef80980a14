import { Module } from '@nestjs/common';
import { HospitalDirectory } from '../access/hospital-directory.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { AccessLogController } from './access-log.controller.js';
import { AuditTrailController } from './audit-trail.controller.js';
import { AuditTrailRepository } from './audit-trail.repository.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditController } from './audit.controller.js';
import { IntegrityReportService } from './integrity-report.service.js';

/**
 * What auditors ask of the system: integrity reports, and the ledger's history from the
 * projection tables (report and patient timelines, accesses), with the patients' access log.
 */
@Module({
  imports: [ReportsModule, LedgerModule],
  controllers: [AuditController, AuditTrailController, AccessLogController],
  providers: [IntegrityReportService, AuditTrailRepository, AuditTrailService, HospitalDirectory],
  exports: [AuditTrailService],
})
export class AuditModule {}
