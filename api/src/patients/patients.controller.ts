import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorEnvelopeDto } from '../common/ledger-answers.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { PatientErasureService } from './patient-erasure.service.js';
import {
  CareTeamDto,
  PatientDto,
  PatientErasureDto,
  PatientIdParams,
  PatientListDto,
  PatientSearchQuery,
} from './patients.dto.js';
import { PatientsService } from './patients.service.js';

@ApiTags('patients')
@Controller('patients')
export class PatientsController {
  constructor(
    private readonly patients: PatientsService,
    private readonly erasures: PatientErasureService,
  ) {}

  /**
   * Patients of the doctor's hospital, or who granted the doctor access, by any part of the
   * name, date of birth or id: minimal fields, at most 25, names that start with the query first.
   */
  @Roles('doctor')
  @Get()
  @ApiOkResponse({ type: PatientListDto })
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description:
      'The query is missing, shorter than 2 characters (besides spaces) or longer than 100, holds a control character, or has the form of a date that does not exist',
  })
  async search(@CurrentUser() caller: AuthenticatedUser, @Query() query: PatientSearchQuery): Promise<PatientListDto> {
    const found = await this.patients.search(caller, query.query);
    return { items: found.map((patient) => PatientDto.from(patient)), nextCursor: null };
  }

  /** Demographics: for the patient, or a doctor with an active care assignment or grant. */
  @Roles('doctor', 'patient')
  @Get(':id')
  @ApiOkResponse({ type: PatientDto })
  async get(@CurrentUser() caller: AuthenticatedUser, @Param() params: PatientIdParams): Promise<PatientDto> {
    return PatientDto.from(await this.patients.get(caller, params.id));
  }

  /** The care-team history (from the ledger): for the patient, or an admin of the patient's hospital. */
  @Roles('patient', 'admin')
  @Get(':id/doctors')
  @ApiOkResponse({ type: CareTeamDto })
  async doctors(@CurrentUser() caller: AuthenticatedUser, @Param() params: PatientIdParams): Promise<CareTeamDto> {
    return { items: await this.patients.careTeam(caller, params.id), nextCursor: null };
  }

  /**
   * Erases the patient's content: an admin of the patient's hospital records the erasure on
   * the ledger, then the patient's key is destroyed (every record of theirs is unreadable
   * from then on, 410) and the titles, file names and plaintext digests of their reports are
   * scrubbed. The same request again completes what was left and returns the same result.
   */
  @Roles('admin')
  @Post(':id/erasure')
  @HttpCode(200)
  @ApiOkResponse({ type: PatientErasureDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No patient has this id' })
  async erase(@CurrentUser() caller: AuthenticatedUser, @Param() params: PatientIdParams): Promise<PatientErasureDto> {
    return PatientErasureDto.from(await this.erasures.erase(caller, params.id));
  }
}
