import { plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  isISO8601,
  IsUUID,
  Matches,
  Min,
  NotContains,
  ValidateIf,
  validateSync,
} from 'class-validator';

/**
 * The v2 envelope of a chaincode event (design section A): besides the IDs each event has
 * always carried, the transaction time `at`, the signer `actor` from its certificate, and
 * `records`, every record the transaction wrote, exactly as written, by record type. The
 * classes below check the fields the projection writes, each of the type of its column
 * (a UUID where the column is uuid, an ISO time where it is timestamptz), so that no event
 * can make a batch's INSERT fail; fields they do not name are dropped.
 */
const TX_ID = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
/** A field that may be null; when it is not, the decorators after it apply. */
const Nullable = () => ValidateIf((_, value) => value !== null);
/** A time as the chaincode writes it (`Date.toISOString()`), which PostgreSQL reads as timestamptz. */
const IsTime = () => (target: object, property: string) => {
  Matches(ISO_TIME)(target, property);
  IsISO8601({ strict: true })(target, property);
};

/** A field that is there, and text that PostgreSQL stores (no NUL character). */
const Text = () => (target: object, property: string) => {
  IsString()(target, property);
  IsNotEmpty()(target, property);
  NotContains('\u0000')(target, property);
};

/** Who signed the transaction: `id` is the certificate's `ehr.uid` (null for the API's service identity). */
export class EventActor {
  @Nullable() @IsUUID() id!: string | null;
  @Nullable() @Text() role!: string | null;
  @Text() mspId!: string;
}

export class ParticipantState {
  @IsUUID() uid!: string;
  @Text() role!: string;
  @Text() mspId!: string;
  @IsTime() registeredAt!: string;
  @IsOptional() @IsTime() erasedAt?: string;
  @Matches(TX_ID) txId!: string;
}

export class ReportState {
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  /** The patient's hospital. */
  @Text() hospitalMspId!: string;
  @IsUUID() authorId!: string;
  @Text() authorRole!: string;
  @Text() authorMspId!: string;
  @Text() type!: string;
  @Text() cid!: string;
  @Text() ciphertextSha256!: string;
  @Text() plaintextCommitment!: string;
  @IsInt() @Min(1) size!: number;
  @IsTime() recordedAt!: string;
  @Text() writeBasis!: string;
  @Text() writeBasisId!: string;
  @Matches(TX_ID) txId!: string;
}

/** ReportVoided's mark that a report ID will never be recorded by whoever voided it (the first voider's). */
export class ReportVoidState {
  @IsUUID() reportId!: string;
  @IsUUID() voidedBy!: string;
  @Text() voidedByMspId!: string;
  @IsTime() voidedAt!: string;
  @Matches(TX_ID) txId!: string;
}

export class AccessReceiptState {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @Text() readerMspId!: string;
  @Text() readerRole!: string;
  @Text() basis!: string;
  @Nullable() @IsUUID() grantId!: string | null;
  @Nullable() @Text() granteeKind!: string | null;
  @Text() purposeOfUse!: string;
  @IsTime() at!: string;
}

export class AccessRefusalState {
  @Matches(TX_ID) txId!: string;
  @IsUUID() reportId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() readerId!: string;
  @Text() readerMspId!: string;
  @Text() readerRole!: string;
  @Text() code!: string;
  @Nullable() @Text() purposeOfUse!: string | null;
  @Nullable() @IsUUID() grantId!: string | null;
  @IsTime() at!: string;
}

export class AccessRequestState {
  @IsUUID() requestId!: string;
  @IsUUID() patientId!: string;
  @Text() patientMspId!: string;
  @IsUUID() doctorId!: string;
  @Text() doctorMspId!: string;
  @Nullable() @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @IsInt() @Min(1) durationDays!: number;
  @Text() purposeOfUse!: string;
  @Text() reasonCommitment!: string;
  @Text() status!: string;
  @IsTime() requestedAt!: string;
  @Nullable() @IsTime() decidedAt!: string | null;
  @Nullable() @IsUUID() grantId!: string | null;
  @Matches(TX_ID) txId!: string;
}

