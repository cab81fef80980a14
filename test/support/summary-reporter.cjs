/**
 * Prints one closing line that any CI reads the same way: "tests: N passed, N failed, N skipped".
 *
 * `npm test` has one more step after Jest, the scan of the logs for PHI probes
 * (scripts/scan-logs-for-probes.ts), which counts as one more test: it sets
 * MEDLEDGER_TEST_COUNTS, this reporter then writes Jest's counts to that file instead of
 * printing them, and the script prints the closing line after the scan with
 *   node test/support/summary-reporter.cjs COUNTS_FILE SCAN_EXIT_STATUS
 * (0 passed, 3 skipped: no probe registered, anything else failed).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module Jest loads as it is
const fs = require('node:fs');

const summaryLine = ({ passed, failed, skipped }) => `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests,
    };
    const file = process.env.MEDLEDGER_TEST_COUNTS;
    if (file) fs.writeFileSync(file, JSON.stringify(counts));
    else process.stdout.write(`\n${summaryLine(counts)}\n`);
  }
}

if (require.main === module) {
  const [countsFile, scanStatus] = process.argv.slice(2);
  let counts;
  try {
    counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
  } catch {
    // Jest ended before reporting (a configuration error, a crash): one failure.
    process.stdout.write('\nJest reported no results\n');
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  if (scanStatus === '0') counts.passed += 1;
  else if (scanStatus === '3') counts.skipped += 1;
  else counts.failed += 1;
  process.stdout.write(`\n${summaryLine(counts)}\n`);
}

module.exports = SummaryReporter;
