import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import { IsDateOrDateTime, Omittable, TEXT_PATTERNS } from '../common/validation.js';
import { AUTHOR_ROLES, type AuthorRole } from '../ledger/ledger.port.js';
import type { ReportView } from './reports-query.service.js';
import { REPORT_TYPES } from './report-kinds.js';
import type { UploadSaga } from './reports.repository.js';

export class ReportIdParams {
  @IsUUID() id!: string;
}

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** No control characters (tabs and line breaks included): titles and codes are one line. */
const ONE_LINE = /^[^\p{Cc}]*$/u;

/** The fields of an upload that describe it: for whom, what kind, under which title. */
export class ReportFieldsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() patientId!: string;
  @ApiProperty({ enum: REPORT_TYPES }) @IsIn(REPORT_TYPES) type!: string;
  @ApiProperty({ minLength: 1, maxLength: 300, pattern: TEXT_PATTERNS.printableNonBlank })
  @Transform(trimmed)
  @IsString()
  @Length(1, 300)
  @Matches(ONE_LINE, { message: 'title must be one line of printable characters' })
  title!: string;
}

/**
 * The multipart form of an upload, for the OpenAPI document: the fields, then the file (the
 * parts in this order: fields after the file part are refused). The fields are checked as
 * ReportFieldsDto.
 */
export class ReportUploadFormDto extends ReportFieldsDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    minLength: 1,
    description: 'The content: one of the accepted types (its part’s Content-Type), not empty',
  })
  file!: unknown;
}

/**
 * A structured case report, sent as `application/json` to the same route as files: checked
 * field by field, then stored like an uploaded JSON file (encrypted, on IPFS, on the ledger).
 */
export class CaseReportDto extends ReportFieldsDto {
  @ApiProperty({ enum: REPORT_TYPES, default: 'report', required: false })
  @IsIn(REPORT_TYPES)
  override type: string = 'report';

  /** The diagnosis in words. */
  @ApiProperty({ minLength: 1, maxLength: 10_000, pattern: TEXT_PATTERNS.nonBlank })
  @Transform(trimmed)
  @IsString()
  @Length(1, 10_000)
  diagnosis!: string;

  /** ICD-10 codes of the diagnosis, such as `J18.9`. */
  @ApiProperty({ required: false, type: [String], maxItems: 50, example: ['J18.9'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/, {
    each: true,
    message: 'each diagnosis code must be an ICD-10 code such as J18.9',
  })
  diagnosisCodes?: string[];

  /** Examination and test findings. */
  @ApiProperty({ minLength: 1, maxLength: 100_000, pattern: TEXT_PATTERNS.nonBlank })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100_000)
  findings!: string;

  /** The body of the report: history, course, reasoning. */
  @ApiProperty({ minLength: 1, maxLength: 1_000_000 }) @IsString() @Length(1, 1_000_000) content!: string;

  /** Treatment and follow-up advised. */
  @ApiProperty({ required: false, maxLength: 100_000 })
  @Omittable()
  @IsString()
  @MaxLength(100_000)
  recommendations?: string;

  /** When the patient was seen: a date, or a date and time (RFC 3339). */
  @ApiProperty({
    required: false,
    type: String,
    anyOf: [
      { type: 'string', format: 'date' },
      { type: 'string', format: 'date-time' },
    ],
  })
  @Omittable()
  @IsDateOrDateTime()
  observedAt?: string;

  /** The document that is encrypted and stored: the validated fields under a schema name, in a fixed order. */
  toDocument(): Buffer {
    const document = {
      schema: 'medledger/case-report@1',
      patientId: this.patientId,
      type: this.type,
      title: this.title,
      diagnosis: this.diagnosis,
      diagnosisCodes: this.diagnosisCodes ?? [],
      findings: this.findings,
      content: this.content,
      recommendations: this.recommendations ?? null,
      observedAt: this.observedAt ?? null,
    };
    return Buffer.from(JSON.stringify(document), 'utf8');
  }
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
  /** `patient`: the patient added it themself (patient-provided); `doctor`: a clinician wrote it. */
  @ApiProperty({ enum: AUTHOR_ROLES }) authorRole!: AuthorRole;

  static fromSaga(saga: UploadSaga): ReportDto {
    const steps = saga.steps;
    return {
      id: saga.reportId,
      authorRole: steps.authorRole ?? 'doctor',
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
export class ReportLedgerProofDto {
  @ApiProperty() txId!: string;
  @ApiProperty({ nullable: true, type: String }) blockNumber!: string | null;
  @ApiProperty() cid!: string;
  /** SHA-256 of the ciphertext (the ledger holds no hash of the plaintext). */
  @ApiProperty() sha256!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ReportMetadataDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  /** Recorded on the ledger from the author's certificate: `patient` marks a patient-provided record. */
  @ApiProperty({ enum: AUTHOR_ROLES }) authorRole!: AuthorRole;
  @ApiProperty() type!: string;
  @ApiProperty({ nullable: true }) title!: string | null;
  @ApiProperty({ nullable: true }) contentType!: string | null;
  @ApiProperty({ nullable: true }) size!: number | null;
  @ApiProperty({ nullable: true }) sha256!: string | null;
  @ApiProperty({ type: ReportLedgerProofDto }) ledger!: ReportLedgerProofDto;

  static from(view: ReportView): ReportMetadataDto {
    const { record } = view;
    return {
      id: record.reportId,
      patientId: record.patientId,
      authorId: record.authorId,
      authorRole: record.authorRole,
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
  @ApiProperty({ type: ReportLedgerProofDto }) ledger!: ReportLedgerProofDto;
}
