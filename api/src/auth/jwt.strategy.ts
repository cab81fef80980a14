import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import type { AccessTokenClaims, AuthenticatedUser } from './authenticated-user.js';

/** Verifies the access token (HS256 only, issuer and audience checked), then asks AuthService whether its session lives. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: ['HS256'],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): Promise<AuthenticatedUser> {
    return this.auth.authenticate(claims);
  }
}
