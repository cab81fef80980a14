import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '../common/public.decorator.js';
import type { Role } from '../users/user.entity.js';
import { RoleForbiddenError, UnauthenticatedError } from './auth.errors.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { ALLOWED_ROLES } from './roles.decorator.js';
import { DURING_SECOND_FACTOR_ENROLMENT } from './second-factor-enrolment.decorator.js';
import { SecondFactorEnrolmentRequiredError } from './second-factor.errors.js';

/**
 * The one guard of every route: public routes pass; every other route needs a valid access
 * token of a live session and a role the route names. A route that names no roles is
 * refused to everyone, so a forgotten rule fails closed. A session awaiting second-factor
 * enrolment (staff who signed in with a password alone) reaches only the routes marked
 * @DuringSecondFactorEnrolment.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets) ?? [];
    const user = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user;
    if (
      user.awaitsSecondFactor &&
      !this.reflector.getAllAndOverride<boolean>(DURING_SECOND_FACTOR_ENROLMENT, targets)
    ) {
      throw new SecondFactorEnrolmentRequiredError(
        'set up your second factor first (POST /auth/second-factor, then /auth/second-factor/confirm)',
      );
    }
    if (!roles.includes(user.role)) {
      throw new RoleForbiddenError(
        roles.length === 0 ? 'this route allows no role' : `this route is for: ${roles.join(', ')}`,
      );
    }
    return true;
  }

  /** Passport reports a bad token as "no user"; an error is the session check's own (ended session, database down). */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw new UnauthenticatedError('a valid access token is required');
    return user;
  }
}
