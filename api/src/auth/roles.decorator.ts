import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { Role } from '../users/user.entity.js';

export const ALLOWED_ROLES = 'medledger:roles';

/**
 * The roles that may call a route. Every route names its roles or is @Public(): the
 * access guard refuses a route that says neither (deny by default).
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(
    SetMetadata(ALLOWED_ROLES, roles),
    ApiBearerAuth(),
    // The access guard's answers: no token or an ended session; another role; the sessions'
    // database unavailable.
    ApiErrors(
      [401, 'UNAUTHENTICATED: no valid access token, or its session has ended'],
      [
        403,
        `FORBIDDEN: allowed roles: ${roles.join(', ')}; or the route's own rule refuses the caller. SECOND_FACTOR_ENROLMENT_REQUIRED: the session awaits the second factor's enrolment (staff)`,
      ],
      503,
    ),
  );
