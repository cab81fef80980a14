import {
  PROJECTION_TABLE_NAMES,
  PROJECTION_TABLES,
  type ProjectionTableName,
  type SqlType,
} from '../projection/projection-tables.js';

/**
 * The projection tables the reconciliation compares with the ledger (those of
 * projection-tables.ts), their key, the columns compared and how each column's value is
 * normalised, so that the ledger's JSON and PostgreSQL's rows read alike: times as ISO 8601
 * UTC to the millisecond, UUIDs in lower case, numbers as decimal text, ID lists sorted.
 * Every column is compared but the version a mutable record's row shows
 * (`last_block_number`, `last_tx_id`), which the listings do not tell; it decides whether a
 * row is compared at all (`versionBlock`, see compareTable). `block_number` is the block of
 * the row's transaction (`tx_id`) as the ledger's blocks say.
 */

/** How a column's value is normalised before comparison. */
export type ColumnKind = 'text' | 'uuid' | 'time' | 'integer' | 'boolean' | 'uuid-list';

export interface ReconciledTable {
  /** The projection table, as differences name it. */
  table: string;
  /** Its key column. */
  key: string;
  /** How its key is normalised. */
  keyKind: ColumnKind;
  /** The block of the version a row shows: `last_block_number` for mutable records, else `block_number`. */
  versionBlock: 'last_block_number' | 'block_number';
  /** The compared columns. */
  columns: Readonly<Record<string, ColumnKind>>;
}

/** How a column of each SQL type is normalised. */
const KIND_OF: Record<SqlType, ColumnKind> = {
  uuid: 'uuid',
  'uuid[]': 'uuid-list',
  text: 'text',
  timestamptz: 'time',
  bigint: 'integer',
  integer: 'integer',
  boolean: 'boolean',
};

/** Columns normalised otherwise than their SQL type says: a report's write basis ID is text, but always a UUID. */
const KIND_EXCEPTIONS: Partial<Record<ProjectionTableName, Record<string, ColumnKind>>> = {
  reports: { write_basis_id: 'uuid' },
};

/** The columns of a mutable record's version, never compared. */
const VERSION_COLUMNS = new Set(['last_block_number', 'last_tx_id']);

function reconciledTable(name: ProjectionTableName): ReconciledTable {
  const { name: table, key, kind, columns } = PROJECTION_TABLES[name];
  return {
    table,
    key,
    keyKind: KIND_OF[columns[key]],
    versionBlock: kind === 'versioned' ? 'last_block_number' : 'block_number',
    columns: Object.fromEntries(
      Object.entries(columns)
        .filter(([column]) => column !== key && !VERSION_COLUMNS.has(column))
        .map(([column, type]) => [column, KIND_EXCEPTIONS[name]?.[column] ?? KIND_OF[type]]),
    ),
  };
}

export type ReconciledTableName = ProjectionTableName;
export const RECONCILED_TABLE_NAMES: readonly ReconciledTableName[] = PROJECTION_TABLE_NAMES;
export const RECONCILED_TABLES = Object.fromEntries(
  RECONCILED_TABLE_NAMES.map((name) => [name, reconciledTable(name)]),
) as Record<ReconciledTableName, ReconciledTable>;

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
  return { key: normalise(spec.keyKind, key) ?? '', fields };
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
