import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
    ApiUnauthorizedResponse({ description: 'No valid access token, or the session has ended' }),
    ApiForbiddenResponse({ description: `Allowed roles: ${roles.join(', ')}` }),
  );
