import type { ComparableRow, NormalisedValue, ProjectedRow, ReconciledTable } from './reconciled-tables.js';

/**
 * One way in which the projection does not say what the ledger says: a row only on the
 * ledger, a row only in the projection, or one column whose values differ. Values are the
 * normalised IDs, codes and times of both sides (never PHI); null where a side has no row.
 */
export interface Difference {
  table: string;
  key: string;
  kind: 'ledger-only' | 'projection-only' | 'field';
  /** The column that differs; null for a missing row. */
  field: string | null;
  ledger: NormalisedValue;
  projection: NormalisedValue;
}

export interface TableComparison {
  table: string;
  ledgerRows: number;
  projectionRows: number;
  differences: Difference[];
  /**
   * Projection rows left uncompared: written at or after the block the run started at (the
   * ledger was read while they changed), or of a kind the ledger's listings do not show
   * (void marks of never-recorded reports).
   */
  notCompared: number;
}

export interface ComparisonOptions {
  /**
   * The chain height when the run started: a projection row whose version was written in
   * this block or later changed while the ledger was read, so the ledger may show the
   * version before it or after it. Null compares every row.
   */
  changedFromBlock: bigint | null;
}

/**
 * Compares one table's rows as the ledger says them with the projection's, field by field
 * on normalised values (see reconciled-tables.ts), and lists every difference:
 *
 * - a ledger row without a projection row (`ledger-only`): always, since the run waits until
 *   the projection has written every event up to after the ledger was read;
 * - a projection row without a ledger row (`projection-only`), unless the ledger's listings
 *   cannot show it (a void mark of a report never recorded) or it was written after the run
 *   started;
 * - for a row on both sides, each compared column whose values differ (`field`; not those
 *   the ledger's row leaves unknown), unless the projection row's version was written after
 *   the run started (then the whole row is left uncompared: which of its versions the
 *   ledger showed is unknown).
 *
 * Ledger rows with the same key are one row (the last given wins).
 */
export function compareTable(
  spec: ReconciledTable,
  ledgerRows: ComparableRow[],
  projectionRows: ProjectedRow[],
  options: ComparisonOptions,
): TableComparison {
  const ledger = new Map(ledgerRows.map((row) => [row.key, row]));
  const projection = new Map(projectionRows.map((row) => [row.key, row]));
  const changedDuringRun = (row: ProjectedRow) =>
    options.changedFromBlock !== null && row.versionBlock !== null && row.versionBlock >= options.changedFromBlock;
  const differences: Difference[] = [];
  let notCompared = 0;

  for (const [key, expected] of ledger) {
    const actual = projection.get(key);
    if (!actual) {
      differences.push({ table: spec.table, key, kind: 'ledger-only', field: null, ledger: null, projection: null });
      continue;
    }
    const differing = Object.keys(spec.columns).filter(
      (column) =>
        !expected.unknownColumns?.includes(column) &&
        (expected.fields[column] ?? null) !== (actual.fields[column] ?? null),
    );
    if (differing.length > 0 && changedDuringRun(actual)) {
      notCompared += 1;
      continue;
    }
    for (const field of differing) {
      differences.push({
        table: spec.table,
        key,
        kind: 'field',
        field,
        ledger: expected.fields[field] ?? null,
        projection: actual.fields[field] ?? null,
      });
    }
  }

  for (const [key, row] of projection) {
    if (ledger.has(key)) continue;
    if (isVoidMark(spec, row) || changedDuringRun(row)) {
      notCompared += 1;
      continue;
    }
    differences.push({ table: spec.table, key, kind: 'projection-only', field: null, ledger: null, projection: null });
  }

  return {
    table: spec.table,
    ledgerRows: ledger.size,
    projectionRows: projection.size,
    differences: differences.sort(byKeyAndField),
    notCompared,
  };
}

/**
 * A report ID voided and never recorded: the ledger keeps the mark under the report's key,
 * but no listing of the service identity returns marks (ListReports lists reports).
 */
function isVoidMark(spec: ReconciledTable, row: ComparableRow): boolean {
  return spec.table === 'projection_reports' && row.fields.voided_at !== null && row.fields.recorded_at === null;
}

function byKeyAndField(a: Difference, b: Difference): number {
  return a.key.localeCompare(b.key) || (a.field ?? '').localeCompare(b.field ?? '');
}

/** One line of the report per difference: table, key, field, and the two values. */
export function describeDifference(difference: Difference): string {
  const { table, key, kind, field, ledger, projection } = difference;
  if (kind === 'ledger-only') return `${table}  ${key}  only on the ledger`;
  if (kind === 'projection-only') return `${table}  ${key}  only in the projection`;
  return `${table}  ${key}  ${field}  ledger=${ledger ?? 'null'}  projection=${projection ?? 'null'}`;
}
