/*
 * The last step of `npm test` (scripts/medledger.sh run_tests): looks for every PHI probe
 * the suites registered during the run (test/support/phi.ts) in every log under the run
 * directory and in the ledger's block files (test/support/probe-scan.ts says which files,
 * and in which forms: plain, any case, JSON-escaped, URL-encoded, hex, base64).
 *
 *   tsx scripts/scan-logs-for-probes.ts [RUN_DIR] [PROBES_FILE]
 *
 * RUN_DIR defaults to MEDLEDGER_RUN_DIR or .run; PROBES_FILE to MEDLEDGER_PHI_PROBES or
 * RUN_DIR/phi-probes.txt. Exit status: 0 no probe found; 1 a probe found (each place
 * listed); 2 the scan could not run; 3 no probe registered (nothing to look for).
 */
import path from 'node:path';
import { filesToScan, ProbeMatcher, readProbeList, scanFile, totalBytes } from '../test/support/probe-scan.js';

const PROJECT_DIR = path.resolve(import.meta.dirname, '..');
const MAX_LISTED = 50;
/** A path as the report shows it: relative to the project when inside it. */
const shown = (file: string) =>
  path.relative(PROJECT_DIR, file).startsWith('..') ? file : path.relative(PROJECT_DIR, file);

function main(): number {
  const runDir = path.resolve(process.argv[2] ?? process.env.MEDLEDGER_RUN_DIR ?? path.join(PROJECT_DIR, '.run'));
  const probesFile = path.resolve(
    process.argv[3] ?? process.env.MEDLEDGER_PHI_PROBES ?? path.join(runDir, 'phi-probes.txt'),
  );
  const probes = readProbeList(probesFile);
  const say = (text: string) => process.stdout.write(`[log scan] ${text}\n`);
  if (probes.length === 0) {
    say(`no PHI probe registered in ${probesFile}: nothing to look for (skipped)`);
    return 3;
  }
  const files = filesToScan(runDir, [probesFile]);
  const suites = new Set(probes.map((entry) => entry.source ?? '(outside Jest)'));
  say(
    `${probes.length} PHI probes from ${suites.size} suite(s); ${files.length} files under ${shown(runDir)}, ` +
      `${(totalBytes(files) / 2 ** 20).toFixed(1)} MiB`,
  );
  const matcher = new ProbeMatcher(probes.map((entry) => entry.probe));
  const byProbe = new Map(probes.map((entry) => [entry.probe, entry]));
  const leaks = files.flatMap((file) => scanFile(matcher, file));
  if (leaks.length === 0) {
    say('no probe found in any log or block file');
    return 0;
  }
  process.stdout.write(
    `\nPHI found in the logs: ${leaks.length} place(s) in ${new Set(leaks.map((leak) => leak.file)).size} file(s)\n`,
  );
  for (const leak of leaks.slice(0, MAX_LISTED)) {
    const entry = byProbe.get(leak.probe)!;
    process.stdout.write(
      `  ${shown(leak.file)}:${leak.line}: ${entry.kind} ${JSON.stringify(leak.probe)} ` +
        `(${entry.source ?? 'outside Jest'}) as ${leak.form}\n      ${leak.excerpt}\n`,
    );
  }
  if (leaks.length > MAX_LISTED) process.stdout.write(`  … and ${leaks.length - MAX_LISTED} more\n`);
  return 1;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`[log scan] could not run: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 2;
}
