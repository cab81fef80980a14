import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CareAssignmentEntryDto, CareAssignmentListDto, CareAssignmentListQuery } from './care-directory.dto.js';
import { CareDirectoryService } from './care-directory.service.js';

/** The care assignments of the admin's hospital, for its admins. */
@ApiTags('admin')
@Controller('admin/care-assignments')
export class CareDirectoryController {
  constructor(private readonly directory: CareDirectoryService) {}

  /**
   * Care assignments that the admin's hospital made (running and ended), newest first, with
   * the patient's and doctor's names and the transaction of the last change. Read from the
   * ledger projection: a new assignment or its end shows once its event is projected.
   */
  @Roles('admin')
  @Get()
  @ApiOkResponse({ type: CareAssignmentListDto })
  @ApiErrors([400, 'A filter or `limit` out of range, or a cursor this API did not issue'])
  async listAssignments(
    @CurrentUser() admin: AuthenticatedUser,
    @Query() query: CareAssignmentListQuery,
  ): Promise<CareAssignmentListDto> {
    const page = await this.directory.assignments(
      admin,
      { patientId: query.patientId, doctorId: query.doctorId, status: query.status },
      { limit: query.limit, cursor: query.cursor },
    );
    return { items: page.items.map((row) => CareAssignmentEntryDto.from(row)), nextCursor: page.nextCursor };
  }
}
