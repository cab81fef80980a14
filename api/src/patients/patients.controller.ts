import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { CareTeamDto, PatientDto, PatientIdParams, PatientListDto, PatientSearchQuery } from './patients.dto.js';
import { PatientsService } from './patients.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('patients')
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  /**
   * Patients of the doctor's hospital, or who granted the doctor access, by any part of the
   * name, date of birth or id: minimal fields, at most 25, names that start with the query first.
   */
  @Roles('doctor')
  @Get()
  @RateLimit('search')
  @ApiOkResponse({ type: PatientListDto })
  @ApiErrors([
    400,
    'The query is missing, shorter than 2 characters (besides spaces) or longer than 100, holds a control character, or has the form of a date that does not exist',
  ])
  async search(@CurrentUser() caller: AuthenticatedUser, @Query() query: PatientSearchQuery): Promise<PatientListDto> {
    const found = await this.patients.search(caller, query.query);
    return { items: found.map((patient) => PatientDto.from(patient)), nextCursor: null };
  }

  /** Demographics: for the patient, or a doctor with an active care assignment or grant. */
  @Roles('doctor', 'patient')
  @Get(':id')
  @ApiOkResponse({ type: PatientDto })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'No patient the caller may see has this id'])
  async get(@CurrentUser() caller: AuthenticatedUser, @Param() params: PatientIdParams): Promise<PatientDto> {
    return PatientDto.from(await this.patients.get(caller, params.id));
  }

  /** The care-team history (from the ledger): for the patient, or an admin of the patient's hospital. */
  @Roles('patient', 'admin')
  @Get(':id/doctors')
  @ApiOkResponse({ type: CareTeamDto })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'Not the patient themself, or unknown to the ledger'])
  async doctors(@CurrentUser() caller: AuthenticatedUser, @Param() params: PatientIdParams): Promise<CareTeamDto> {
    return { items: await this.patients.careTeam(caller, params.id), nextCursor: null };
  }
}
