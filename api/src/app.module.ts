import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter.js';
import { requestLogSettings } from './common/request-log.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DatabaseModule } from './database/database.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PatientsModule } from './patients/patients.module.js';
import { ProjectionModule } from './projection/projection.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CareDirectoryModule } from './care/care-directory.module.js';
import { AccessModule } from './access/access.module.js';
import { LedgerEventsModule } from './ledger-events/ledger-events.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { FhirModule } from './fhir/fhir.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SystemModule } from './system/system.module.js';
import { AdminModule } from './users/admin.module.js';
import { UserSearchModule } from './users/user-search.module.js';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: requestLogSettings }),
    CommonModule,
    CryptoModule,
    DatabaseModule,
    SystemModule,
    AuthModule,
    AdminModule,
    UserSearchModule,
    PatientsModule,
    CareDirectoryModule,
    ReportsModule,
    AuditModule,
    AccessModule,
    LedgerEventsModule,
    ProjectionModule,
    NotificationsModule,
    RateLimitsModule,
    FhirModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
})
export class AppModule {}
