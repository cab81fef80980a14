import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { HttpMetricsMiddleware, Metrics } from './metrics.js';
import { ReadinessService } from './readiness.service.js';
import { HealthController, MetricsController } from './system.controller.js';

/** Liveness, readiness and metrics (the registry, for the features that count things). */
@Module({
  imports: [DatabaseModule, LedgerModule, StorageModule],
  controllers: [HealthController, MetricsController],
  providers: [Metrics, ReadinessService],
  exports: [Metrics],
})
export class SystemModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
