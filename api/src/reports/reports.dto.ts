import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import type { ReportView } from './reports-query.service.js';
import { REPORT_TYPES } from './upload.service.js';
import type { UploadSaga } from './reports.repository.js';

export class ReportIdParams {
  @IsUUID() id!: string;
}

/** A recorded report with its ledger proof. */
export class ReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() title!: string;
  /** CIDv1 of the ciphertext on IPFS. */
  @ApiProperty() cid!: string;
  /** SHA-256 of the plaintext (never on the ledger; the ledger holds a salted commitment). */
  @ApiProperty() sha256!: string;
  @ApiProperty() size!: number;
  @ApiProperty() txId!: string;
  @ApiProperty({ nullable: true }) blockNumber!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;

  static fromSaga(saga: UploadSaga): ReportDto {
    const steps = saga.steps;
    return {
      id: saga.reportId,
      patientId: steps.patientId!,
      type: steps.type!,
      title: steps.title!,
      cid: steps.cid!,
      sha256: steps.plaintextSha256!,
      size: steps.plaintextSize!,
      txId: steps.txId!,
      blockNumber: steps.blockNumber ?? null,
      recordedAt: steps.recordedAt!,
    };
  }
}

export class ReportListQuery extends PageQueryDto {
  @ApiProperty({ required: false, format: 'uuid' }) @IsOptional() @IsUUID() patientId?: string;
  @ApiProperty({ required: false, enum: REPORT_TYPES }) @IsOptional() @IsIn(REPORT_TYPES) type?: string;
}

/** What the ledger holds of a report: the proof that it was recorded, and never altered. */
export class LedgerProofDto {
  @ApiProperty() txId!: string;
  @ApiProperty({ nullable: true }) blockNumber!: string | null;
  @ApiProperty() cid!: string;
  /** SHA-256 of the ciphertext (the ledger holds no hash of the plaintext). */
  @ApiProperty() sha256!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ReportMetadataDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ nullable: true }) title!: string | null;
  @ApiProperty({ nullable: true }) contentType!: string | null;
  @ApiProperty({ nullable: true }) size!: number | null;
  @ApiProperty({ nullable: true }) sha256!: string | null;
  @ApiProperty({ type: LedgerProofDto }) ledger!: LedgerProofDto;

  static from(view: ReportView): ReportMetadataDto {
    const { record } = view;
    return {
      id: record.reportId,
      patientId: record.patientId,
      authorId: record.authorId,
      type: record.type,
      title: view.title,
      contentType: view.contentType,
      size: view.plaintextSize,
      sha256: view.plaintextSha256,
      ledger: {
        txId: record.txId,
        blockNumber: view.blockNumber,
        cid: record.cid,
        sha256: record.ciphertextSha256,
        recordedAt: record.recordedAt,
      },
    };
  }
}

export class ReportListDto {
  @ApiProperty({ type: [ReportMetadataDto] }) items!: ReportMetadataDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class VerificationChecksDto {
  @ApiProperty() cid!: boolean;
  @ApiProperty() ciphertext!: boolean;
  /** null for auditors, who verify without decrypting. */
  @ApiProperty({ type: Boolean, nullable: true }) plaintext!: boolean | null;
  @ApiProperty() ledger!: boolean;
}

export class VerificationDto {
  @ApiProperty() verified!: boolean;
  @ApiProperty({ type: VerificationChecksDto }) checks!: VerificationChecksDto;
  @ApiProperty({ type: LedgerProofDto }) ledger!: LedgerProofDto;
}
