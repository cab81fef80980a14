import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import {
  AccessIdParams,
  DeclareEmergencyDto,
  EmergencyDto,
  EmergencyListDto,
  EmergencyListQuery,
  ReviewEmergencyDto,
} from './access.dto.js';
import { EmergencyAccessService } from './emergency-access.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('access')
@Controller('emergency-access')
export class EmergencyAccessController {
  constructor(private readonly emergencies: EmergencyAccessService) {}

  /**
   * Break glass: opens all of a patient's records to the doctor for a few hours (the
   * configured maximum, at most 24). The patient is notified at once and an auditor reviews
   * it; a second declaration while one is active is a 409 EMERGENCY_ACTIVE.
   */
  @Roles('doctor')
  @Post()
  @RateLimit('emergency')
  @ApiCreatedResponse({ type: EmergencyDto })
  @ApiErrors(
    400,
    [404, 'PATIENT_NOT_FOUND: no patient has this id'],
    [409, 'EMERGENCY_ACTIVE: the doctor already holds an active emergency access to this patient'],
    413,
  )
  async declare(@CurrentUser() doctor: AuthenticatedUser, @Body() body: DeclareEmergencyDto): Promise<EmergencyDto> {
    return EmergencyDto.fromEmergency(await this.emergencies.declare(doctor, body));
  }
}

@ApiTags('audit')
@Controller('audit/emergencies')
export class EmergencyReviewController {
  constructor(private readonly emergencies: EmergencyAccessService) {}

  /** Break-glass events that involve the auditor's hospital, newest first; `reviewed=false` is the review queue. */
  @Roles('auditor')
  @Get()
  @ApiOkResponse({ type: EmergencyListDto })
  @ApiErrors([400, '`reviewed` is not true or false, `limit` out of range, or a cursor this API did not issue'])
  async list(@CurrentUser() auditor: AuthenticatedUser, @Query() query: EmergencyListQuery): Promise<EmergencyListDto> {
    const reviewed = query.reviewed === undefined ? undefined : query.reviewed === 'true';
    const page = await this.emergencies.list(auditor, { reviewed, limit: query.limit ?? 50, cursor: query.cursor });
    return { items: page.items.map((view) => EmergencyDto.fromEmergency(view)), nextCursor: page.nextCursor };
  }

  /** Closes an emergency's review with an outcome (on the ledger) and an optional note (kept off it). */
  @Roles('auditor')
  @Post(':id/review')
  @RateLimit('ledger-write')
  @HttpCode(200)
  @ApiOkResponse({ type: EmergencyDto })
  @ApiErrors(
    400,
    [404, 'GRANT_NOT_FOUND: no emergency of the auditor’s hospital has this id'],
    [409, 'EMERGENCY_ALREADY_REVIEWED: the emergency was already reviewed'],
    413,
  )
  async review(
    @CurrentUser() auditor: AuthenticatedUser,
    @Param() params: AccessIdParams,
    @Body() body: ReviewEmergencyDto,
  ): Promise<EmergencyDto> {
    return EmergencyDto.fromEmergency(await this.emergencies.review(auditor, params.id, body));
  }
}
