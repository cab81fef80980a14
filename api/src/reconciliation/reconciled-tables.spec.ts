import { describe, expect, it } from '@jest/globals';
import { comparableRow, RECONCILED_TABLES } from './reconciled-tables.js';

describe('RECONCILED_TABLES', () => {
  it('compares every column of a projection table but its key and the version a row shows, normalised by SQL type', () => {
    expect(RECONCILED_TABLES.participants).toEqual({
      table: 'projection_participants',
      key: 'uid',
      keyKind: 'uuid',
      versionBlock: 'last_block_number',
      columns: {
        role: 'text',
        msp_id: 'text',
        registered_at: 'time',
        erased_at: 'time',
        block_number: 'integer',
        tx_id: 'text',
      },
    });
    expect(RECONCILED_TABLES.events).toMatchObject({ key: 'tx_id', keyKind: 'text', versionBlock: 'block_number' });
    expect([RECONCILED_TABLES.grants.columns.report_ids, RECONCILED_TABLES.grants.columns.reviewed]).toEqual([
      'uuid-list',
      'boolean',
    ]);
  });

  it('compares a report’s write basis ID as a UUID, though the table keeps it as text', () => {
    const row = comparableRow(RECONCILED_TABLES.reports, 'C4A2E8F0-1B3D-4E5F-8A7B-9C0D1E2F3A4B', {
      write_basis_id: 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D',
    });

    expect(row.key).toBe('c4a2e8f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b');
    expect(row.fields.write_basis_id).toBe('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d');
  });
});
