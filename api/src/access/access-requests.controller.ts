import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import {
  AccessIdParams,
  AccessRequestDto,
  AccessRequestListDto,
  AccessRequestListQuery,
  ApproveRequestDto,
  CreateAccessRequestDto,
  DenyRequestDto,
  GrantDto,
} from './access.dto.js';
import { AccessRequestsService } from './access-requests.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('access')
@Controller('access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  /** A doctor asks a patient for access to some or all of their reports; recorded on the ledger as the doctor. */
  @Roles('doctor')
  @Post()
  @RateLimit('ledger-write')
  @ApiCreatedResponse({ type: AccessRequestDto })
  @ApiErrors(
    400,
    [404, 'PATIENT_NOT_FOUND: no patient has this id; REPORT_NOT_OF_PATIENT: a report named is not the patient’s'],
    413,
  )
  async create(
    @CurrentUser() doctor: AuthenticatedUser,
    @Body() body: CreateAccessRequestDto,
  ): Promise<AccessRequestDto> {
    return AccessRequestDto.from(await this.requests.request(doctor, body));
  }

  /** The patient's incoming requests, or the doctor's outgoing ones, newest first; `status` filters. */
  @Roles('patient', 'doctor')
  @Get()
  @ApiOkResponse({ type: AccessRequestListDto })
  @ApiErrors(
    [400, 'A filter or `limit` out of range, or a cursor this API did not issue'],
    [403, 'FORBIDDEN: a patient lists incoming requests only, a doctor outgoing ones'],
  )
  async list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: AccessRequestListQuery,
  ): Promise<AccessRequestListDto> {
    const page = await this.requests.list(caller, { ...query, limit: query.limit ?? 50 });
    return { items: page.items.map((view) => AccessRequestDto.from(view)), nextCursor: page.nextCursor };
  }

  /** The patient approves a pending request: the grant it creates covers the reports and time chosen. */
  @Roles('patient')
  @Post(':id/approve')
  @RateLimit('ledger-write')
  @ApiCreatedResponse({ type: GrantDto })
  @ApiErrors(
    400,
    [
      404,
      'ACCESS_REQUEST_NOT_FOUND: no request of the patient has this id; REPORT_NOT_OF_PATIENT: a report named is not theirs',
    ],
    [409, 'REQUEST_NOT_PENDING: the request was already decided or cancelled'],
    413,
  )
  async approve(
    @CurrentUser() patient: AuthenticatedUser,
    @Param() params: AccessIdParams,
    @Body() body: ApproveRequestDto,
  ): Promise<GrantDto> {
    return GrantDto.from(await this.requests.approve(patient, params.id, body));
  }

  /** The patient denies a pending request; an optional reason is shown to the doctor, never put on the ledger. */
  @Roles('patient')
  @Post(':id/deny')
  @RateLimit('ledger-write')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto })
  @ApiErrors(
    400,
    [404, 'ACCESS_REQUEST_NOT_FOUND: no request of the patient has this id'],
    [409, 'REQUEST_NOT_PENDING: the request was already decided or cancelled'],
    413,
  )
  async deny(
    @CurrentUser() patient: AuthenticatedUser,
    @Param() params: AccessIdParams,
    @Body() body: DenyRequestDto,
  ): Promise<AccessRequestDto> {
    return AccessRequestDto.from(await this.requests.deny(patient, params.id, body.reason));
  }

  /** The requesting doctor cancels a pending request. */
  @Roles('doctor')
  @Delete(':id')
  @RateLimit('ledger-write')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto })
  @ApiErrors(
    [400, 'The id is not a UUID'],
    [404, 'ACCESS_REQUEST_NOT_FOUND: no request of the doctor has this id'],
    [409, 'REQUEST_NOT_PENDING: the request was already decided or cancelled'],
  )
  async cancel(@CurrentUser() doctor: AuthenticatedUser, @Param() params: AccessIdParams): Promise<AccessRequestDto> {
    return AccessRequestDto.from(await this.requests.cancel(doctor, params.id));
  }
}