export class GrantState {
  @IsUUID() grantId!: string;
  @Text() kind!: string;
  @IsUUID() patientId!: string;
  @Text() patientMspId!: string;
  @Text() granteeKind!: string;
  @Nullable() @IsUUID() doctorId!: string | null;
  @Nullable() @Text() doctorMspId!: string | null;
  @Nullable() @Text() granteeMspId!: string | null;
  @Nullable() @IsArray() @IsUUID('all', { each: true }) reportIds!: string[] | null;
  @Text() purposeOfUse!: string;
  @IsTime() validFrom!: string;
  @IsTime() expiresAt!: string;
  @Text() status!: string;
  @Nullable() @IsTime() revokedAt!: string | null;
  @Nullable() @IsUUID() requestId!: string | null;
  @Nullable() @Text() justificationCommitment!: string | null;
  @Nullable() @IsBoolean() reviewed!: boolean | null;
  @Nullable() @Text() reviewOutcome!: string | null;
  @Nullable() @IsUUID() reviewedBy!: string | null;
  @Nullable() @IsTime() reviewedAt!: string | null;
  @Matches(TX_ID) txId!: string;
}

export class CareAssignmentState {
  @IsUUID() assignmentId!: string;
  @IsUUID() patientId!: string;
  @IsUUID() doctorId!: string;
  @Text() hospitalMspId!: string;
  @IsUUID() assignedBy!: string;
  @IsTime() startedAt!: string;
  @Nullable() @IsTime() endedAt!: string | null;
  @Nullable() @IsUUID() endedBy!: string | null;
  @Matches(TX_ID) txId!: string;
}

export class ErasureState {
  @IsUUID() patientId!: string;
  @IsUUID() erasedBy!: string;
  @Text() erasedByMspId!: string;
  @IsTime() erasedAt!: string;
  @Matches(TX_ID) txId!: string;
}

/** The record types of `records` the projection writes, and how each is checked. */
const RECORD_TYPES = {
  participant: ParticipantState,
  report: ReportState,
  void: ReportVoidState,
  receipt: AccessReceiptState,
  refusal: AccessRefusalState,
  request: AccessRequestState,
  grant: GrantState,
  care: CareAssignmentState,
  erasure: ErasureState,
} as const;

type RecordTypes = typeof RECORD_TYPES;
/** The records a transaction wrote, by record type (those the projection does not write, such as `probe`, left out). */
export type EventRecords = { [type in keyof RecordTypes]?: InstanceType<RecordTypes[type]> };

/** A chaincode event's v2 envelope, checked. */
export interface EventEnvelope {
  /** The transaction time (ISO 8601, UTC). */
  at: string;
  actor: EventActor;
  records: EventRecords;
}

/** An event that carries the v2 envelope, but one the projection cannot write: the fields at fault, never their values. */
export class InvalidEventEnvelopeError extends Error {
  constructor(readonly fields: string[]) {
    super(`invalid event envelope: ${fields.join(', ')}`);
    this.name = 'InvalidEventEnvelopeError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The v2 envelope of an event's payload, checked; null when the payload has none (no
 * `records` or no `at`: an event written before the chaincode carried it).
 * @throws InvalidEventEnvelopeError when it has one whose fields are not what the projection writes.
 */
export function readEnvelope(payload: unknown): EventEnvelope | null {
  if (!isObject(payload) || payload.records === undefined || payload.at === undefined) return null;
  const problems: string[] = [];
  if (typeof payload.at !== 'string' || !ISO_TIME.test(payload.at) || !isISO8601(payload.at, { strict: true })) {
    problems.push('at');
  }
  const actor = checked(EventActor, payload.actor, 'actor', problems);
  const records: Record<string, unknown> = {};
  if (!isObject(payload.records)) {
    problems.push('records');
  } else {
    for (const [type, shape] of Object.entries<new () => object>(RECORD_TYPES)) {
      const record: unknown = payload.records[type];
      if (record !== undefined) records[type] = checked(shape, record, `records.${type}`, problems);
    }
  }
  if (problems.length > 0) throw new InvalidEventEnvelopeError(problems);
  return { at: payload.at as string, actor: actor!, records: records as EventRecords };
}

/** `json` as an instance of `shape` when valid; otherwise null, with the invalid fields added to `problems`. */
function checked<T extends object>(shape: new () => T, json: unknown, path: string, problems: string[]): T | null {
  if (!isObject(json)) {
    problems.push(path);
    return null;
  }
  const instance = plainToInstance(shape, json);
  const errors = validateSync(instance, { forbidUnknownValues: true, whitelist: true });
  problems.push(...errors.map((error) => `${path}.${error.property}`));
  return errors.length > 0 ? null : instance;
}
