import { ApiProperty } from '@nestjs/swagger';

import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ApiSchemaRules } from '../common/openapi-document.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { GRANTEE_KINDS, type GranteeKind } from '../ledger/ledger.port.js';
import { HasNoNulCharacter, Omittable, TEXT_PATTERNS } from '../common/validation.js';
import type { AccessRequestView, EmergencyView, GrantView, NamedDoctor } from './access-views.js';
import {
  ACCESS_REQUEST_STATUSES,
  CONSENT_LIMITS,
  EMERGENCY_LIMITS,
  GRANT_KINDS,
  GRANT_STATUSES,
  type GrantKind,
  type GrantStatus,
  REVIEW_OUTCOMES,
} from './consent-terms.js';
import { CONSENT_PURPOSES, PURPOSE_OF_USE_CODES } from '../ledger/purpose-of-use.js';

/** A hospital's name in this API (`hospital-a`). */
const HOSPITAL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const PURPOSE_DESCRIPTION = 'HL7 v3 PurposeOfUse code; TREAT when omitted (ETREAT is for emergency access only)';

/** A list of report IDs: a scope of some of the patient's reports (`nullable`: or null, all of them). */
function ReportScope(description: string, options: { nullable?: boolean } = {}): PropertyDecorator {
  return (target, key) => {
    ApiProperty({
      required: false,
      type: [String],
      format: 'uuid',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      ...(options.nullable ? { nullable: true } : {}),
      description,
    })(target, key);
    // IsOptional lets null pass as well: all of the patient's reports, as a grant's `reportIds: null` reads.
    (options.nullable ? IsOptional() : Omittable())(target, key);
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(100)(target, key);
    ArrayUnique()(target, key);
    IsUUID('all', { each: true })(target, key);
  };
}

/** `durationDays` (whole days) or `durationMinutes` (down to one consultation): the length of a grant. */
export class GrantDurationDto {
  @ApiProperty({ required: false, type: 'integer', minimum: CONSENT_LIMITS.minDays, maximum: CONSENT_LIMITS.maxDays })
  @Omittable()
  @IsInt()
  @Min(CONSENT_LIMITS.minDays)
  @Max(CONSENT_LIMITS.maxDays)
  durationDays?: number;

  @ApiProperty({
    required: false,
    type: 'integer',
    minimum: CONSENT_LIMITS.minMinutes,
    maximum: CONSENT_LIMITS.maxMinutes,
    description: 'Instead of durationDays: a grant for one consultation (5 minutes and up)',
  })
  @Omittable()
  @IsInt()
  @Min(CONSENT_LIMITS.minMinutes)
  @Max(CONSENT_LIMITS.maxMinutes)
  durationMinutes?: number;
}

export class CreateAccessRequestDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() patientId!: string;

  /** Why the doctor asks; shown to the patient, kept off the ledger (a keyed commitment goes on it). */
  @ApiProperty({ minLength: 3, maxLength: 2000, pattern: TEXT_PATTERNS.noNul })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  @HasNoNulCharacter()
  reason!: string;

  @ApiProperty({ required: false, enum: CONSENT_PURPOSES, description: PURPOSE_DESCRIPTION })
  @Omittable()
  @IsIn(CONSENT_PURPOSES)
  purposeOfUse?: (typeof CONSENT_PURPOSES)[number];

  @ReportScope("The reports asked for; all of the patient's when omitted")
  reportIds?: string[];

  @ApiProperty({
    required: false,
    type: 'integer',
    minimum: CONSENT_LIMITS.minDays,
    maximum: CONSENT_LIMITS.maxDays,
    default: 30,
  })
  @Omittable()
  @IsInt()
  @Min(CONSENT_LIMITS.minDays)
  @Max(CONSENT_LIMITS.maxDays)
  durationDays?: number;
}

export class AccessRequestListQuery extends PageQueryDto {
  @ApiProperty({
    required: false,
    enum: ['incoming', 'outgoing'],
    description: 'incoming: requests to the patient (patients); outgoing: requests the doctor made (doctors)',
  })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';

