import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ProjectionStatus } from '../projection/projection-status.js';
import { ReconciliationModule } from '../reconciliation/reconciliation.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { HttpMetricsMiddleware, Metrics } from './metrics.js';
import { ReadinessService } from './readiness.service.js';
import { SystemStatusService } from './system-status.service.js';
import { HealthController, MetricsController, SystemStatusController } from './system.controller.js';

/**
 * Liveness, readiness, metrics (the registry, for the features that count things) and the
 * system status. It provides the projection's status (its checkpoint, its lag) itself rather
 * than importing the projection's module: features import this module for the metrics, and
 * must not bring the projection's event reader along.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, StorageModule, ReconciliationModule],
  controllers: [HealthController, MetricsController, SystemStatusController],
  providers: [Metrics, ReadinessService, SystemStatusService, ProjectionStatus, LedgerCheckpointRepository],
  exports: [Metrics],
})
export class SystemModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
