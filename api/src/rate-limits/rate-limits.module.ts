import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';
import { RateLimitsRepository } from './rate-limits.repository.js';

/** The rate limits of the costly routes; global, so that any feature's controller may use @RateLimit. */
@Global()
@Module({
  providers: [RateLimiter, RateLimitsRepository, RateLimitGuard],
  exports: [RateLimiter, RateLimitGuard],
})
export class RateLimitsModule {}
