import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import { PRINTABLE_RUN, SOLID, SPACES } from '../common/validation.js';
import type { UserEntity } from '../users/user.entity.js';

const DATE_SHAPE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const LEAP_YEAR = '(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
/** A date of the calendar, years 1 to 9999 (as patientCriterion takes one). */
const CALENDAR_DATE =
  '(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))' +
  `|${LEAP_YEAR}-02-29)`;

/**
 * What a search takes (see patientCriterion), for the OpenAPI document: at least 2 characters
 * besides the spaces around them, no control characters, and a date only if it exists.
 */
const SEARCH_TEXT = `^(?:(?!${SPACES}${DATE_SHAPE}${SPACES}$)${SPACES}${SOLID}${PRINTABLE_RUN}${SOLID}${SPACES}|${SPACES}${CALENDAR_DATE}${SPACES})$`;

export class PatientSearchQuery {
  /**
   * Any part of the patient's name, case-insensitive (at least 2 characters; several words
   * must each appear: "lovel", "ada love"), a date of birth (`1990-12-10`), or a patient id.
   * No control characters.
   */
  @ApiProperty({ minLength: 2, maxLength: 100, pattern: SEARCH_TEXT, example: 'lovel' })
  @IsString()
  @Length(2, 100)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'query must not contain control characters' })
  query!: string;
}

export class PatientIdParams {
  @IsUUID() id!: string;
}

/** The minimal demographics a doctor may see. */
export class PatientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ format: 'date', nullable: true }) dateOfBirth!: string | null;
  @ApiProperty() hospital!: string;

  static from(user: UserEntity): PatientDto {
    return { id: user.id, fullName: user.fullName, dateOfBirth: user.dateOfBirth, hospital: user.hospital };
  }
}

export class PatientListDto {
  @ApiProperty({ type: [PatientDto] }) items!: PatientDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CareTeamEntryDto {
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ format: 'uuid' }) doctorId!: string;
  @ApiProperty({ nullable: true }) doctorName!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) endedAt!: string | null;
}

export class CareTeamDto {
  @ApiProperty({ type: [CareTeamEntryDto] }) items!: CareTeamEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
