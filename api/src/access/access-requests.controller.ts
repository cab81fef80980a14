import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { LedgerAnswers } from '../common/ledger-answers.decorator.js';
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

@ApiTags('access')
@Controller('access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  /** A doctor asks a patient for access to some or all of their reports; recorded on the ledger as the doctor. */
  @Roles('doctor')
  @Post()
  @ApiCreatedResponse({ type: AccessRequestDto })
  @LedgerAnswers(400, 404)
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
  @LedgerAnswers(400)
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
  @ApiCreatedResponse({ type: GrantDto })
  @LedgerAnswers(400, 404, 409)
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
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto })
  @LedgerAnswers(400, 404, 409)
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
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDto })
  @LedgerAnswers(400, 404, 409)
  async cancel(@CurrentUser() doctor: AuthenticatedUser, @Param() params: AccessIdParams): Promise<AccessRequestDto> {
    return AccessRequestDto.from(await this.requests.cancel(doctor, params.id));
  }
}
