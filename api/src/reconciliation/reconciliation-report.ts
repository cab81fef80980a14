import { describeDifference, type Difference, type TableComparison } from './reconciliation-comparison.js';

/** What a run found, as stored in `audit_reconciliations.report`: IDs, codes, times and counts only. */
export interface ReconciliationReport {
  /** The channel's height when the run started and when it had read the ledger. */
  chainHeight: { atStart: string; afterLedgerRead: string };
  tables: Array<Omit<TableComparison, 'differences'> & { differences: number }>;
  differences: Difference[];
}

/** One finished run. */
export interface ReconciliationRun {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  differences: number;
  report: ReconciliationReport;
}

/** The report of a run from each table's comparison. */
export function reportOf(
  comparisons: TableComparison[],
  chainHeight: { atStart: bigint; afterLedgerRead: bigint },
): ReconciliationReport {
  return {
    chainHeight: { atStart: chainHeight.atStart.toString(), afterLedgerRead: chainHeight.afterLedgerRead.toString() },
    tables: comparisons.map(({ differences, ...counts }) => ({ ...counts, differences: differences.length })),
    differences: comparisons.flatMap((comparison) => comparison.differences),
  };
}

/** The report as the operator reads it: every difference, one a line, then a summary per table. */
export function formatReport(run: ReconciliationRun): string[] {
  const { report } = run;
  const lines = report.differences.map(describeDifference);
  if (lines.length > 0) lines.push('');
  lines.push(
    `reconciliation ${run.id}: ledger at height ${report.chainHeight.atStart} (${report.chainHeight.afterLedgerRead} once read)`,
  );
  for (const table of report.tables) {
    lines.push(
      `  ${table.table.padEnd(28)} ledger ${String(table.ledgerRows).padStart(6)}  projection ${String(
        table.projectionRows,
      ).padStart(6)}  differences ${String(table.differences).padStart(4)}  not compared ${table.notCompared}`,
    );
  }
  lines.push(run.differences === 0 ? 'no differences' : `${run.differences} difference(s)`);
  return lines;
}
