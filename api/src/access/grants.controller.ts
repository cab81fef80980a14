import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AccessIdParams, CreateGrantDto, GrantDto, GrantListDto, GrantListQuery } from './access.dto.js';
import { GrantsService } from './grants.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('access')
@Controller('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  /** Grants the patient gave, or the doctor holds, newest first, with their status at ledger time. */
  @Roles('patient', 'doctor')
  @Get()
  @ApiOkResponse({ type: GrantListDto })
  @ApiErrors([400, 'A filter or `limit` out of range, or a cursor this API did not issue'])
  async list(@CurrentUser() caller: AuthenticatedUser, @Query() query: GrantListQuery): Promise<GrantListDto> {
    const page = await this.grants.list(caller, {
      statuses: query.status === undefined ? undefined : [query.status],
      kind: query.kind,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return { items: page.items.map((view) => GrantDto.from(view)), nextCursor: page.nextCursor };
  }

  /** The patient grants a doctor access directly, for `durationDays` or `durationMinutes`. */
  @Roles('patient')
  @Post()
  @RateLimit('ledger-write')
  @ApiCreatedResponse({ type: GrantDto })
  @ApiErrors(
    400,
    [
      404,
      'DOCTOR_NOT_FOUND, HOSPITAL_NOT_FOUND: no such grantee; REPORT_NOT_OF_PATIENT: a report named is not the patient’s',
    ],
    413,
  )
  async create(@CurrentUser() patient: AuthenticatedUser, @Body() body: CreateGrantDto): Promise<GrantDto> {
    return GrantDto.from(await this.grants.grant(patient, body));
  }

  /** The patient revokes a grant: the next opening under it is refused with GRANT_REVOKED. */
  @Roles('patient')
  @Delete(':id')
  @RateLimit('ledger-write')
  @HttpCode(200)
  @ApiOkResponse({ type: GrantDto })
  @ApiErrors(
    [400, 'The id is not a UUID'],
    [404, 'GRANT_NOT_FOUND: no grant of the patient has this id'],
    [409, 'GRANT_ALREADY_ENDED: the grant was already revoked, or expired'],
  )
  async revoke(@CurrentUser() patient: AuthenticatedUser, @Param() params: AccessIdParams): Promise<GrantDto> {
    return GrantDto.from(await this.grants.revoke(patient, params.id));
  }
}
