import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import type { UserEntity } from '../users/user.entity.js';
import type { PatientErasure } from './patient-erasure.service.js';

export class PatientSearchQuery {
  /**
   * Any part of the patient's name, case-insensitive (at least 2 characters; several words
   * must each appear: "lovel", "ada love"), a date of birth (`1990-12-10`), or a patient id.
   * No control characters.
   */
  @ApiProperty({ minLength: 2, maxLength: 100, example: 'lovel' })
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

/** A patient's content, erased: recorded on the ledger, their key destroyed, report titles and file names scrubbed. */
export class PatientErasureDto {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  /** When the ledger recorded the erasure (its transaction's time). */
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
  /** The ledger transaction that recorded it. */
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) txId!: string;
  /** Its block; null when a resumed request found the erasure already on the ledger. */
  @ApiProperty({ type: String, nullable: true }) blockNumber!: string | null;
  /** How many of the patient's reports are unreadable from now on. */
  @ApiProperty({ minimum: 0 }) reportsErased!: number;

  static from(erasure: PatientErasure): PatientErasureDto {
    return {
      patientId: erasure.patientId,
      erasedAt: erasure.erasedAt,
      txId: erasure.txId,
      blockNumber: erasure.blockNumber,
      reportsErased: erasure.reportsErased,
    };
  }
}
