import type { ProjectionRows } from './projection-rows.js';

/**
 * The one description of the projection tables (design section D, created by the migration
 * LedgerProjection1764700000000, which projection-tables.spec.ts checks it against): each
 * table's name, key, every column with its SQL type in the migration's order, and whether
 * it holds mutable records (`versioned`: upserted forward by the version a row shows,
 * `last_block_number` and `last_tx_id`) or facts written once (`appended`). The projection
 * writes its batches by it (ProjectionRepository), the reconciliation compares by it
 * (reconciled-tables.ts).
 */

/** A column's SQL type, as the migration creates it. */
export type SqlType = 'uuid' | 'uuid[]' | 'text' | 'timestamptz' | 'bigint' | 'integer' | 'boolean';

export interface ProjectionTable {
  name: string;
  /** Its primary key column. */
  key: string;
  kind: 'versioned' | 'appended';
  /** Every column, with its SQL type, in the migration's order. */
  columns: Readonly<Record<string, SqlType>>;
}

/** Where the ledger said a mutable record: its creating transaction, and the one whose version the row shows. */
const VERSION_COLUMNS = {
  block_number: 'bigint',
  tx_id: 'text',
  last_block_number: 'bigint',
  last_tx_id: 'text',
} as const satisfies Record<string, SqlType>;

/** A mutable record's table: its record's columns, then where the ledger said it. */
const versioned = (name: string, key: string, columns: Record<string, SqlType>): ProjectionTable => ({
  name,
  key,
  kind: 'versioned',
  columns: { ...columns, ...VERSION_COLUMNS },
});

const appended = (name: string, key: string, columns: Record<string, SqlType>): ProjectionTable => ({
  name,
  key,
  kind: 'appended',
  columns,
});

export type ProjectionTableName = keyof ProjectionRows;

/**
 * The tables, in the order a batch writes them (ProjectionRepository): what a later one
 * looks up (an access's report, a patient's participant row) is written by then.
 */
export const PROJECTION_TABLES: Readonly<Record<ProjectionTableName, ProjectionTable>> = {
  participants: versioned('projection_participants', 'uid', {
    uid: 'uuid',
    role: 'text',
    msp_id: 'text',
    registered_at: 'timestamptz',
    erased_at: 'timestamptz',
  }),
  reports: versioned('projection_reports', 'report_id', {
    report_id: 'uuid',
    patient_id: 'uuid',
    hospital_msp_id: 'text',
    author_id: 'uuid',
    author_role: 'text',
    author_msp_id: 'text',
    type: 'text',
    cid: 'text',
    ciphertext_sha256: 'text',
    plaintext_commitment: 'text',
    size: 'bigint',
    recorded_at: 'timestamptz',
    write_basis: 'text',
    write_basis_id: 'text',
    voided_at: 'timestamptz',
    voided_by: 'uuid',
    voided_by_msp_id: 'text',
  }),
  requests: versioned('projection_requests', 'request_id', {
    request_id: 'uuid',
    patient_id: 'uuid',
    patient_msp_id: 'text',
    doctor_id: 'uuid',
    doctor_msp_id: 'text',
    report_ids: 'uuid[]',
    duration_days: 'integer',
    purpose_of_use: 'text',
    reason_commitment: 'text',
    status: 'text',
    requested_at: 'timestamptz',
    decided_at: 'timestamptz',
    grant_id: 'uuid',
  }),
  grants: versioned('projection_grants', 'grant_id', {
    grant_id: 'uuid',
    kind: 'text',
    patient_id: 'uuid',
    patient_msp_id: 'text',
    grantee_kind: 'text',
    doctor_id: 'uuid',
    doctor_msp_id: 'text',
    grantee_msp_id: 'text',
    report_ids: 'uuid[]',
    purpose_of_use: 'text',
    valid_from: 'timestamptz',
    expires_at: 'timestamptz',
    status: 'text',
    revoked_at: 'timestamptz',
    request_id: 'uuid',
    justification_commitment: 'text',
    reviewed: 'boolean',
    review_outcome: 'text',
    reviewed_by: 'uuid',
    reviewed_at: 'timestamptz',
  }),
  careAssignments: versioned('projection_care_assignments', 'assignment_id', {
    assignment_id: 'uuid',
    patient_id: 'uuid',
    doctor_id: 'uuid',
    hospital_msp_id: 'text',
    assigned_by: 'uuid',
    started_at: 'timestamptz',
    ended_at: 'timestamptz',
    ended_by: 'uuid',
  }),
  erasures: appended('projection_erasures', 'patient_id', {
    patient_id: 'uuid',
    erased_by: 'uuid',
    erased_by_msp_id: 'text',
    erased_at: 'timestamptz',
    block_number: 'bigint',
    tx_id: 'text',
  }),
  /** `patient_msp_id` is the report's hospital, looked up when written (ProjectionRepository). */
  accesses: appended('projection_accesses', 'tx_id', {
    tx_id: 'text',
    block_number: 'bigint',
    at: 'timestamptz',
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
  }),
  events: appended('projection_events', 'tx_id', {
    tx_id: 'text',
    block_number: 'bigint',
    at: 'timestamptz',
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
  }),
};

/** The tables' names in PROJECTION_TABLES' order. */
export const PROJECTION_TABLE_NAMES = Object.keys(PROJECTION_TABLES) as ProjectionTableName[];
