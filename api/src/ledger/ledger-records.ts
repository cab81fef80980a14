import { plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  isISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  NotContains,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { PURPOSE_OF_USE_CODES, type PurposeOfUse } from './purpose-of-use.js';
import { AUTHOR_ROLES, type AuthorRole, GRANTEE_KINDS, type GranteeKind } from './ledger.port.js';
import type {
  AccessRequestRecord,
  EmergencyReviewOutcome,
  CareAssignmentRecord,
  GrantRecord,
  InspectedParticipant,
  InspectedReceipt,
  InspectedRefusal,
  InspectedReport,
  InspectedReportVoid,
  Page,
  ParticipantRecord,
  PingAnswer,
  ProbeRecord,
  ReportRecord,
  AccessReceiptRecord,
  AccessRefusalRecord,
  ErasureRecord,
  ReportVoidRecord,
} from './ledger.port.js';

/**
 * The one reading of what the chaincode wrote: its answers, the records its listings return
 * and the records its events carry (the projection's `records`, exactly as written). Each
 * field is checked as the chaincode writes it and as the projection stores it (a UUID
 * where the column is uuid, a time PostgreSQL reads as the timestamptz it was, text without
 * a NUL character), so that no record can make a projection batch's INSERT fail; fields a
 * class does not declare are dropped.
 */

/** What the chaincode answered does not have the shape the API expects (a version skew or a bug). */
export class LedgerDataError extends Error {
  constructor(what: string, problems: string[]) {
    super(`the ledger answered an invalid ${what}: ${problems.join(', ')}`);
    this.name = 'LedgerDataError';
  }
}

const TX_ID = /^[0-9a-f]{64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A time as the chaincode writes it (`Date.toISOString()`), which PostgreSQL reads as timestamptz. */
export const isLedgerTime = (value: unknown): value is string =>
  typeof value === 'string' && ISO_TIME.test(value) && isISO8601(value, { strict: true });

const IsLedgerTime = () => (target: object, property: string) => {
  Matches(ISO_TIME)(target, property);
  IsISO8601({ strict: true })(target, property);
};

/** A field that may be null; when it is not, the decorators after it apply. */
export const Nullable = () => ValidateIf((_, value) => value !== null);

/** A field that is there, and text that PostgreSQL stores (no NUL character). */
export const Text = () => (target: object, property: string) => {
  IsString()(target, property);
  IsNotEmpty()(target, property);
  NotContains('\u0000')(target, property);
};

/** `json` as a `shape` holding only the fields it declares, or the fields at fault (none when `json` is no object). */
export function validatedRecord<T extends object>(
  shape: new () => T,
  json: unknown,
): { record: T; invalid?: never } | { record?: never; invalid: string[] } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { invalid: [] };
  const record = plainToInstance(shape, json);
  const errors = validateSync(record, { forbidUnknownValues: true, whitelist: true });
  return errors.length > 0 ? { invalid: errors.map((error) => error.property) } : { record };
}

/** Validates what the chaincode answered against the fields `shape` declares and returns it typed. */
function parseRecord<T extends object>(shape: new () => T, what: string, json: unknown): T {
  const { record, invalid } = validatedRecord(shape, json);
  if (invalid) throw new LedgerDataError(what, invalid.length > 0 ? invalid : ['not an object']);
  return record;
}

class PingAnswerRecord implements PingAnswer {
  @Text() mspId!: string;
  @Nullable() @IsString() role!: string | null;
  @Nullable() @IsString() uid!: string | null;
  @IsLedgerTime() time!: string;
  @Matches(TX_ID) txId!: string;
}

class ProbeRecordRecord implements ProbeRecord {
  @Text() probeId!: string;
  @IsInt() @Min(1) revision!: number;
  @Text() writerMspId!: string;
  @IsLedgerTime() recordedAt!: string;
  @Matches(TX_ID) txId!: string;
}

export const parsePingAnswer = (json: unknown): PingAnswer => parseRecord(PingAnswerRecord, 'ping answer', json);
export const parseProbeRecord = (json: unknown): ProbeRecord => parseRecord(ProbeRecordRecord, 'probe', json);

/*
 * Records the API reads in part (a transaction's answer) extend into the record with every
 * field the ledger keeps (`Inspected…`: the inspection's listings and the events' records).
 */

class ParticipantRecordRecord implements ParticipantRecord {
  @IsUUID() uid!: string;
  @Text() role!: string;
  @Text() mspId!: string;
  @IsLedgerTime() registeredAt!: string;
  @Matches(TX_ID) txId!: string;
}

class InspectedParticipantRecord extends ParticipantRecordRecord implements InspectedParticipant {
  /** Absent on the ledger for a participant never erased. */
  @Nullable() @IsLedgerTime() erasedAt: string | null = null;
}

class ReportRecordRecord implements ReportRecord {
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() authorId!: string;
  @IsIn(AUTHOR_ROLES) authorRole!: AuthorRole;
  @Text() type!: string;
  @Text() cid!: string;
  @Matches(SHA256_HEX) ciphertextSha256!: string;
  @Matches(SHA256_HEX) plaintextCommitment!: string;
  @IsInt() @Min(1) size!: number;
  @Text() encryptionScheme!: string;
  @IsLedgerTime() recordedAt!: string;
  @Matches(TX_ID) txId!: string;
}

class InspectedReportRecord extends ReportRecordRecord implements InspectedReport {
  @Text() hospitalMspId!: string;
  @Text() authorMspId!: string;
  @IsIn(['care', 'grant', 'self']) writeBasis!: InspectedReport['writeBasis'];
  @IsUUID() writeBasisId!: string;
}

class ReportVoidRecordRecord implements ReportVoidRecord {
  @IsUUID() reportId!: string;
  @IsUUID() voidedBy!: string;
  @IsLedgerTime() voidedAt!: string;
  @Matches(TX_ID) txId!: string;
}

class InspectedReportVoidRecord extends ReportVoidRecordRecord implements InspectedReportVoid {
  @Text() voidedByMspId!: string;
}

class AccessReceiptRecordRecord implements AccessReceiptRecord {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsIn(['patient', 'author', 'grant', 'emergency']) basis!: AccessReceiptRecord['basis'];
  @Nullable() @IsUUID() grantId!: string | null;
  @Nullable() @IsIn(GRANTEE_KINDS) granteeKind!: GranteeKind | null;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @IsLedgerTime() at!: string;
}

class InspectedReceiptRecord extends AccessReceiptRecordRecord implements InspectedReceipt {
  @Text() readerMspId!: string;
  @IsIn(['patient', 'doctor']) readerRole!: InspectedReceipt['readerRole'];
}

class AccessRefusalRecordRecord implements AccessRefusalRecord {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsIn(['patient', 'doctor', 'auditor', 'admin']) readerRole!: AccessRefusalRecord['readerRole'];
  @IsIn(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']) code!: AccessRefusalRecord['code'];
  @Nullable() @IsUUID() grantId!: string | null;
  @IsLedgerTime() at!: string;
}

class InspectedRefusalRecord extends AccessRefusalRecordRecord implements InspectedRefusal {
  @Text() readerMspId!: string;
  /** The ended grant's purpose; absent or null when no grant was involved. */
  @Nullable() @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse: PurposeOfUse | null = null;
}

class AccessRequestRecordRecord implements AccessRequestRecord {
  @IsUUID() requestId!: string;
  @IsUUID() patientId!: string;
  @Text() patientMspId!: string;
  @IsUUID() doctorId!: string;
  @Text() doctorMspId!: string;
  @Nullable() @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @IsInt() @Min(1) durationDays!: number;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @Matches(SHA256_HEX) reasonCommitment!: string;
  @IsIn(['pending', 'approved', 'denied', 'cancelled']) status!: AccessRequestRecord['status'];
  @IsLedgerTime() requestedAt!: string;
  @Nullable() @IsLedgerTime() decidedAt!: string | null;
  @Nullable() @IsUUID() grantId!: string | null;
  @Matches(TX_ID) txId!: string;
}

class GrantRecordRecord implements GrantRecord {
  @IsUUID() grantId!: string;
  @IsIn(['consent', 'emergency']) kind!: 'consent' | 'emergency';
  @IsUUID() patientId!: string;
  @Text() patientMspId!: string;
  @IsIn(GRANTEE_KINDS) granteeKind!: GranteeKind;
  @Nullable() @IsUUID() doctorId!: string | null;
  @Nullable() @Text() doctorMspId!: string | null;
  @Nullable() @Text() granteeMspId!: string | null;
  @Nullable() @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @IsLedgerTime() validFrom!: string;
  @IsLedgerTime() expiresAt!: string;
  @IsIn(['active', 'revoked']) status!: 'active' | 'revoked';
  @Nullable() @IsLedgerTime() revokedAt!: string | null;
  @Nullable() @IsUUID() requestId!: string | null;
  @Nullable() @Matches(SHA256_HEX) justificationCommitment!: string | null;
  @Nullable() @IsBoolean() reviewed!: boolean | null;
  @Nullable() @IsIn(['appropriate', 'inappropriate']) reviewOutcome!: EmergencyReviewOutcome | null;
  @Nullable() @IsUUID() reviewedBy!: string | null;
  @Nullable() @IsLedgerTime() reviewedAt!: string | null;
  @IsOptional()
  @IsIn(['active', 'expired', 'revoked', 'not-yet-valid'])
  effectiveStatus?: GrantRecord['effectiveStatus'];
  @Matches(TX_ID) txId!: string;
}

class CareAssignmentRecordRecord implements CareAssignmentRecord {
  @IsUUID() assignmentId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() doctorId!: string;
  @Text() hospitalMspId!: string;
  @IsUUID() assignedBy!: string;
  @IsLedgerTime() startedAt!: string;
  @Nullable() @IsLedgerTime() endedAt!: string | null;
  @Nullable() @IsUUID() endedBy!: string | null;
  @Matches(TX_ID) txId!: string;
}

class ErasureRecordRecord implements ErasureRecord {
  @IsUUID() patientId!: string;
  @IsUUID() erasedBy!: string;
  @Text() erasedByMspId!: string;
  @IsLedgerTime() erasedAt!: string;
  @Matches(TX_ID) txId!: string;
}

/** Every record a transaction writes, with every field the ledger keeps, by its type in an event's `records`. */
export interface LedgerRecords {
  participant: InspectedParticipant;
  report: InspectedReport;
  void: InspectedReportVoid;
  receipt: InspectedReceipt;
  refusal: InspectedRefusal;
  request: AccessRequestRecord;
  grant: GrantRecord;
  care: CareAssignmentRecord;
  erasure: ErasureRecord;
}

/** How each record type of LedgerRecords is checked. */
export const LEDGER_RECORD_SHAPES: { [type in keyof LedgerRecords]: new () => LedgerRecords[type] } = {
  participant: InspectedParticipantRecord,
  report: InspectedReportRecord,
  void: InspectedReportVoidRecord,
  receipt: InspectedReceiptRecord,
  refusal: InspectedRefusalRecord,
  request: AccessRequestRecordRecord,
  grant: GrantRecordRecord,
  care: CareAssignmentRecordRecord,
  erasure: ErasureRecordRecord,
};

export const parseParticipant = (json: unknown): ParticipantRecord =>
  parseRecord(ParticipantRecordRecord, 'participant', json);
export const parseInspectedParticipant = (json: unknown): InspectedParticipant =>
  parseRecord(InspectedParticipantRecord, 'participant', json);
export const parseReport = (json: unknown): ReportRecord => parseRecord(ReportRecordRecord, 'report', json);
export const parseInspectedReport = (json: unknown): InspectedReport =>
  parseRecord(InspectedReportRecord, 'report', json);
export const parseReportVoid = (json: unknown): ReportVoidRecord =>
  parseRecord(ReportVoidRecordRecord, 'report void', json);
export const parseAccessReceipt = (json: unknown): AccessReceiptRecord =>
  parseRecord(AccessReceiptRecordRecord, 'access receipt', json);
export const parseInspectedReceipt = (json: unknown): InspectedReceipt =>
  parseRecord(InspectedReceiptRecord, 'access receipt', json);
export const parseAccessRefusal = (json: unknown): AccessRefusalRecord =>
  parseRecord(AccessRefusalRecordRecord, 'access refusal', json);
export const parseInspectedRefusal = (json: unknown): InspectedRefusal =>
  parseRecord(InspectedRefusalRecord, 'access refusal', json);
export const parseAccessRequest = (json: unknown): AccessRequestRecord =>
  parseRecord(AccessRequestRecordRecord, 'access request', json);
export const parseGrant = (json: unknown): GrantRecord => parseRecord(GrantRecordRecord, 'grant', json);
export const parseCareAssignment = (json: unknown): CareAssignmentRecord =>
  parseRecord(CareAssignmentRecordRecord, 'care assignment', json);
export const parseErasure = (json: unknown): ErasureRecord => parseRecord(ErasureRecordRecord, 'erasure', json);

/** ApproveRequest's answer: the grant it created and the request it decided. */
export function parseApproval(json: unknown): { grant: GrantRecord; request: AccessRequestRecord } {
  const answer = json as { grant?: unknown; request?: unknown } | null;
  if (answer === null || typeof answer !== 'object') throw new LedgerDataError('approval', ['not an object']);
  return { grant: parseGrant(answer.grant), request: parseAccessRequest(answer.request) };
}

/** A page of a list query: `{ items, nextBookmark }` with every item parsed. */
export function parsePage<T>(parseItem: (json: unknown) => T): (json: unknown) => Page<T> {
  return (json) => {
    const page = json as { items?: unknown; nextBookmark?: unknown };
    if (!Array.isArray(page?.items) || !(page.nextBookmark === null || typeof page.nextBookmark === 'string')) {
      throw new LedgerDataError('page', ['items', 'nextBookmark']);
    }
    return { items: page.items.map(parseItem), nextBookmark: page.nextBookmark };
  };
}
