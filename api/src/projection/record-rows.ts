import type { LedgerRecords } from '../ledger/ledger-records.js';

/**
 * The one mapping from a record the ledger keeps to its row of a projection table: the
 * projection writes it from the records events carry (projection-rows.ts), and the
 * reconciliation expects it from the records the ledger lists. A column is its record's
 * field in snake case (`hospitalMspId` → `hospital_msp_id`). Where the projection read a
 * record (its blocks) is the writer's to add; an access row's `patient_msp_id` is the
 * report's hospital, looked up when written.
 */

/** A field's column name: the field in snake case. */
type ColumnName<Field extends string> = Field extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnName<Tail>}`
  : Field;

/** The columns of a record's `Field`s, by column name. */
type Columns<LedgerRecord, Field extends keyof LedgerRecord & string> = {
  [F in Field as ColumnName<F>]: LedgerRecord[F];
};

const columnName = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function columnsOf<LedgerRecord, Field extends keyof LedgerRecord & string>(
  record: LedgerRecord,
  fields: readonly Field[],
): Columns<LedgerRecord, Field> {
  return Object.fromEntries(fields.map((field) => [columnName(field), record[field]])) as Columns<LedgerRecord, Field>;
}

/** The columns of `fields`, empty: those a table's other kind of row fills. */
function emptyColumns<Field extends string>(fields: readonly Field[]): { [F in Field as ColumnName<F>]: null } {
  return Object.fromEntries(fields.map((field) => [columnName(field), null])) as {
    [F in Field as ColumnName<F>]: null;
  };
}

const PARTICIPANT_FIELDS = ['uid', 'role', 'mspId', 'registeredAt', 'erasedAt', 'txId'] as const;

const REPORT_FIELDS = [
  'reportId',
  'patientId',
  'hospitalMspId',
  'authorId',
  'authorRole',
  'authorMspId',
  'type',
  'cid',
  'ciphertextSha256',
  'plaintextCommitment',
  'size',
  'recordedAt',
  'writeBasis',
  'writeBasisId',
  'txId',
] as const;

const VOID_MARK_FIELDS = ['reportId', 'voidedAt', 'voidedBy', 'voidedByMspId', 'txId'] as const;

const REQUEST_FIELDS = [
  'requestId',
  'patientId',
  'patientMspId',
  'doctorId',
  'doctorMspId',
  'reportIds',
  'durationDays',
  'purposeOfUse',
  'reasonCommitment',
  'status',
  'requestedAt',
  'decidedAt',
  'grantId',
  'txId',
] as const;

/** `status` is the stored one (revocation only): expiry is read from the time, never stored (no `effectiveStatus`). */
const GRANT_FIELDS = [
  'grantId',
  'kind',
  'patientId',
  'patientMspId',
  'granteeKind',
  'doctorId',
  'doctorMspId',
  'granteeMspId',
  'reportIds',
  'purposeOfUse',
  'validFrom',
  'expiresAt',
  'status',
  'revokedAt',
  'requestId',
  'justificationCommitment',
  'reviewed',
  'reviewOutcome',
  'reviewedBy',
  'reviewedAt',
  'txId',
] as const;

const CARE_FIELDS = [
  'assignmentId',
  'patientId',
  'doctorId',
  'hospitalMspId',
  'assignedBy',
  'startedAt',
  'endedAt',
  'endedBy',
  'txId',
] as const;

const ERASURE_FIELDS = ['patientId', 'erasedBy', 'erasedByMspId', 'erasedAt', 'txId'] as const;

/** What an opening of a report, granted or refused, has in common. */
const OPENING_FIELDS = ['txId', 'at', 'reportId', 'patientId', 'grantId', 'purposeOfUse'] as const;

/** The reader, as the one who acted. */
const actorColumns = (opening: LedgerRecords['receipt' | 'refusal']) => ({
  actor_id: opening.readerId,
  actor_role: opening.readerRole,
  actor_msp_id: opening.readerMspId,
});

/** Each record's row, by record type. */
export const rowOf = {
  participant: (participant: LedgerRecords['participant']) => columnsOf(participant, PARTICIPANT_FIELDS),

  /** A recorded report: no void mark (its key holds the report). */
  report: (report: LedgerRecords['report']) => ({
    ...emptyColumns(VOID_MARK_FIELDS),
    ...columnsOf(report, REPORT_FIELDS),
  }),

  /** A report ID voided and never recorded: the void mark only. */
  void: (mark: LedgerRecords['void']) => ({
    ...emptyColumns(REPORT_FIELDS),
    ...columnsOf(mark, VOID_MARK_FIELDS),
  }),

  request: (request: LedgerRecords['request']) => columnsOf(request, REQUEST_FIELDS),
  grant: (grant: LedgerRecords['grant']) => columnsOf(grant, GRANT_FIELDS),
  care: (care: LedgerRecords['care']) => columnsOf(care, CARE_FIELDS),
  erasure: (erasure: LedgerRecords['erasure']) => columnsOf(erasure, ERASURE_FIELDS),

  receipt: (receipt: LedgerRecords['receipt']) => ({
    ...columnsOf(receipt, [...OPENING_FIELDS, 'basis', 'granteeKind']),
    ...actorColumns(receipt),
    outcome: 'granted' as const,
    refusal_code: null,
  }),

  /** A refused opening: no basis, nor the kind of grantee a grant let in. */
  refusal: (refusal: LedgerRecords['refusal']) => ({
    ...columnsOf(refusal, OPENING_FIELDS),
    ...actorColumns(refusal),
    outcome: 'refused' as const,
    refusal_code: refusal.code,
    basis: null,
    grantee_kind: null,
  }),
} satisfies { [type in keyof LedgerRecords]: (record: LedgerRecords[type]) => object };
