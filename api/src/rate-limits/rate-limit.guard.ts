import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { clientAddressOf } from './client-address.js';
import type { RateLimitName } from './rate-limit-names.js';
import { RateLimiter } from './rate-limiter.js';

export const RATE_LIMIT = 'medledger:rate-limit';

/**
 * Spends one request of the route's limit (@RateLimit) for the caller and their address.
 * It runs after the access guard, so the user is known and a request refused for its token
 * or role costs nothing; and before the route reads its body, so a refused upload is not
 * encrypted, stored or sent to the ledger.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.reflector.get<RateLimitName | undefined>(RATE_LIMIT, context.getHandler());
    if (!limit) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    await this.limiter.spend(limit, { userId: request.user?.id ?? null, address: clientAddressOf(request.ip) });
    return true;
  }
}
