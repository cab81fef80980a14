import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AccessListDto, AccessLogQuery } from './audit-trail.dto.js';
import { AuditTrailService } from './audit-trail.service.js';

@ApiTags('audit')
@Controller('me')
export class AccessLogController {
  constructor(private readonly trail: AuditTrailService) {}

  /**
   * Who opened which of the patient's records, when, under which grant and purpose, and who
   * was refused (with the refusal's code), newest first, as the ledger recorded it.
   */
  @Roles('patient')
  @Get('access-log')
  @ApiOkResponse({ type: AccessListDto })
  @ApiErrors([400, 'A filter, `limit` or `from`/`to` out of form, or a cursor this API did not issue'])
  async accessLog(@CurrentUser() patient: AuthenticatedUser, @Query() query: AccessLogQuery): Promise<AccessListDto> {
    return AccessListDto.from(await this.trail.accessLog(patient, query));
  }
}
