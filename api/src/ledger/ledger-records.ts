import { plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
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

/** What the chaincode answered does not have the shape the API expects (a version skew or a bug). */
export class LedgerDataError extends Error {
  constructor(what: string, problems: string[]) {
    super(`the ledger answered an invalid ${what}: ${problems.join(', ')}`);
    this.name = 'LedgerDataError';
  }
}

class PingAnswerRecord implements PingAnswer {
  @IsString() @IsNotEmpty() mspId!: string;
  @ValidateIf((_, value) => value !== null) @IsString() role!: string | null;
  @ValidateIf((_, value) => value !== null) @IsString() uid!: string | null;
  @IsISO8601({ strict: true }) time!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

class ProbeRecordRecord implements ProbeRecord {
  @IsString() @IsNotEmpty() probeId!: string;
  @IsInt() @Min(1) revision!: number;
  @IsString() @IsNotEmpty() writerMspId!: string;
  @IsISO8601({ strict: true }) recordedAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

/**
 * Validates what the chaincode answered against the fields the API reads (records carry
 * more, which stay untouched) and returns it typed.
 */
function parseRecord<T extends object>(type: new () => T, what: string, json: unknown): T {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new LedgerDataError(what, ['not an object']);
  const record = plainToInstance(type, json);
  const errors = validateSync(record, { forbidUnknownValues: true, whitelist: true });
  if (errors.length > 0)
    throw new LedgerDataError(
      what,
      errors.map((error) => error.property),
    );
  return record;
}

export const parsePingAnswer = (json: unknown): PingAnswer => parseRecord(PingAnswerRecord, 'ping answer', json);
export const parseProbeRecord = (json: unknown): ProbeRecord => parseRecord(ProbeRecordRecord, 'probe', json);

class ParticipantRecordRecord implements ParticipantRecord {
  @IsUUID() uid!: string;
  @IsString() @IsNotEmpty() role!: string;
  @IsString() @IsNotEmpty() mspId!: string;
  @IsISO8601({ strict: true }) registeredAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

class CareAssignmentRecordRecord implements CareAssignmentRecord {
  @IsUUID() assignmentId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() doctorId!: string;
  @IsString() @IsNotEmpty() hospitalMspId!: string;
  @IsUUID() assignedBy!: string;
  @IsISO8601({ strict: true }) startedAt!: string;
  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true }) endedAt!: string | null;
  @ValidateIf((_, value) => value !== null) @IsUUID() endedBy!: string | null;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

const TX_ID = /^[0-9a-f]{64}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

class GrantRecordRecord implements GrantRecord {
  @IsUUID() grantId!: string;
  @IsIn(['consent', 'emergency']) kind!: 'consent' | 'emergency';
  @IsUUID() patientId!: string;
  @IsString() @IsNotEmpty() patientMspId!: string;
  @IsIn(GRANTEE_KINDS) granteeKind!: GranteeKind;
  @ValidateIf((_, value) => value !== null) @IsUUID() doctorId!: string | null;
  @ValidateIf((_, value) => value !== null) @IsString() @IsNotEmpty() doctorMspId!: string | null;
  @ValidateIf((_, value) => value !== null) @IsString() @IsNotEmpty() granteeMspId!: string | null;
  @ValidateIf((_, value) => value !== null) @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @IsISO8601({ strict: true }) validFrom!: string;
  @IsISO8601({ strict: true }) expiresAt!: string;
  @IsIn(['active', 'revoked']) status!: 'active' | 'revoked';
  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true }) revokedAt!: string | null;
  @ValidateIf((_, value) => value !== null) @IsUUID() requestId!: string | null;
  @ValidateIf((_, value) => value !== null) @Matches(HEX_DIGEST) justificationCommitment!: string | null;
  @ValidateIf((_, value) => value !== null) @IsBoolean() reviewed!: boolean | null;
  @ValidateIf((_, value) => value !== null)
  @IsIn(['appropriate', 'inappropriate'])
  reviewOutcome!: EmergencyReviewOutcome | null;
  @ValidateIf((_, value) => value !== null) @IsUUID() reviewedBy!: string | null;
  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true }) reviewedAt!: string | null;
  @IsOptional()
  @IsIn(['active', 'expired', 'revoked', 'not-yet-valid'])
  effectiveStatus?: GrantRecord['effectiveStatus'];
  @Matches(TX_ID) txId!: string;
}

