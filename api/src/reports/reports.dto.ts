import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
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
