import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { RateLimitName } from './rate-limit-names.js';
import { RATE_LIMIT, RateLimitGuard } from './rate-limit.guard.js';

/**
 * Puts a costly route under one of the rate limits (RATE_LIMIT_SETTINGS): per user and per
 * client address, shared by every API process; beyond either budget the answer is 429
 * RATE_LIMITED with `Retry-After`, which the OpenAPI document declares.
 */
export const RateLimit = (limit: RateLimitName) =>
  applyDecorators(SetMetadata(RATE_LIMIT, limit), UseGuards(RateLimitGuard), ApiErrors(429));
