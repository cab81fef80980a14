import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  comparableRow,
  type ProjectedRow,
  RECONCILED_TABLE_NAMES,
  RECONCILED_TABLES,
  type ReconciledTable,
  type ReconciledTableName,
} from './reconciled-tables.js';
import type { ReconciliationReport, ReconciliationRun } from './reconciliation-report.js';

/** The last finished reconciliation, for the status page. */
export interface LastReconciliation {
  finishedAt: Date;
  differences: number;
}

/** Reads the projection tables for the reconciliation, and keeps its runs (`audit_reconciliations`). */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every row of every reconciled projection table, normalised as the comparison reads it. */
  async projection(): Promise<Record<ReconciledTableName, ProjectedRow[]>> {
    const tables = await Promise.all(RECONCILED_TABLE_NAMES.map((name) => this.rowsOf(RECONCILED_TABLES[name])));
    return Object.fromEntries(RECONCILED_TABLE_NAMES.map((name, index) => [name, tables[index]])) as Record<
      ReconciledTableName,
      ProjectedRow[]
    >;
  }

  /** Records a finished run. */
  async record(run: ReconciliationRun): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_reconciliations (id, started_at, finished_at, differences, report)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        run.id,
        run.startedAt,
        run.finishedAt,
        run.differences,
        JSON.stringify(run.report satisfies ReconciliationReport),
      ],
    );
  }

  /** The run that finished last, or null when none has. */
  async last(): Promise<LastReconciliation | null> {
    const [row] = await this.dataSource.query<Array<{ finished_at: Date; differences: number }>>(
      'SELECT finished_at, differences FROM audit_reconciliations ORDER BY finished_at DESC LIMIT 1',
    );
    return row ? { finishedAt: new Date(row.finished_at), differences: Number(row.differences) } : null;
  }

  private async rowsOf(spec: ReconciledTable): Promise<ProjectedRow[]> {
    // Names come from RECONCILED_TABLES, never from input. Lists are read as text[], which
    // the driver parses, and big integers as text, which it does not round.
    const select = Object.entries(spec.columns).map(([column, kind]) => {
      if (kind === 'uuid-list') return `"${column}"::text[] AS "${column}"`;
      if (kind === 'integer' || kind === 'uuid') return `"${column}"::text AS "${column}"`;
      return `"${column}"`;
    });
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT "${spec.key}"::text AS row_key, "${spec.versionBlock}"::text AS version_block, ${select.join(', ')}
       FROM ${spec.table}`,
    );
    return rows.map((row) => ({
      ...comparableRow(spec, row.row_key, row),
      versionBlock: typeof row.version_block === 'string' ? BigInt(row.version_block) : null,
    }));
  }
}
