import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Clock, SystemClock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { ReconciliationModule } from './reconciliation.module.js';

/**
 * The API's configuration as `npm run audit:reconcile` reads it (with loadConfig, by the
 * API's rules), and how long it waits for the projection to reach the chain height.
 */
export class ReconcileConfig extends AppConfig {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  RECONCILE_CATCH_UP_SECONDS = 60;
}

// The command signs nothing and seals nothing: the API's secrets may be absent (when given,
// they are checked as the API checks them).
for (const secret of ['JWT_SECRET', 'MASTER_KEY'] as const) IsOptional()(ReconcileConfig.prototype, secret);

/** The command's configuration, already validated, as the API's AppConfig, and the clock: everywhere. */
@Module({})
class ReconcileGlobalsModule {}

/**
 * What the reconciliation needs and nothing more: the configuration, the clock, PostgreSQL
 * (its migrations are the API's to run: the command only reads and records its run), and
 * the reconciliation with the ledger port. None of the API's background workers (event
 * readers, mail, recovery) is in it: they live in the feature modules it leaves out.
 *
 * The command runs under tsx, which emits no constructor parameter types: every provider
 * here injects by explicit tokens (reconcile-command.module.spec.ts checks it).
 */
@Module({})
export class ReconcileCommandModule {
  static with(config: ReconcileConfig): DynamicModule {
    return {
      module: ReconcileCommandModule,
      imports: [
        {
          module: ReconcileGlobalsModule,
          global: true,
          providers: [
            { provide: AppConfig, useValue: config },
            { provide: ReconcileConfig, useValue: config },
            { provide: Clock, useClass: SystemClock },
          ],
          exports: [AppConfig, ReconcileConfig, Clock],
        },
        // Fail at once when PostgreSQL cannot be reached (exit 3), instead of retrying as the API does.
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.DATABASE_URL), toRetry: () => false }),
        ReconciliationModule,
      ],
    };
  }
}
