import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import type { CareAssignmentRow } from './care-directory.repository.js';

export const CARE_ASSIGNMENT_STATUSES = ['active', 'ended'] as const;

/** `?patientId=&doctorId=&status=` with the page. */
export class CareAssignmentListQuery extends PageQueryDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Only this patient’s assignments' })
  @IsOptional()
  @IsUUID()
  patientId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'Only this doctor’s assignments' })
  @IsOptional()
  @IsUUID()
  doctorId?: string;

  @ApiProperty({ required: false, enum: CARE_ASSIGNMENT_STATUSES, description: 'Only running or only ended ones' })
  @IsOptional()
  @IsIn(CARE_ASSIGNMENT_STATUSES)
  status?: (typeof CARE_ASSIGNMENT_STATUSES)[number];
}

/** A care assignment of the admin's hospital, as the ledger recorded it (from the projection). */
export class CareAssignmentEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a patient this node has no account of' })
  patientName!: string | null;
  @ApiProperty({ format: 'uuid' }) doctorId!: string;
  @ApiProperty({ type: String, nullable: true }) doctorName!: string | null;
  @ApiProperty({ format: 'uuid' }) assignedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) endedBy!: string | null;
  @ApiProperty({ description: 'The transaction of the last change (the assignment, or its end)' }) txId!: string;
  @ApiProperty({ description: 'Its block' }) blockNumber!: string;

  static from(row: CareAssignmentRow): CareAssignmentEntryDto {
    return {
      id: row.assignmentId,
      patientId: row.patientId,
      patientName: row.patientName,
      doctorId: row.doctorId,
      doctorName: row.doctorName,
      assignedBy: row.assignedBy,
      startedAt: row.startedAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
      endedBy: row.endedBy,
      txId: row.txId,
      blockNumber: row.blockNumber,
    };
  }
}

export class CareAssignmentListDto {
  @ApiProperty({ type: [CareAssignmentEntryDto] }) items!: CareAssignmentEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
