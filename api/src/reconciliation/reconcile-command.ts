/**
 * `npm run audit:reconcile`: compares the ledger projection with the ledger, prints every
 * difference (table, key, field, the ledger's value, the projection's: IDs, codes and
 * times, never PHI) and a summary, and records the run in `audit_reconciliations`.
 *
 * Exit status: 0 no difference; 1 differences; 2 the projection did not catch up with the
 * ledger in time (nothing compared); 3 the run could not be made (configuration, database,
 * ledger). Reads the API's configuration by the API's rules (DATABASE_URL,
 * FABRIC_NETWORK_PROFILE, READINESS_TIMEOUT_MS…; its secrets are not needed), and
 * RECONCILE_CATCH_UP_SECONDS (default 60): how long to wait for the projection.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { ReconcileCommandModule, ReconcileConfig } from './reconcile-command.module.js';
import { formatReport } from './reconciliation-report.js';
import { ProjectionBehindError, ReconciliationService } from './reconciliation.service.js';

const EXIT = { clean: 0, differences: 1, projectionBehind: 2, failed: 3 } as const;

async function main(): Promise<number> {
  let config: ReconcileConfig;
  try {
    config = loadConfig(process.env, ReconcileConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT.failed;
  }
  // No Nest log: the report is this command's output, its progress goes to stderr, and a
  // failure to start (PostgreSQL unreachable) reaches main as an exception, printed once.
  const app = await NestFactory.createApplicationContext(ReconcileCommandModule.with(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    if (await app.get(DataSource).showMigrations()) {
      console.error('the database has migrations the API has not run yet: start the API (npm start) first');
      return EXIT.failed;
    }
    const run = await app.get(ReconciliationService).run({
      catchUpTimeoutMs: config.RECONCILE_CATCH_UP_SECONDS * 1000,
      progress: (line) => console.error(line),
    });
    for (const line of formatReport(run)) console.log(line);
    return run.differences === 0 ? EXIT.clean : EXIT.differences;
  } catch (error) {
    if (error instanceof ProjectionBehindError) {
      console.error(error.message);
      return EXIT.projectionBehind;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function exit(status: number): void {
  process.exitCode = status;
  // Everything is closed; should a connection still hold the event loop, do not hang.
  setTimeout(() => process.exit(status), 5000).unref();
}

main().then(exit, (error: unknown) => {
  console.error(`reconciliation failed: ${error instanceof Error ? error.message : String(error)}`);
  exit(EXIT.failed);
});
