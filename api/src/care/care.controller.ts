import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CareAssignmentDto, CareAssignmentIdParams, CreateCareAssignmentDto } from './care.dto.js';
import { CareService } from './care.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('admin')
@Controller('admin/care-assignments')
export class CareController {
  constructor(private readonly care: CareService) {}

  /** Assigns a doctor of the admin's hospital to a patient (of any hospital: one treated here); recorded on the ledger as the admin. */
  @Roles('admin')
  @Post()
  @RateLimit('ledger-write')
  @ApiCreatedResponse({ type: CareAssignmentDto })
  @ApiErrors(
    400,
    [404, 'PATIENT_NOT_FOUND: no patient has this id; DOCTOR_NOT_FOUND: no doctor of the admin’s hospital has this id'],
    [409, 'The doctor is already assigned to the patient'],
    413,
  )
  async assign(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateCareAssignmentDto,
  ): Promise<CareAssignmentDto> {
    const committed = await this.care.assign(caller, body.patientId, body.doctorId);
    return CareAssignmentDto.from(committed.result, committed);
  }

  /** Ends a care assignment; recorded on the ledger as the admin. */
  @Roles('admin')
  @Delete(':id')
  @RateLimit('ledger-write')
  @HttpCode(200)
  @ApiOkResponse({ type: CareAssignmentDto })
  @ApiErrors(
    [400, 'The id is not a UUID'],
    [404, 'No care assignment of the admin’s hospital has this id'],
    [409, 'The care assignment already ended'],
  )
  async end(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: CareAssignmentIdParams,
  ): Promise<CareAssignmentDto> {
    const committed = await this.care.end(caller, params.id);
    return CareAssignmentDto.from(committed.result, committed);
  }
}
