import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { IntegrityReportDto, IntegrityReportQuery } from './audit.dto.js';
import { IntegrityReportService } from './integrity-report.service.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly integrity: IntegrityReportService) {}

  /**
   * Verifies a batch of stored reports against the ledger without decrypting (oldest
   * first; `nextCursor` continues): counts and every mismatch, each also an integrity alert.
   */
  @Roles('auditor')
  @Get('integrity-report')
  @ApiOkResponse({ type: IntegrityReportDto })
  integrityReport(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: IntegrityReportQuery,
  ): Promise<IntegrityReportDto> {
    return this.integrity.run(caller, { patientId: query.patientId, cursor: query.cursor, limit: query.limit ?? 50 });
  }
}
