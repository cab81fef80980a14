import { describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { HISTORY, V2_EVENTS } from '../../../test/fixtures/ledger-events.js';
import { projectionRowsOf } from './projection-rows.js';
import { ProjectionRepository } from './projection.repository.js';

/** The statements a batch runs, through a manager that records them. */
async function statementsOf(events: Parameters<typeof projectionRowsOf>[0]) {
  const query = jest.fn((_sql: string, _parameters: unknown[]) => Promise.resolve([]));
  await new ProjectionRepository().write({ query } as unknown as EntityManager, projectionRowsOf(events).rows);
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
