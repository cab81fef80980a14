import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, ValidateBy, type ValidationArguments } from 'class-validator';
import { LedgerEventPageQueryDto } from '../common/page-query.dto.js';
import {
  ACCESS_OUTCOMES,
  type AccessEntry,
  type AccessOutcome,
  type AuditPage,
  REFUSAL_CODES,
  TIMELINE_OUTCOMES,
  type TimelineEntry,
} from './audit-entries.js';
import { parseAuditTime } from './audit-time.js';

const TIME_DESCRIPTION =
  'One instant, inclusive: an ISO 8601 date and time with Z or an offset (seconds and fraction optional). ' +
  'A date alone (2026-11-21) is refused with 400. Instants before the year 1 or after 9999 (in UTC) stand for those years’ ends.';

/**
 * `from` and `to` are checked here only: the text becomes the instant it names (see
 * parseAuditTime) before validation, and stays text, which IsAuditTime refuses, when it is
 * none. The services get instants.
 */
const AsAuditTime = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseAuditTime(value) ?? value) : value));

/** An instant: what AsAuditTime made of an audit time (see parseAuditTime). */
const IsAuditTime = () =>
  ValidateBy({
    name: 'isAuditTime',
    validator: {
      validate: (value: unknown) => value instanceof Date,
      defaultMessage: ({ property }: ValidationArguments) =>
        `${property} must be an ISO 8601 date and time with Z or an offset (a date alone is not one)`,
    },
  });

/** `?from=&to=` (both inclusive instants of ledger time) with the page. */
export class AuditPeriodQuery extends LedgerEventPageQueryDto {
  @ApiProperty({
    required: false,
    type: String,
    format: 'date-time',
    maxLength: 40,
    example: '2026-11-01T00:00:00Z',
    description: `From this ledger time on. ${TIME_DESCRIPTION}`,
  })
  @IsOptional()
  @AsAuditTime()
  @IsAuditTime()
  from?: Date;

  @ApiProperty({
    required: false,
    type: String,
    format: 'date-time',
    maxLength: 40,
    example: '2026-11-30T23:59:59.999Z',
    description: `Up to this ledger time (before \`from\`: nothing matches). ${TIME_DESCRIPTION} For a whole day, give its last instant (2026-11-30T23:59:59.999Z).`,
  })
  @IsOptional()
  @AsAuditTime()
  @IsAuditTime()
  to?: Date;
}

export class PatientEventsQuery extends AuditPeriodQuery {}

export class ReportHistoryQuery extends LedgerEventPageQueryDto {}

/** `?outcome=` of the access lists. */
export class AccessLogQuery extends AuditPeriodQuery {
  @ApiProperty({ required: false, enum: ACCESS_OUTCOMES })
  @IsOptional()
  @IsIn(ACCESS_OUTCOMES)
  outcome?: AccessOutcome;
}

/** `?actorId=&patientId=&outcome=&from=&to=` of the auditors' access list. */
export class AccessListQuery extends AccessLogQuery {
  @ApiProperty({ required: false, format: 'uuid', description: 'Only this reader’s accesses' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'Only accesses to this patient’s records' })
  @IsOptional()
  @IsUUID()
  patientId?: string;
}

export class AuditReportParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class AuditPatientParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class AccessActorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'doctor', description: 'As the ledger certificate says (patient, doctor, auditor, admin)' })
  role!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'hospital-b',
    description: 'The hospital by name; null for an MSP this network does not list',
  })
  hospital!: string | null;
  @ApiProperty({
    required: false,
    description:
      'Present for a member of staff (doctor, admin, auditor) whose account this node has; never a patient’s',
  })
  fullName?: string;
}

