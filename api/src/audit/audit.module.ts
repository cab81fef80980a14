import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { AuditController } from './audit.controller.js';
import { IntegrityReportService } from './integrity-report.service.js';

/** What auditors ask of the system: integrity reports (and, later, the ledger's history). */
@Module({
  imports: [ReportsModule],
  controllers: [AuditController],
  providers: [IntegrityReportService],
})
export class AuditModule {}
