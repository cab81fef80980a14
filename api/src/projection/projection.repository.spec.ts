import { describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { HISTORY, V2_EVENTS } from '../../../test/fixtures/ledger-events.js';
import { type ProjectionRows, projectionRowsOf } from './projection-rows.js';
import { PROJECTION_TABLES } from './projection-tables.js';
import { ProjectionRepository } from './projection.repository.js';

/** The statements a batch runs, through a manager that records them. */
async function statementsOf(events: Parameters<typeof projectionRowsOf>[0]) {
  return statementsOfRows(projectionRowsOf(events).rows);
}

async function statementsOfRows(rows: ProjectionRows) {
  const query = jest.fn((_sql: string, _parameters: unknown[]) => Promise.resolve([]));
  await new ProjectionRepository().write({ query } as unknown as EntityManager, rows);
  return query.mock.calls.map(([sql, parameters]) => ({
    table: /INSERT INTO (\w+)/.exec(sql)![1],
    sql,
    rows: JSON.parse(parameters[0] as string) as unknown[],
    parameters,
  }));
}

/** Each copy of the history as other transactions, further on in the ledger. */
const repeated = (copies: number) =>
  Array.from({ length: copies }, (_, copy) =>
    HISTORY.map((event) => ({
      ...event,
      blockNumber: event.blockNumber + BigInt(copy * 100),
      transactionId: `${copy}`.padStart(4, '0') + event.transactionId.slice(4),
    })),
  ).flat();

describe('ProjectionRepository', () => {
  it('writes a batch in one statement per table, in the order that lets accesses find their report', async () => {
    const statements = await statementsOf(HISTORY);

    expect(statements.map(({ table }) => table)).toEqual([
      'projection_participants',
      'projection_reports',
      'projection_requests',
      'projection_grants',
      'projection_care_assignments',
      'projection_erasures',
      'projection_accesses',
      'projection_events',
    ]);
    expect(statements.every(({ parameters }) => parameters.length === 1)).toBe(true);
  });

  it('writes a batch of many events in as many statements as one of a few: no round trip per event', async () => {
    const few = await statementsOf(HISTORY);
    const many = await statementsOf(repeated(50));

    expect(many).toHaveLength(few.length);
    expect(many.find(({ table }) => table === 'projection_events')!.rows).toHaveLength(
      50 * few.find(({ table }) => table === 'projection_events')!.rows.length,
    );
  });

  it('runs no statement for a table the batch has no rows of', async () => {
    expect((await statementsOf([V2_EVENTS.ReportAccessed])).map(({ table }) => table)).toEqual([
      'projection_accesses',
      'projection_events',
    ]);
    expect(await statementsOf([V2_EVENTS.ProbeRecorded])).toEqual([]);
  });

  it('writes each table’s rows in the order of their keys, whatever order the batch had them in (one lock order: no deadlock between two processes)', async () => {
    const { rows } = projectionRowsOf(repeated(3));
    const reversed = Object.fromEntries(
      Object.entries(rows).map(([table, tableRows]) => [table, [...(tableRows as object[])].reverse()]),
    ) as unknown as ProjectionRows;
    const keys = Object.fromEntries(Object.values(PROJECTION_TABLES).map(({ name, key }) => [name, key]));

    const statements = await statementsOfRows(reversed);

    expect(statements).toHaveLength(8);
    for (const { table, rows: written } of statements) {
      const keysWritten = (written as Array<Record<string, string>>).map((row) => row[keys[table]]);
      expect(keysWritten.length).toBeGreaterThan(0);
      expect(keysWritten).toEqual([...keysWritten].sort());
    }
    const eventKeys = statements.find(({ table }) => table === 'projection_events')!.rows as Array<{ tx_id: string }>;
    expect(eventKeys.map((row) => row.tx_id).sort()).toEqual(rows.events.map((row) => row.tx_id).sort());
    expect(new Set(eventKeys.map((row) => row.tx_id)).size).toBeGreaterThan(1);
  });

  it('looks a care event’s patient hospital up from the patient’s participant row (its record names only the care team’s)', async () => {
    const statements = await statementsOf([V2_EVENTS.CareAssigned]);
    const events = statements.find(({ table }) => table === 'projection_events')!;

    expect(events.rows).toEqual([expect.objectContaining({ name: 'CareAssigned', patient_msp_id: null })]);
    expect(events.sql).toContain('coalesce(r.patient_msp_id, coalesce(');
    expect(events.sql).toMatch(
      /SELECT msp_id FROM projection_participants WHERE uid = r\.patient_id AND role = 'patient'/,
    );
  });

  it('upserts mutable records only forward, and appends facts once', async () => {
    const statements = await statementsOf(HISTORY);
    const sqlOf = (table: string) => statements.find((statement) => statement.table === table)!.sql;

    for (const table of ['projection_participants', 'projection_reports', 'projection_grants']) {
      expect(sqlOf(table)).toMatch(/ON CONFLICT \(\w+\) DO UPDATE SET/);
      expect(sqlOf(table)).toContain('WHERE t.last_block_number <= EXCLUDED.last_block_number');
      expect(sqlOf(table)).toContain('block_number = coalesce(EXCLUDED.block_number, t.block_number)');
    }
    for (const table of ['projection_erasures', 'projection_accesses', 'projection_events']) {
      expect(sqlOf(table)).toMatch(/ON CONFLICT \(\w+\) DO NOTHING/);
    }
    expect(sqlOf('projection_accesses')).toMatch(
      /SELECT hospital_msp_id FROM projection_reports WHERE report_id = r\.report_id/,
    );
  });
});