  @ApiProperty({ required: false, enum: ACCESS_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(ACCESS_REQUEST_STATUSES)
  status?: (typeof ACCESS_REQUEST_STATUSES)[number];
}

@ApiSchemaRules({ not: { required: ['durationDays', 'durationMinutes'] } })
export class ApproveRequestDto extends GrantDurationDto {
  @ApiProperty({
    required: false,
    enum: GRANTEE_KINDS,
    default: 'doctor',
    description:
      'Whom the grant lets in: the requesting doctor, every doctor of their hospital, or the care team there',
  })
  @Omittable()
  @IsIn(GRANTEE_KINDS)
  grantee?: GranteeKind;

  @ReportScope(
    "The reports the grant covers (a subset or others of the patient's); null: all of the patient's reports, " +
      'including ones added later, whatever the request named; what was asked when omitted',
    { nullable: true },
  )
  reportIds?: string[] | null;
}

export class DenyRequestDto {
  @ApiProperty({ required: false, maxLength: 2000, pattern: TEXT_PATTERNS.noNul })
  @Omittable()
  @IsString()
  @MaxLength(2000)
  @HasNoNulCharacter()
  reason?: string;
}

/** Exactly one grantee (`doctorId`, `hospital` or `careTeamAt`) and one duration (`durationDays` or `durationMinutes`). */
@ApiSchemaRules({
  allOf: [
    { oneOf: [{ required: ['doctorId'] }, { required: ['hospital'] }, { required: ['careTeamAt'] }] },
    { oneOf: [{ required: ['durationDays'] }, { required: ['durationMinutes'] }] },
  ],
})
export class CreateGrantDto extends GrantDurationDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'One doctor' })
  @Omittable()
  @IsUUID()
  doctorId?: string;

  @ApiProperty({
    required: false,
    example: 'hospital-b',
    pattern: HOSPITAL_NAME.source,
    description: 'Every doctor of this hospital',
  })
  @Omittable()
  @Matches(HOSPITAL_NAME)
  hospital?: string;

  @ApiProperty({
    required: false,
    example: 'hospital-b',
    pattern: HOSPITAL_NAME.source,
    description: 'The doctors assigned to the patient at this hospital when they open a record',
  })
  @Omittable()
  @Matches(HOSPITAL_NAME)
  careTeamAt?: string;

  @ReportScope("The reports the grant covers; all of the patient's when omitted")
  reportIds?: string[];

  @ApiProperty({ required: false, enum: CONSENT_PURPOSES, description: PURPOSE_DESCRIPTION })
  @Omittable()
  @IsIn(CONSENT_PURPOSES)
  purposeOfUse?: (typeof CONSENT_PURPOSES)[number];
}

export class GrantListQuery extends PageQueryDto {
  @ApiProperty({ required: false, enum: GRANT_STATUSES }) @IsOptional() @IsIn(GRANT_STATUSES) status?: GrantStatus;
  @ApiProperty({ required: false, enum: GRANT_KINDS }) @IsOptional() @IsIn(GRANT_KINDS) kind?: GrantKind;
}

export class DeclareEmergencyDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() patientId!: string;

  /** Why the glass is broken; reviewed by an auditor, kept off the ledger. */
  @ApiProperty({ minLength: EMERGENCY_LIMITS.minJustification, maxLength: 2000, pattern: TEXT_PATTERNS.noNul })
  @IsString()
  @MinLength(EMERGENCY_LIMITS.minJustification)
  @MaxLength(2000)
  @HasNoNulCharacter()
  justification!: string;

  @ApiProperty({
    required: false,
    type: 'integer',
    minimum: 1,
    maximum: EMERGENCY_LIMITS.maxHours,
    description: 'Hours of access; the configured maximum (at most 24, and no more than it) when omitted',
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(EMERGENCY_LIMITS.maxHours)
  durationHours?: number;
}

export class EmergencyListQuery extends PageQueryDto {
  @ApiProperty({ required: false, enum: ['true', 'false'], description: 'Only reviewed (true) or unreviewed (false)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  reviewed?: 'true' | 'false';
}

export class ReviewEmergencyDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES }) @IsIn(REVIEW_OUTCOMES) outcome!: (typeof REVIEW_OUTCOMES)[number];
  /** The auditor's note, kept off the ledger. */
  @ApiProperty({ required: false, maxLength: 2000, pattern: TEXT_PATTERNS.noNul })
  @Omittable()
  @IsString()
  @MaxLength(2000)
  @HasNoNulCharacter()
  note?: string;
}

export class AccessIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

/** Where the last change of a request or grant sits on the ledger. */
export class ConsentLedgerProofDto {
  @ApiProperty({ description: 'The transaction that made this change' }) txId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Its block, when this answer committed it' })
  blockNumber!: string | null;
}

/** A doctor named by a request or grant, from their account: staff data, never a patient's. */
export class NamedDoctorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Grace Hopper' }) fullName!: string;
  @ApiProperty({ example: 'hospital-b', description: 'The doctor’s hospital' }) hospital!: string;

  static from(doctor: NamedDoctor | null): NamedDoctorDto | null {
    return doctor === null ? null : { id: doctor.id, fullName: doctor.fullName, hospital: doctor.hospital };
  }
}

