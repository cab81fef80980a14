import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { accessCsv, ACCESS_CSV_HEADER } from './access-csv.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import {
  AccessListDto,
  AccessListQuery,
  AuditPatientParams,
  AuditReportParams,
  PatientEventsQuery,
  ReportHistoryQuery,
  TimelineDto,
} from './audit-trail.dto.js';
import { AuditTrailService } from './audit-trail.service.js';
import { sendCsv } from './csv.js';

@ApiTags('audit')
@Controller('audit')
export class AuditTrailController {
  constructor(private readonly trail: AuditTrailService) {}

  /**
   * Every ledger change of a report and every access or refused attempt, newest first, with
   * block, transaction and ledger time: for an auditor whose hospital is party to the report
   * (its events of that hospital), and for the report's patient (another patient's report
   * is a 403, as opening it is).
   */
  @Roles('auditor', 'patient')
  @Get('reports/:id/history')
  @ApiOkResponse({ type: TimelineDto })
  @ApiErrors(
    [400, 'The id is not a UUID, `limit` out of range, or a cursor this API did not issue'],
    [403, 'ANOTHER_PATIENTS_TRAIL: the report is another patient’s'],
    [404, 'No report (the auditor’s hospital is party to) has this id'],
  )
  async reportHistory(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: AuditReportParams,
    @Query() query: ReportHistoryQuery,
  ): Promise<TimelineDto> {
    return TimelineDto.from(await this.trail.reportHistory(caller, params.id, query));
  }

  /**
   * A patient's ledger events (registration, requests, grants, emergencies, care, accesses,
   * refusals…), newest first, within `from`..`to`: for an auditor whose hospital is party to
   * the patient (the events it is party to), and for the patient themself (another
   * patient's events are a 403).
   */
  @Roles('auditor', 'patient')
  @Get('patients/:id/events')
  @ApiOkResponse({ type: TimelineDto })
  @ApiErrors(
    [400, 'The id is not a UUID, `limit` or `from`/`to` out of form, or a cursor this API did not issue'],
    [403, 'ANOTHER_PATIENTS_TRAIL: another patient’s events'],
    [404, 'No patient the auditor’s hospital is party to has this id'],
  )
  async patientEvents(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: AuditPatientParams,
    @Query() query: PatientEventsQuery,
  ): Promise<TimelineDto> {
    return TimelineDto.from(await this.trail.patientEvents(caller, params.id, query));
  }

  /**
   * Accesses to reports and refused attempts that the auditor's hospital is party to (its
   * patients' records, or opened by its users), newest first. With `Accept: text/csv`, every
   * matching row from `cursor` on, as a CSV attachment streamed page by page (`limit` is the
   * JSON page size only).
   */
  @Roles('auditor')
  @Get('accesses')
  @ApiExtraModels(AccessListDto)
  @ApiOkResponse({
    description: 'A page of accesses (JSON), or all of them as CSV with `Accept: text/csv`',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AccessListDto) } },
      'text/csv': { schema: { type: 'string' }, example: ACCESS_CSV_HEADER },
    },
  })
  @ApiErrors([400, 'A filter, `limit` or `from`/`to` out of form, or a cursor this API did not issue'])
  async accesses(
    @CurrentUser() auditor: AuthenticatedUser,
    @Query() query: AccessListQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    response.vary('Accept');
    if (request.accepts(['application/json', 'text/csv']) === 'text/csv') {
      const pages = await this.trail.exportAccesses(auditor, query);
      await sendCsv(response, 'accesses.csv', accessCsv(pages));
      return;
    }
    response.status(200).json(AccessListDto.from(await this.trail.accesses(auditor, query)));
  }
}
