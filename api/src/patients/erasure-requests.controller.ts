import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import {
  ErasureRequestDto,
  ErasureRequestIdParams,
  PatientErasureRequestDto,
  PatientErasureRequestListDto,
} from './erasure-requests.dto.js';
import { ErasureRequestsService } from './erasure-requests.service.js';

/** The patient's own erasure request. */
@ApiTags('patients')
@Controller('me/erasure-request')
export class MyErasureRequestController {
  constructor(private readonly requests: ErasureRequestsService) {}

  /**
   * The patient asks for the erasure of their records: once an admin of their hospital
   * confirms it and the cooling-off delay has passed, their key is destroyed (every record
   * unreadable), their name, date of birth and e-mail address are replaced by a pseudonym,
   * and the ledger records the erasure. Their hospital's admins are notified.
   */
  @Roles('patient')
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ErasureRequestDto })
  @ApiErrors([409, 'ERASURE_REQUEST_OPEN: the patient has a request already'])
  async request(@CurrentUser() patient: AuthenticatedUser): Promise<ErasureRequestDto> {
    return ErasureRequestDto.from(await this.requests.request(patient));
  }

  /** The patient's open request and its state (waiting for an admin, confirmed with its effective time, taking effect). */
  @Roles('patient')
  @Get()
  @ApiOkResponse({ type: ErasureRequestDto })
  @ApiErrors([404, 'The patient has no open erasure request'])
  async current(@CurrentUser() patient: AuthenticatedUser): Promise<ErasureRequestDto> {
    return ErasureRequestDto.from(await this.requests.current(patient));
  }

  /** The patient cancels their request, at any time before it takes effect. */
  @Roles('patient')
  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Cancelled: nothing is erased' })
  @ApiErrors(
    [404, 'The patient has no open erasure request'],
    [409, 'ERASURE_TAKING_EFFECT: the effective time has come; it can no longer be cancelled'],
  )
  async cancel(@CurrentUser() patient: AuthenticatedUser): Promise<void> {
    await this.requests.cancel(patient);
  }
}

/** The erasure requests of the admin's hospital: an admin confirms them, never starts one. */
@ApiTags('admin')
@Controller('admin/erasure-requests')
export class AdminErasureRequestsController {
  constructor(private readonly requests: ErasureRequestsService) {}

  /** Requests of the admin's hospital that wait for a confirmation or for their effective time, newest first. */
  @Roles('admin')
  @Get()
  @ApiOkResponse({ type: PatientErasureRequestListDto })
  @ApiErrors([400, 'The limit, or a cursor this API did not issue'])
  async waiting(
    @CurrentUser() admin: AuthenticatedUser,
    @Query() query: PageQueryDto,
  ): Promise<PatientErasureRequestListDto> {
    const page = await this.requests.waiting(admin, { limit: query.limit, cursor: query.cursor });
    return { items: page.items.map((item) => PatientErasureRequestDto.from(item)), nextCursor: page.nextCursor };
  }

  /**
   * Confirms a patient's request: it takes effect after the cooling-off delay
   * (`effectiveAt`), during which the patient can still cancel it, and the patient is
   * notified.
   */
  @Roles('admin')
  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: PatientErasureRequestDto })
  @ApiErrors(
    [400, 'The id is not a UUID'],
    [404, 'No erasure request of the admin’s hospital has this id'],
    [409, 'ERASURE_REQUEST_NOT_PENDING: confirmed already, cancelled, or carried out'],
  )
  async confirm(
    @CurrentUser() admin: AuthenticatedUser,
    @Param() params: ErasureRequestIdParams,
  ): Promise<PatientErasureRequestDto> {
    return PatientErasureRequestDto.from(await this.requests.confirm(admin, params.id));
  }
}
