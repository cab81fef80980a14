import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateBy, type ValidationArguments } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import {
  ACCESS_OUTCOMES,
  type AccessEntry,
  type AccessOutcome,
  type AuditPage,
  REFUSAL_CODES,
  type TimelineEntry,
} from './audit-entries.js';
import { parseAuditTime } from './audit-time.js';

const TIME_DESCRIPTION = 'ISO 8601 date (midnight UTC) or date and time with Z or an offset';

/** An audit time (see parseAuditTime). */
const IsAuditTime = () =>
  ValidateBy({
    name: 'isAuditTime',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseAuditTime(value) !== undefined,
      defaultMessage: ({ property }: ValidationArguments) =>
        `${property} must be an ISO 8601 date, or date and time with Z or an offset`,
    },
  });

/** Not before the time in another field (when both are times). */
const IsNotBefore = (other: string) =>
  ValidateBy({
    name: 'isNotBefore',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[other];
        if (typeof value !== 'string' || typeof start !== 'string') return true;
        const [from, to] = [parseAuditTime(start), parseAuditTime(value)];
        return from === undefined || to === undefined || from <= to;
      },
      defaultMessage: ({ property }: ValidationArguments) => `${property} must not be before ${other}`,
    },
  });

/** `?from=&to=` (both inclusive, ledger time) with the page. */
export class AuditPeriodQuery extends PageQueryDto {
  @ApiProperty({
    required: false,
    example: '2026-11-01T00:00:00Z',
    description: `From this ledger time on; ${TIME_DESCRIPTION}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsAuditTime()
  from?: string;

  @ApiProperty({
    required: false,
    example: '2026-11-30T23:59:59.999Z',
    description: `Up to this ledger time, inclusive; not before from; ${TIME_DESCRIPTION}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsAuditTime()
  @IsNotBefore('from')
  to?: string;
}

export class PatientEventsQuery extends AuditPeriodQuery {}

export class ReportHistoryQuery extends PageQueryDto {}

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
  @ApiProperty({ example: 'hospital-b' }) hospital!: string;
  @ApiProperty({ required: false, description: 'Present when this node has the user’s account' })
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
  @ApiProperty({ type: String, nullable: true, example: 'hospital-a' }) hospital!: string | null;
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
  @ApiProperty({ type: String, nullable: true, enum: ACCESS_OUTCOMES, description: 'For accesses and refusals' })
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
