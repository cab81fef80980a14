/**
 * `npm run audit:reconcile`: compares the ledger projection with the ledger, prints every
 * difference (table, key, field, the ledger's value, the projection's: IDs, codes and
 * times, never PHI) and a summary, and records the run in `audit_reconciliations`.
 *
 * Exit status: 0 no difference; 1 differences; 2 the projection did not catch up with the
 * ledger in time (nothing compared); 3 the run could not be made (configuration, database,
 * ledger). Reads DATABASE_URL and FABRIC_NETWORK_PROFILE as the API does, and
 * RECONCILE_CATCH_UP_SECONDS (default 60): how long to wait for the projection.
 */
import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, IsUrl, Max, Min, validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { SystemClock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { FabricLedger } from '../ledger/fabric-ledger.js';
import { readNetworkProfile } from '../ledger/network-profile.js';
import { PeerClients } from '../ledger/peer-clients.js';
import { formatReport } from './reconciliation-report.js';
import { ReconciliationRepository } from './reconciliation.repository.js';
import { ProjectionBehindError, ReconciliationService } from './reconciliation.service.js';

const EXIT = { clean: 0, differences: 1, projectionBehind: 2, failed: 3 } as const;

const defaults = new AppConfig();

/** What the command reads from its environment, validated before anything starts. */
class ReconcileConfig {
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false }) DATABASE_URL = defaults.DATABASE_URL;

  @IsString() @IsNotEmpty() FABRIC_NETWORK_PROFILE = defaults.FABRIC_NETWORK_PROFILE;

  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  RECONCILE_CATCH_UP_SECONDS = 60;
}

function readConfig(env: NodeJS.ProcessEnv): ReconcileConfig {
  const names = Object.keys(new ReconcileConfig());
  const provided = Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
  const config = plainToInstance(ReconcileConfig, provided, { exposeDefaultValues: true });
  const problems = validateSync(config).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  if (problems.length > 0) throw new Error(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

async function main(): Promise<number> {
  const config = readConfig(process.env);
  const profile = readNetworkProfile(config.FABRIC_NETWORK_PROFILE);
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  await dataSource.initialize();
  const peers = new PeerClients(profile.hospitals);
  try {
    if (await dataSource.showMigrations()) {
      console.error('the database has migrations the API has not run yet: start the API (npm start) first');
      return EXIT.failed;
    }
    const service = new ReconciliationService(
      new FabricLedger(profile, peers),
      new ReconciliationRepository(dataSource),
      new LedgerCheckpointRepository(dataSource),
      new SystemClock(),
    );
    const run = await service.run({
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
    peers.close();
    await dataSource.destroy();
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
