import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProjectionRows } from './projection-rows.js';

/** A projection table: its key, and its columns with their SQL types (those a batch's rows carry). */
interface Table {
  name: string;
  key: string;
  columns: Record<string, string>;
}

const VERSIONED = { block_number: 'bigint', tx_id: 'text', last_block_number: 'bigint', last_tx_id: 'text' };

const PARTICIPANTS: Table = {
  name: 'projection_participants',
  key: 'uid',
  columns: { uid: 'uuid', role: 'text', msp_id: 'text', registered_at: 'timestamptz', erased_at: 'timestamptz' },
};

const REPORTS: Table = {
  name: 'projection_reports',
  key: 'report_id',
  columns: {
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
  },
};

const REQUESTS: Table = {
  name: 'projection_requests',
  key: 'request_id',
  columns: {
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
  },
};

const GRANTS: Table = {
  name: 'projection_grants',
  key: 'grant_id',
  columns: {
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
  },
};

const CARE_ASSIGNMENTS: Table = {
  name: 'projection_care_assignments',
  key: 'assignment_id',
  columns: {
    assignment_id: 'uuid',
    patient_id: 'uuid',
    doctor_id: 'uuid',
    hospital_msp_id: 'text',
    assigned_by: 'uuid',
    started_at: 'timestamptz',
    ended_at: 'timestamptz',
    ended_by: 'uuid',
  },
};

const ERASURES: Table = {
  name: 'projection_erasures',
  key: 'patient_id',
  columns: {
    patient_id: 'uuid',
    erased_by: 'uuid',
    erased_by_msp_id: 'text',
    erased_at: 'timestamptz',
    block_number: 'bigint',
    tx_id: 'text',
  },
};

const ACCESSES: Table = {
  name: 'projection_accesses',
  key: 'tx_id',
  columns: {
    tx_id: 'text',
    block_number: 'bigint',
    at: 'timestamptz',
    outcome: 'text',
    refusal_code: 'text',
    report_id: 'uuid',
    patient_id: 'uuid',
    actor_id: 'uuid',
    actor_role: 'text',
    actor_msp_id: 'text',
    basis: 'text',
    grant_id: 'uuid',
    grantee_kind: 'text',
    purpose_of_use: 'text',
  },
};

const EVENTS: Table = {
  name: 'projection_events',
  key: 'tx_id',
  columns: {
    tx_id: 'text',
    block_number: 'bigint',
    at: 'timestamptz',
    name: 'text',
    actor_id: 'uuid',
    actor_role: 'text',
    actor_msp_id: 'text',
    patient_id: 'uuid',
    report_id: 'uuid',
    subject_type: 'text',
    subject_id: 'text',
    other_msp_id: 'text',
    purpose_of_use: 'text',
    outcome: 'text',
    refusal_code: 'text',
  },
};

/** The batch's rows of a table, from its one JSON parameter, typed as the table's columns. */
const rowsOf = (columns: Record<string, string>) =>
  `jsonb_to_recordset($1::jsonb) AS r (${Object.entries(columns)
    .map(([column, type]) => `${column} ${type}`)
    .join(', ')})`;

/**
 * A multi-row upsert of a mutable record's table that moves rows only forward: a row is
 * replaced by a version of a later block (or rewritten by the same version: one record
 * cannot change twice in one block, MVCC refuses the second), never by an older one. Its
 * creating block stays when the version came without it.
 */
function upsert(table: Table): string {
  const columns = { ...table.columns, ...VERSIONED };
  const names = Object.keys(columns);
  const updates = names
    .filter((column) => column !== table.key)
    .map((column) =>
      column === 'block_number'
        ? 'block_number = coalesce(EXCLUDED.block_number, t.block_number)'
        : `${column} = EXCLUDED.${column}`,
    );
  return `INSERT INTO ${table.name} AS t (${names.join(', ')})
    SELECT ${names.join(', ')} FROM ${rowsOf(columns)}
    ON CONFLICT (${table.key}) DO UPDATE SET ${updates.join(', ')}
    WHERE t.last_block_number <= EXCLUDED.last_block_number`;
}

