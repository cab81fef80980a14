import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LedgerCheckService } from './ledger-check.service.js';
import { LoginThrottle } from './login-throttle.js';
import { RefreshTokenEntity, SessionEntity } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';

/** Sign-in, sessions, tokens, and the one guard in front of every route. */
@Module({
  imports: [
    UsersModule,
    LedgerModule,
    PassportModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([SessionEntity, RefreshTokenEntity]),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    LedgerCheckService,
    SessionsRepository,
    LoginThrottle,
    JwtStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, SessionsRepository],
})
export class AuthModule {}
