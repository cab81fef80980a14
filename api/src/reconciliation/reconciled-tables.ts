/**
 * The projection tables the reconciliation compares with the ledger, their key, the columns
 * compared and how each column's value is normalised, so that the ledger's JSON and
 * PostgreSQL's rows read alike: times as ISO 8601 UTC to the millisecond, UUIDs in lower
 * case, numbers as decimal text, ID lists sorted. Every column is compared but the version
 * a mutable record's row shows (`last_block_number`, `last_tx_id`), which the listings do
 * not tell; it decides whether a row is compared at all (`versionBlock`, see compareTable).
 * `block_number` is the block of the row's transaction (`tx_id`) as the ledger's blocks say.
 */

/** How a column's value is normalised before comparison. */
export type ColumnKind = 'text' | 'uuid' | 'time' | 'integer' | 'boolean' | 'uuid-list';

export interface ReconciledTable {
  /** The projection table, as differences name it. */
  table: string;
  /** Its key column. */
  key: string;
  /** The block of the version a row shows: `last_block_number` for mutable records, else `block_number`. */
  versionBlock: 'last_block_number' | 'block_number';
  /** The compared columns. */
  columns: Readonly<Record<string, ColumnKind>>;
}

const VERSIONED = { versionBlock: 'last_block_number' } as const;
const APPENDED = { versionBlock: 'block_number' } as const;

export const RECONCILED_TABLES = {
  participants: {
    table: 'projection_participants',
    key: 'uid',
    ...VERSIONED,
    columns: {
      role: 'text',
      msp_id: 'text',
      registered_at: 'time',
      erased_at: 'time',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  reports: {
    table: 'projection_reports',
    key: 'report_id',
    ...VERSIONED,
    columns: {
      patient_id: 'uuid',
      hospital_msp_id: 'text',
      author_id: 'uuid',
      author_role: 'text',
      author_msp_id: 'text',
      type: 'text',
      cid: 'text',
      ciphertext_sha256: 'text',
      plaintext_commitment: 'text',
      size: 'integer',
      recorded_at: 'time',
      write_basis: 'text',
      write_basis_id: 'uuid',
      voided_at: 'time',
      voided_by: 'uuid',
      voided_by_msp_id: 'text',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  requests: {
    table: 'projection_requests',
    key: 'request_id',
    ...VERSIONED,
    columns: {
      patient_id: 'uuid',
      patient_msp_id: 'text',
      doctor_id: 'uuid',
      doctor_msp_id: 'text',
      report_ids: 'uuid-list',
      duration_days: 'integer',
      purpose_of_use: 'text',
      reason_commitment: 'text',
      status: 'text',
      requested_at: 'time',
      decided_at: 'time',
      grant_id: 'uuid',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  grants: {
    table: 'projection_grants',
    key: 'grant_id',
    ...VERSIONED,
    columns: {
      kind: 'text',
      patient_id: 'uuid',
      patient_msp_id: 'text',
      grantee_kind: 'text',
      doctor_id: 'uuid',
      doctor_msp_id: 'text',
      grantee_msp_id: 'text',
      report_ids: 'uuid-list',
      purpose_of_use: 'text',
      valid_from: 'time',
      expires_at: 'time',
      status: 'text',
      revoked_at: 'time',
      request_id: 'uuid',
      justification_commitment: 'text',
      reviewed: 'boolean',
      review_outcome: 'text',
      reviewed_by: 'uuid',
      reviewed_at: 'time',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  careAssignments: {
    table: 'projection_care_assignments',
    key: 'assignment_id',
    ...VERSIONED,
    columns: {
      patient_id: 'uuid',
      doctor_id: 'uuid',
      hospital_msp_id: 'text',
      assigned_by: 'uuid',
      started_at: 'time',
      ended_at: 'time',
      ended_by: 'uuid',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  erasures: {
    table: 'projection_erasures',
    key: 'patient_id',
    ...APPENDED,
    columns: {
      erased_by: 'uuid',
      erased_by_msp_id: 'text',
      erased_at: 'time',
      tx_id: 'text',
      block_number: 'integer',
    },
  },
  accesses: {
    table: 'projection_accesses',
    key: 'tx_id',
    ...APPENDED,
    columns: {
      block_number: 'integer',
      at: 'time',
      outcome: 'text',
      refusal_code: 'text',
      report_id: 'uuid',
      patient_id: 'uuid',
      patient_msp_id: 'text',
      actor_id: 'uuid',
      actor_role: 'text',
      actor_msp_id: 'text',
      basis: 'text',
      grant_id: 'uuid',
      grantee_kind: 'text',
      purpose_of_use: 'text',
    },
  },
  events: {
    table: 'projection_events',
    key: 'tx_id',
    ...APPENDED,
    columns: {
      block_number: 'integer',
      at: 'time',
      name: 'text',
      actor_id: 'uuid',
      actor_role: 'text',
      actor_msp_id: 'text',
      patient_id: 'uuid',
      patient_msp_id: 'text',
      report_id: 'uuid',
      subject_type: 'text',
      subject_id: 'text',
      other_msp_id: 'text',
      purpose_of_use: 'text',
      outcome: 'text',
      refusal_code: 'text',
    },
  },
} as const satisfies Record<string, ReconciledTable>;

export type ReconciledTableName = keyof typeof RECONCILED_TABLES;
export const RECONCILED_TABLE_NAMES = Object.keys(RECONCILED_TABLES) as ReconciledTableName[];

/** A value as compared and printed: canonical text, or null when absent. */
export type NormalisedValue = string | null;

/**
 * One row as both sides compare it: its key, and each compared column's normalised value;
 * on the ledger's side, the columns the ledger cannot tell (those of an event the
 * projection cannot map, written before the v2 envelope) are not compared.
 */
export interface ComparableRow {
  key: string;
  fields: Record<string, NormalisedValue>;
  unknownColumns?: readonly string[];
}

/** A row of the projection, with the block of the version it shows. */
export interface ProjectedRow extends ComparableRow {
  versionBlock: bigint | null;
}

/**
 * A row with its key and every column of the table normalised; columns absent from
 * `values` are null. Used for both sides, so that they can only differ in their values.
 */
export function comparableRow(spec: ReconciledTable, key: unknown, values: Record<string, unknown>): ComparableRow {
  const fields: Record<string, NormalisedValue> = {};
  for (const [column, kind] of Object.entries(spec.columns)) fields[column] = normalise(kind, values[column]);
  return { key: normalise(spec.key === 'tx_id' ? 'text' : 'uuid', key) ?? '', fields };
}

/** A value in its canonical text form (see the file's comment); null and undefined are null. */
export function normalise(kind: ColumnKind, value: unknown): NormalisedValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'text':
      return String(value);
    case 'uuid':
      return String(value).toLowerCase();
    case 'time': {
      const time = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(time.getTime()) ? String(value) : time.toISOString();
    }
    case 'integer': {
      const text = String(value);
      return /^-?\d+$/.test(text) ? BigInt(text).toString() : text;
    }
    case 'boolean':
      return value === true || value === 't' || value === 'true'
        ? 'true'
        : value === false || value === 'f' || value === 'false'
          ? 'false'
          : String(value);
    case 'uuid-list':
      return JSON.stringify(
        listOf(value)
          .map((id) => id.toLowerCase())
          .sort(),
      );
  }
}

/** An array, or PostgreSQL's text form of one (`{a,b}`), as strings. */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value);
  if (text.startsWith('{') && text.endsWith('}')) return text.length === 2 ? [] : text.slice(1, -1).split(',');
  return [text];
}
