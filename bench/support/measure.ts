/** Latency figures of one benchmark run, in milliseconds, and its throughput. */
export interface RunFigures {
  count: number;
  p50: number;
  p95: number;
  max: number;
  perSecond: number;
  /** Every latency, sorted, and the run's wall time: what combineRuns needs. */
  latencies: number[];
  seconds: number;
}

/**
 * Runs `operation` `total` times with `concurrency` workers sharing the work, and returns
 * latency percentiles (each operation timed on its own) and the run's throughput.
 */
export async function measure(total: number, concurrency: number, operation: () => Promise<void>): Promise<RunFigures> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      const begin = process.hrtime.bigint();
      await operation();
      latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
  };
  const begin = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  latencies.sort((a, b) => a - b);
  return figures(latencies, seconds);
}

/** One set of figures from several runs of the same operation (their latencies, their summed wall time). */
export function combineRuns(runs: RunFigures[]): RunFigures {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return figures(
    latencies,
    runs.reduce((sum, run) => sum + run.seconds, 0),
  );
}

function figures(sortedLatencies: number[], seconds: number): RunFigures {
  return {
    count: sortedLatencies.length,
    p50: percentile(sortedLatencies, 0.5),
    p95: percentile(sortedLatencies, 0.95),
    max: sortedLatencies[sortedLatencies.length - 1] ?? 0,
    perSecond: sortedLatencies.length / seconds,
    latencies: sortedLatencies,
    seconds,
  };
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export function formatRun(label: string, run: RunFigures): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `${label.padEnd(16)} p50 ${ms(run.p50).padStart(9)}  p95 ${ms(run.p95).padStart(9)}  max ${ms(run.max).padStart(9)}  ${run.perSecond.toFixed(1).padStart(7)} tx/s  (n=${run.count})`;
}

/** `--transactions N --concurrency a,b,c [--rounds R]`, with defaults (one round unless told). */
export function parseBenchArgs(
  argv: string[],
  defaults: { transactions: number; concurrency: number[]; rounds?: number },
): { transactions: number; concurrency: number[]; rounds: number } {
  const options = { rounds: 1, ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--transactions') options.transactions = positiveInteger(flag, value);
    else if (flag === '--concurrency')
      options.concurrency = value.split(',').map((part) => positiveInteger(flag, part));
    else if (flag === '--rounds') options.rounds = positiveInteger(flag, value);
    else throw new Error(`unknown option ${flag} (known: --transactions N, --concurrency a,b, --rounds R)`);
  }
  return options;
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} takes a positive integer, not "${value}"`);
  return parsed;
}