export class AccessRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid' }) doctorId!: string;
  @ApiProperty({
    type: NamedDoctorDto,
    nullable: true,
    description: 'The requesting doctor by name and hospital; null when their account no longer exists',
  })
  doctor!: NamedDoctorDto | null;
  @ApiProperty({ type: [String], format: 'uuid', nullable: true, description: "null: all of the patient's reports" })
  reportIds!: string[] | null;
  @ApiProperty() durationDays!: number;
  @ApiProperty({ enum: PURPOSE_OF_USE_CODES }) purposeOfUse!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null once erased with the patient' })
  reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) denialReason!: string | null;
  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) grantId!: string | null;
  @ApiProperty({ type: ConsentLedgerProofDto, description: 'The transaction of the last change' })
  ledger!: ConsentLedgerProofDto;

  static from(view: AccessRequestView): AccessRequestDto {
    const { record } = view;
    return {
      id: record.requestId,
      patientId: record.patientId,
      doctorId: record.doctorId,
      doctor: NamedDoctorDto.from(view.doctor),
      reportIds: record.reportIds,
      durationDays: record.durationDays,
      purposeOfUse: record.purposeOfUse,
      reason: view.reason,
      denialReason: view.denialReason,
      status: record.status,
      requestedAt: record.requestedAt,
      decidedAt: record.decidedAt,
      grantId: record.grantId,
      ledger: { txId: view.txId, blockNumber: view.blockNumber },
    };
  }
}

export class AccessRequestListDto {
  @ApiProperty({ type: [AccessRequestDto] }) items!: AccessRequestDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class GranteeDto {
  @ApiProperty({ enum: GRANTEE_KINDS }) kind!: GranteeKind;
  @ApiProperty({ description: 'The doctor’s id, or the hospital’s name (`hospital-b`)' }) id!: string;
}

export class GrantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for a hospital or care-team grant' })
  doctorId!: string | null;
  @ApiProperty({
    type: NamedDoctorDto,
    nullable: true,
    description:
      'The doctor the grant lets in, by name and hospital; null for a hospital or care-team grant, or when the doctor’s account no longer exists',
  })
  doctor!: NamedDoctorDto | null;
  @ApiProperty({ type: GranteeDto }) grantee!: GranteeDto;
  @ApiProperty({ type: [String], format: 'uuid', nullable: true, description: "null: all of the patient's reports" })
  reportIds!: string[] | null;
  @ApiProperty({ enum: PURPOSE_OF_USE_CODES }) purposeOfUse!: string;
  @ApiProperty({ enum: GRANT_KINDS }) kind!: string;
  @ApiProperty({ enum: GRANT_STATUSES, description: 'At ledger time' }) status!: string;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ type: ConsentLedgerProofDto, description: 'The transaction of the last change' })
  ledger!: ConsentLedgerProofDto;

  static from(view: GrantView): GrantDto {
    const { record } = view;
    return {
      id: record.grantId,
      patientId: record.patientId,
      doctorId: record.doctorId,
      doctor: NamedDoctorDto.from(view.doctor),
      grantee: view.grantee,
      reportIds: record.reportIds,
      purposeOfUse: record.purposeOfUse,
      kind: record.kind,
      status: view.status,
      validFrom: record.validFrom,
      expiresAt: record.expiresAt,
      revokedAt: record.revokedAt,
      requestId: record.requestId,
      ledger: { txId: view.txId, blockNumber: view.blockNumber },
    };
  }
}

export class GrantListDto {
  @ApiProperty({ type: [GrantDto] }) items!: GrantDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class EmergencyReviewDto {
  @ApiProperty({
    enum: REVIEW_OUTCOMES,
    nullable: true,
    type: String,
    description: 'null for a review recorded before outcomes were',
  })
  outcome!: string | null;
  @ApiProperty({ format: 'uuid' }) reviewedBy!: string;
  @ApiProperty({ format: 'date-time' }) reviewedAt!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
}

/** An emergency grant as auditors review it: the grant, its justification, and the review once done. */
export class EmergencyDto extends GrantDto {
  @ApiProperty({ nullable: true, type: String, description: 'null once erased with the patient' })
  justification!: string | null;
  @ApiProperty({ type: EmergencyReviewDto, nullable: true }) review!: EmergencyReviewDto | null;

  static fromEmergency(view: EmergencyView): EmergencyDto {
    const { record } = view;
    return {
      ...GrantDto.from(view),
      justification: view.justification,
      review:
        record.reviewed && record.reviewedBy && record.reviewedAt
          ? {
              outcome: record.reviewOutcome,
              reviewedBy: record.reviewedBy,
              reviewedAt: record.reviewedAt,
              note: view.reviewNote,
            }
          : null,
    };
  }
}

export class EmergencyListDto {
  @ApiProperty({ type: [EmergencyDto] }) items!: EmergencyDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
