import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import type { UserEntity } from '../users/user.entity.js';

export class PatientSearchQuery {
  /** A name prefix (at least 2 characters) or a patient id. */
  @ApiProperty({ minLength: 2, maxLength: 100 }) @IsString() @Length(2, 100) query!: string;
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
