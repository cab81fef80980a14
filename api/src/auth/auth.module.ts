import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { AccountPasswordsController } from './account-passwords.controller.js';
import { AccountPasswordsService } from './account-passwords.service.js';
import { AccountTokensRepository } from './account-tokens.repository.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LedgerCheckService } from './ledger-check.service.js';
import { LoginThrottle } from './login-throttle.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { RefreshTokenEntity, SessionEntity } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import { RegistrationPacer } from './registration-pacer.js';
import { RegistrationService } from './registration.service.js';
import { SecondFactorThrottle } from './second-factor-throttle.js';
import { SecondFactorController } from './second-factor.controller.js';
import { SecondFactorRepository } from './second-factor.repository.js';
import { SecondFactorService } from './second-factor.service.js';

/** Sign-in, sessions, tokens, and the one guard in front of every route. */
@Module({
  imports: [
    UsersModule,
    LedgerModule,
    NotificationsModule,
    PassportModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([SessionEntity, RefreshTokenEntity]),
  ],
  controllers: [AuthController, SecondFactorController, AccountPasswordsController],
  providers: [
    AuthService,
    LedgerCheckService,
    SessionsRepository,
    LoginThrottle,
    LoginThrottleRepository,
    SecondFactorService,
    SecondFactorRepository,
    SecondFactorThrottle,
    AccountPasswordsService,
    AccountTokensRepository,
    RegistrationService,
    { provide: RegistrationPacer, useFactory: () => new RegistrationPacer() },
    JwtStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, SessionsRepository, AccountPasswordsService, RegistrationService],
})
export class AuthModule {}
