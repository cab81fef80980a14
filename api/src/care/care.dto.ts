import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { Committed, CareAssignmentRecord } from '../ledger/ledger.port.js';

export class CreateCareAssignmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() patientId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() doctorId!: string;
}

export class CareAssignmentIdParams {
  @IsUUID() id!: string;
}

/** A care assignment as the ledger recorded it, with the transaction that recorded it. */
export class CareAssignmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid' }) doctorId!: string;
  @ApiProperty({ format: 'uuid' }) assignedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ required: false }) txId?: string;
  @ApiProperty({ required: false }) blockNumber?: string;

  static from(record: CareAssignmentRecord, committed?: Committed<unknown>): CareAssignmentDto {
    return {
      id: record.assignmentId,
      patientId: record.patientId,
      doctorId: record.doctorId,
      assignedBy: record.assignedBy,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      ...(committed ? { txId: committed.transactionId, blockNumber: committed.blockNumber.toString() } : {}),
    };
  }
}