class AccessRequestRecordRecord implements AccessRequestRecord {
  @IsUUID() requestId!: string;
  @IsUUID() patientId!: string;
  @IsString() @IsNotEmpty() patientMspId!: string;
  @IsUUID() doctorId!: string;
  @IsString() @IsNotEmpty() doctorMspId!: string;
  @ValidateIf((_, value) => value !== null) @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @IsInt() @Min(1) durationDays!: number;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @Matches(HEX_DIGEST) reasonCommitment!: string;
  @IsIn(['pending', 'approved', 'denied', 'cancelled']) status!: AccessRequestRecord['status'];
  @IsISO8601({ strict: true }) requestedAt!: string;
  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true }) decidedAt!: string | null;
  @ValidateIf((_, value) => value !== null) @IsUUID() grantId!: string | null;
  @Matches(TX_ID) txId!: string;
}

export const parseAccessRequest = (json: unknown): AccessRequestRecord =>
  parseRecord(AccessRequestRecordRecord, 'access request', json);

/** ApproveRequest's answer: the grant it created and the request it decided. */
export function parseApproval(json: unknown): { grant: GrantRecord; request: AccessRequestRecord } {
  const answer = json as { grant?: unknown; request?: unknown } | null;
  if (answer === null || typeof answer !== 'object') throw new LedgerDataError('approval', ['not an object']);
  return { grant: parseGrant(answer.grant), request: parseAccessRequest(answer.request) };
}

export const parseParticipant = (json: unknown): ParticipantRecord =>
  parseRecord(ParticipantRecordRecord, 'participant', json);
export const parseCareAssignment = (json: unknown): CareAssignmentRecord =>
  parseRecord(CareAssignmentRecordRecord, 'care assignment', json);
export const parseGrant = (json: unknown): GrantRecord => parseRecord(GrantRecordRecord, 'grant', json);

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

class ReportRecordRecord implements ReportRecord {
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() authorId!: string;
  @IsIn(AUTHOR_ROLES) authorRole!: AuthorRole;
  @IsString() @IsNotEmpty() type!: string;
  @IsString() @IsNotEmpty() cid!: string;
  @Matches(/^[0-9a-f]{64}$/) ciphertextSha256!: string;
  @Matches(/^[0-9a-f]{64}$/) plaintextCommitment!: string;
  @IsInt() @Min(1) size!: number;
  @IsString() @IsNotEmpty() encryptionScheme!: string;
  @IsISO8601({ strict: true }) recordedAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

class AccessReceiptRecordRecord implements AccessReceiptRecord {
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsIn(['patient', 'author', 'grant', 'emergency']) basis!: AccessReceiptRecord['basis'];
  @ValidateIf((_, value) => value !== null) @IsUUID() grantId!: string | null;
  @ValidateIf((_, value) => value !== null) @IsIn(GRANTEE_KINDS) granteeKind!: GranteeKind | null;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @IsISO8601({ strict: true }) at!: string;
}

export const parseReport = (json: unknown): ReportRecord => parseRecord(ReportRecordRecord, 'report', json);
export const parseAccessReceipt = (json: unknown): AccessReceiptRecord =>
  parseRecord(AccessReceiptRecordRecord, 'access receipt', json);

class AccessRefusalRecordRecord implements AccessRefusalRecord {
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsIn(['patient', 'doctor', 'auditor', 'admin']) readerRole!: AccessRefusalRecord['readerRole'];
  @IsIn(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']) code!: AccessRefusalRecord['code'];
  @ValidateIf((_, value) => value !== null) @IsUUID() grantId!: string | null;
  @IsISO8601({ strict: true }) at!: string;
}

export const parseAccessRefusal = (json: unknown): AccessRefusalRecord =>
  parseRecord(AccessRefusalRecordRecord, 'access refusal', json);

class ErasureRecordRecord implements ErasureRecord {
  @IsUUID() patientId!: string;
  @IsUUID() erasedBy!: string;
  @IsString() @IsNotEmpty() erasedByMspId!: string;
  @IsISO8601({ strict: true }) erasedAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

export const parseErasure = (json: unknown): ErasureRecord => parseRecord(ErasureRecordRecord, 'erasure', json);

class ReportVoidRecordRecord implements ReportVoidRecord {
  @IsUUID() reportId!: string;
  @IsUUID() voidedBy!: string;
  @IsISO8601({ strict: true }) voidedAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

export const parseReportVoid = (json: unknown): ReportVoidRecord =>
  parseRecord(ReportVoidRecordRecord, 'report void', json);
