import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import { VerificationChecksDto } from '../reports/reports.dto.js';

export class IntegrityReportQuery extends PageQueryDto {
  /** Only this patient's reports. */
  @ApiProperty({ required: false, format: 'uuid' }) @IsOptional() @IsUUID() patientId?: string;
}

export class IntegrityMismatchDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: VerificationChecksDto }) checks!: VerificationChecksDto;
}

/** One batch of an integrity report: counts, every mismatch, and where the next batch starts. */
export class IntegrityReportDto {
  @ApiProperty() checked!: number;
  @ApiProperty() verified!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: [IntegrityMismatchDto] }) mismatches!: IntegrityMismatchDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
