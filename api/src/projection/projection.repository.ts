import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProjectionRows } from './projection-rows.js';
import {
  PROJECTION_TABLE_NAMES,
  PROJECTION_TABLES,
  type ProjectionTable,
  type ProjectionTableName,
} from './projection-tables.js';

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
function upsert(table: ProjectionTable): string {
  const names = Object.keys(table.columns);
  const updates = names
    .filter((column) => column !== table.key)
    .map((column) =>
      column === 'block_number'
        ? 'block_number = coalesce(EXCLUDED.block_number, t.block_number)'
        : `${column} = EXCLUDED.${column}`,
    );
  return `INSERT INTO ${table.name} AS t (${names.join(', ')})
    SELECT ${names.join(', ')} FROM ${rowsOf(table.columns)}
    ON CONFLICT (${table.key}) DO UPDATE SET ${updates.join(', ')}
    WHERE t.last_block_number <= EXCLUDED.last_block_number`;
}

/**
 * A multi-row append of facts that never change, each once, by its key; `derived` are
 * columns computed in SQL from the row `r` (which may read the batch's value of the column).
 */
function append(table: ProjectionTable, derived: Record<string, string> = {}): string {
  const names = Object.keys(table.columns);
  return `INSERT INTO ${table.name} (${names.join(', ')})
    SELECT ${names.map((name) => derived[name] ?? `r.${name}`).join(', ')}
    FROM ${rowsOf(table.columns)}
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
 * Columns computed when written: an access's hospital is its report's; a timeline row
 * without its patient's hospital (a voided report's, a care assignment's: their records do
 * not name it) takes the report's, else the patient's participant row's.
 */
const DERIVED: Partial<Record<ProjectionTableName, Record<string, string>>> = {
  accesses: { patient_msp_id: REPORT_HOSPITAL },
  events: { patient_msp_id: `coalesce(r.patient_msp_id, ${REPORT_HOSPITAL})` },
};

/**
 * Each table's statement, in the order a batch runs them (PROJECTION_TABLES'): what a later
 * one looks up is written by then.
 */
const STATEMENTS = PROJECTION_TABLE_NAMES.map((rows) => {
  const table = PROJECTION_TABLES[rows];
  return { rows, key: table.key, sql: table.kind === 'versioned' ? upsert(table) : append(table, DERIVED[rows]) };
});

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
