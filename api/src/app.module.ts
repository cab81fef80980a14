import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter.js';
import { loggableUrl } from './common/loggable-url.js';
import { requestIdOf } from './common/request-id.js';
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
import { ReportsModule } from './reports/reports.module.js';
import { SystemModule } from './system/system.module.js';
import { AdminModule } from './users/admin.module.js';
import { UserSearchModule } from './users/user-search.module.js';

/** Secrets never reach the logs, whatever a request or an error carries. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.privateKeyPem',
  '*.privateKey',
];

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          // The id was given to the request by the first middleware (configure-app.ts).
          genReqId: (request, response) => (request as { id?: string }).id ?? requestIdOf(request, response),
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // A request's line names it, not its headers (they would add a kilobyte to every
          // line) nor its query values (they may be PHI: a searched name, a patient filter).
          serializers: {
            req: (request: { id: string; method: string; url: string; remoteAddress: string }) => ({
              id: request.id,
              method: request.method,
              url: loggableUrl(request.url),
              remoteAddress: request.remoteAddress,
            }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
          },
          customLogLevel: (_request, response, error) =>
            error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
          autoLogging: { ignore: (request) => request.url === '/metrics' },
        },
      }),
    }),
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
  ],
  providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
})
export class AppModule {}