/**
 * A multi-row append of facts that never change, each once, by its key; `derived` are
 * columns computed in SQL from the row `r`, which may read `inputs` (fields of the rows
 * that are no column as they are).
 */
function append(table: Table, derived: Record<string, string> = {}, inputs: Record<string, string> = {}): string {
  const names = Object.keys(table.columns);
  return `INSERT INTO ${table.name} (${[...names, ...Object.keys(derived)].join(', ')})
    SELECT ${[...names.map((name) => `r.${name}`), ...Object.values(derived)].join(', ')}
    FROM ${rowsOf({ ...table.columns, ...inputs })}
    ON CONFLICT (${table.key}) DO NOTHING`;
}

/**
 * The hospital of a report's patient: the report's row (the report came earlier on the
 * ledger than its openings, so it is written by now), or for a report recorded before the
 * v2 envelope, the patient's participant row (a report's hospital is its patient's).
 */
const REPORT_HOSPITAL = `coalesce(
      (SELECT hospital_msp_id FROM projection_reports WHERE report_id = r.report_id),
      (SELECT msp_id FROM projection_participants WHERE uid = r.patient_id AND role = 'patient'))`;

/**
 * Each table's statement, in the order a batch runs them: what a later one looks up is
 * written by then. A timeline row without its patient's hospital (a voided report's, a care
 * assignment's: their records do not name it) takes the report's, else the patient's
 * participant row's.
 */
const STATEMENTS: Array<{ rows: keyof ProjectionRows; key: string; sql: string }> = [
  { rows: 'participants', key: PARTICIPANTS.key, sql: upsert(PARTICIPANTS) },
  { rows: 'reports', key: REPORTS.key, sql: upsert(REPORTS) },
  { rows: 'requests', key: REQUESTS.key, sql: upsert(REQUESTS) },
  { rows: 'grants', key: GRANTS.key, sql: upsert(GRANTS) },
  { rows: 'careAssignments', key: CARE_ASSIGNMENTS.key, sql: upsert(CARE_ASSIGNMENTS) },
  { rows: 'erasures', key: ERASURES.key, sql: append(ERASURES) },
  { rows: 'accesses', key: ACCESSES.key, sql: append(ACCESSES, { patient_msp_id: REPORT_HOSPITAL }) },
  {
    rows: 'events',
    key: EVENTS.key,
    sql: append(
      EVENTS,
      { patient_msp_id: `coalesce(r.patient_msp_id, ${REPORT_HOSPITAL})` },
      { patient_msp_id: 'text' },
    ),
  },
];

/**
 * A table's rows in the order of their keys. A multi-row statement locks its rows in the
 * order it writes them; two processes writing overlapping batches (each runs the tables in
 * STATEMENTS' order) therefore take every lock in one order, and cannot deadlock.
 */
function inKeyOrder(rows: readonly object[], key: string): object[] {
  const keyOf = (row: object) => String((row as Record<string, unknown>)[key]);
  return [...rows].sort((a, b) => {
    const [left, right] = [keyOf(a), keyOf(b)];
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/**
 * Writes the ledger projection (`projection_*` tables, design section D): each batch in
 * one statement per table, its rows as one JSON parameter in the order of their keys, in
 * the caller's transaction (the one that moves the projection's checkpoint). Every write is
 * idempotent: appends once per key, upserts only forward, so the same batch twice, or in two
 * API processes, leaves the same rows; and every batch locks rows in the same order (table
 * by table, key by key), so two processes wait for each other but never deadlock.
 */
@Injectable()
export class ProjectionRepository {
  async write(manager: EntityManager, rows: ProjectionRows): Promise<void> {
    for (const statement of STATEMENTS) {
      const batch = rows[statement.rows];
      if (batch.length > 0) await manager.query(statement.sql, [JSON.stringify(inKeyOrder(batch, statement.key))]);
    }
  }
}