/** An opening of a report, or a refused attempt, with where the ledger recorded it. */
export class AccessEntryDto {
  @ApiProperty() txId!: string;
  @ApiProperty({ type: Number }) blockNumber!: number;
  @ApiProperty({ format: 'date-time', description: 'Ledger time of the transaction' }) at!: string;
  @ApiProperty({ enum: ACCESS_OUTCOMES }) outcome!: AccessOutcome;
  @ApiProperty({ type: String, nullable: true, enum: REFUSAL_CODES, description: 'Why refused; null when granted' })
  refusalCode!: string | null;
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: String, nullable: true }) reportType!: string | null;
  @ApiProperty({ type: AccessActorDto }) actor!: AccessActorDto;
  @ApiProperty({ type: String, nullable: true, description: 'What let the reader in (patient, author, grant, care…)' })
  basis!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) grantId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'doctor, hospital or care-team, under a grant' })
  granteeKind!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'HL7 v3 PurposeOfUse code' })
  purposeOfUse!: string | null;

  static from(entry: AccessEntry): AccessEntryDto {
    const { actor } = entry;
    return {
      txId: entry.txId,
      blockNumber: entry.blockNumber,
      at: entry.at.toISOString(),
      outcome: entry.outcome,
      refusalCode: entry.refusalCode,
      reportId: entry.reportId,
      patientId: entry.patientId,
      reportType: entry.reportType,
      actor: {
        id: actor.id,
        role: actor.role,
        hospital: actor.hospital,
        ...(actor.fullName === null ? {} : { fullName: actor.fullName }),
      },
      basis: entry.basis,
      grantId: entry.grantId,
      granteeKind: entry.granteeKind,
      purposeOfUse: entry.purposeOfUse,
    };
  }
}

export class AccessListDto {
  @ApiProperty({ type: [AccessEntryDto] }) items!: AccessEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;

  static from(page: AuditPage<AccessEntry>): AccessListDto {
    return { items: page.items.map((entry) => AccessEntryDto.from(entry)), nextCursor: page.nextCursor };
  }
}

export class TimelineSubjectDto {
  @ApiProperty({ description: 'participant, report, request, grant, care, erasure, receipt or refusal' })
  type!: string;
  @ApiProperty({ description: 'The record’s key (a UUID, or the transaction ID of a receipt or refusal)' })
  id!: string;
}

export class TimelineActorDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) id!: string | null;
  @ApiProperty({ type: String, nullable: true }) role!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'hospital-a',
    description: 'The hospital by name; null for a signer without one, or an MSP this network does not list',
  })
  hospital!: string | null;
}

/** One ledger event of a timeline. */
export class TimelineEntryDto {
  @ApiProperty() txId!: string;
  @ApiProperty({ type: Number }) blockNumber!: number;
  @ApiProperty({ format: 'date-time', description: 'Ledger time of the transaction' }) at!: string;
  @ApiProperty({ example: 'ReportAccessed', description: 'The chaincode event' }) event!: string;
  @ApiProperty({ type: TimelineSubjectDto }) subject!: TimelineSubjectDto;
  @ApiProperty({ type: TimelineActorDto }) actor!: TimelineActorDto;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) reportId!: string | null;
  @ApiProperty({ type: String, nullable: true }) purposeOfUse!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: TIMELINE_OUTCOMES,
    description:
      'granted (ReportAccessed) or refused (ReportAccessRefused); appropriate or inappropriate (EmergencyReviewed); null for other events',
  })
  outcome!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: REFUSAL_CODES }) refusalCode!: string | null;

  static from(entry: TimelineEntry): TimelineEntryDto {
    return {
      txId: entry.txId,
      blockNumber: entry.blockNumber,
      at: entry.at.toISOString(),
      event: entry.event,
      subject: { type: entry.subject.type, id: entry.subject.id },
      actor: { id: entry.actor.id, role: entry.actor.role, hospital: entry.actor.hospital },
      reportId: entry.reportId,
      purposeOfUse: entry.purposeOfUse,
      outcome: entry.outcome,
      refusalCode: entry.refusalCode,
    };
  }
}

export class TimelineDto {
  @ApiProperty({ type: [TimelineEntryDto] }) items!: TimelineEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;

  static from(page: AuditPage<TimelineEntry>): TimelineDto {
    return { items: page.items.map((entry) => TimelineEntryDto.from(entry)), nextCursor: page.nextCursor };
  }
}
