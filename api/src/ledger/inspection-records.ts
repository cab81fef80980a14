import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { LedgerDataError } from './ledger-records.js';
import {
  AUTHOR_ROLES,
  type AuthorRole,
  GRANTEE_KINDS,
  type GranteeKind,
  type InspectedParticipant,
  type InspectedReceipt,
  type InspectedRefusal,
  type InspectedReport,
} from './ledger.port.js';
import { PURPOSE_OF_USE_CODES, type PurposeOfUse } from './purpose-of-use.js';

const TX_ID = /^[0-9a-f]{64}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const nullable = (_: object, value: unknown) => value !== null;

/**
 * Validates a record the chaincode answered and keeps exactly the fields declared here
 * (the reconciliation compares every one of them, so none may be dropped silently).
 */
function parseInspected<T extends object>(type: new () => T, what: string, json: unknown): T {
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

class InspectedParticipantRecord implements InspectedParticipant {
  @IsUUID() uid!: string;
  @IsString() @IsNotEmpty() role!: string;
  @IsString() @IsNotEmpty() mspId!: string;
  @IsISO8601({ strict: true }) registeredAt!: string;
  /** Absent on the ledger for a participant never erased. */
  @ValidateIf(nullable) @IsISO8601({ strict: true }) erasedAt: string | null = null;
  @Matches(TX_ID) txId!: string;
}

class InspectedReportRecord implements InspectedReport {
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsString() @IsNotEmpty() hospitalMspId!: string;
  @IsUUID() authorId!: string;
  @IsString() @IsNotEmpty() authorMspId!: string;
  @IsIn(AUTHOR_ROLES) authorRole!: AuthorRole;
  @IsString() @IsNotEmpty() type!: string;
  @IsString() @IsNotEmpty() cid!: string;
  @Matches(HEX_DIGEST) ciphertextSha256!: string;
  @Matches(HEX_DIGEST) plaintextCommitment!: string;
  @IsInt() @Min(1) size!: number;
  @IsString() @IsNotEmpty() encryptionScheme!: string;
  @IsISO8601({ strict: true }) recordedAt!: string;
  @IsIn(['care', 'grant', 'self']) writeBasis!: InspectedReport['writeBasis'];
  @IsUUID() writeBasisId!: string;
  @Matches(TX_ID) txId!: string;
}

class InspectedReceiptRecord implements InspectedReceipt {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsString() @IsNotEmpty() readerMspId!: string;
  @IsIn(['patient', 'doctor']) readerRole!: InspectedReceipt['readerRole'];
  @IsIn(['patient', 'author', 'grant', 'emergency']) basis!: InspectedReceipt['basis'];
  @ValidateIf(nullable) @IsUUID() grantId!: string | null;
  @ValidateIf(nullable) @IsIn(GRANTEE_KINDS) granteeKind!: GranteeKind | null;
  @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse!: PurposeOfUse;
  @IsISO8601({ strict: true }) at!: string;
}

class InspectedRefusalRecord implements InspectedRefusal {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @IsString() @IsNotEmpty() readerMspId!: string;
  @IsIn(['patient', 'doctor', 'auditor', 'admin']) readerRole!: InspectedRefusal['readerRole'];
  @IsIn(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']) code!: InspectedRefusal['code'];
  /** The ended grant's purpose; absent or null when no grant was involved. */
  @ValidateIf(nullable) @IsIn(PURPOSE_OF_USE_CODES) purposeOfUse: PurposeOfUse | null = null;
  @ValidateIf(nullable) @IsUUID() grantId!: string | null;
  @IsISO8601({ strict: true }) at!: string;
}

export const parseInspectedParticipant = (json: unknown): InspectedParticipant =>
  parseInspected(InspectedParticipantRecord, 'participant', json);
export const parseInspectedReport = (json: unknown): InspectedReport =>
  parseInspected(InspectedReportRecord, 'report', json);
export const parseInspectedReceipt = (json: unknown): InspectedReceipt =>
  parseInspected(InspectedReceiptRecord, 'access receipt', json);
export const parseInspectedRefusal = (json: unknown): InspectedRefusal =>
  parseInspected(InspectedRefusalRecord, 'access refusal', json);
