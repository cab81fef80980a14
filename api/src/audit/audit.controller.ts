import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { IntegrityReportDto, IntegrityReportQuery } from './audit.dto.js';
import { IntegrityReportService } from './integrity-report.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

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
  @RateLimit('audit')
  @ApiOkResponse({ type: IntegrityReportDto })
  @ApiErrors([400, '`patientId` is not a UUID, `limit` out of range, or a cursor this API did not issue'])
  integrityReport(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: IntegrityReportQuery,
  ): Promise<IntegrityReportDto> {
    return this.integrity.run(caller, { patientId: query.patientId, cursor: query.cursor, limit: query.limit ?? 50 });
  }
}
