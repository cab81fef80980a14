import { describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { LedgerProjection1764700000000 } from '../database/migrations/1764700000000-ledger-projection.js';
import { PROJECTION_TABLE_NAMES, PROJECTION_TABLES } from './projection-tables.js';

/** A table as a CREATE TABLE statement creates it: its columns with their types in order, and its primary key. */
interface CreatedTable {
  columns: Array<[string, string]>;
  key: string | undefined;
}

/** The projection tables the migration creates, read from the SQL it runs. */
async function createdByMigration(): Promise<Record<string, CreatedTable>> {
  const statements: string[] = [];
  const queryRunner = { query: (sql: string) => Promise.resolve(statements.push(sql)) } as unknown as QueryRunner;
  await new LedgerProjection1764700000000().up(queryRunner);

  const tables: Record<string, CreatedTable> = {};
  for (const sql of statements) {
    const create = /^\s*CREATE TABLE (\w+) \(([\s\S]*)\)\s*$/.exec(sql);
    if (!create) continue;
    const definitions = create[2]
      .split('\n')
      .map((line) => line.trim().replace(/,$/, ''))
      .filter((line) => line !== '' && !line.startsWith('CHECK'));
    const columns = definitions.map((line) => /^(\w+) (\w+(?:\[\])?)/.exec(line)!);
    tables[create[1]] = {
      columns: columns.map(([, column, type]) => [column, type]),
      key: columns.find(({ input }) => / PRIMARY KEY\b/.test(input))?.[1],
    };
  }
  return tables;
}

describe('PROJECTION_TABLES', () => {
  it('describes exactly the tables the migration creates, each with its columns, their SQL types in order, and its key', async () => {
    const created = await createdByMigration();

    expect(Object.keys(created).sort()).toEqual(
      PROJECTION_TABLE_NAMES.map((name) => PROJECTION_TABLES[name].name).sort(),
    );
    for (const table of Object.values(PROJECTION_TABLES)) {
      expect({ table: table.name, key: table.key, columns: Object.entries(table.columns) }).toEqual({
        table: table.name,
        key: created[table.name].key,
        columns: created[table.name].columns,
      });
    }
  });

  it('calls versioned exactly the tables whose rows show a version (last_block_number, last_tx_id)', () => {
    for (const table of Object.values(PROJECTION_TABLES)) {
      const showsVersion = 'last_block_number' in table.columns && 'last_tx_id' in table.columns;
      expect({ table: table.name, kind: table.kind }).toEqual({
        table: table.name,
        kind: showsVersion ? 'versioned' : 'appended',
      });
    }
  });
});
