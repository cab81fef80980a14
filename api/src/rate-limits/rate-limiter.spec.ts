import { describe, expect, it, jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { RateLimit } from './rate-limit.decorator.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitedError } from './rate-limited.error.js';
import { RateLimiter } from './rate-limiter.js';
import type { RateLimitsRepository, Take } from './rate-limits.repository.js';

const NOW = new Date('2026-03-01T12:00:00Z');

/** The buckets as the repository's statement keeps them, in memory (the same arithmetic). */
function memoryBuckets() {
  const refilledAt = new Map<string, number>();
  const buckets = {
    take: jest.fn((key: string, now: Date, cost: number, window: number): Promise<Take> => {
      const next = Math.max(refilledAt.get(key) ?? 0, now.getTime()) + cost * 1000;
      if (next <= now.getTime() + window * 1000) {
        refilledAt.set(key, next);
        return Promise.resolve({ taken: true });
      }
      const current = refilledAt.get(key);
      return Promise.resolve({ taken: false, refilledAt: current === undefined ? null : new Date(current) });
    }),
    giveBack: jest.fn((key: string, cost: number) => {
      refilledAt.set(key, (refilledAt.get(key) ?? 0) - cost * 1000);
      return Promise.resolve();
    }),
    forgetRefilled: jest.fn(() => Promise.resolve(0)),
  };
  return { refilledAt, buckets };
}

function newLimiter(now = () => NOW) {
  const config = {
    RATE_LIMIT_WINDOW_SECONDS: 60,
    RATE_LIMIT_UPLOAD: { perUser: 3, perAddress: 5 },
    RATE_LIMIT_REGISTER: { perUser: null, perAddress: 2 },
  } as AppConfig;
  const { refilledAt, buckets } = memoryBuckets();
  const sut = new RateLimiter(config, buckets as unknown as RateLimitsRepository, { now } as Clock);
  return { sut, buckets, refilledAt };
}

const ADA = { userId: 'ada', address: '203.0.113.7' };
const GRACE = { userId: 'grace', address: '203.0.113.7' };

async function outcomes(spend: () => Promise<void>, times: number): Promise<Array<'ok' | number>> {
  const seen: Array<'ok' | number> = [];
  for (let i = 0; i < times; i += 1) {
    try {
      await spend();
      seen.push('ok');
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      seen.push(error.retryAfterSeconds);
    }
  }
  return seen;
}

describe('RateLimiter', () => {
  it('lets a user spend their budget at once, then refuses with the seconds until one more fits', async () => {
    const { sut } = newLimiter();
    expect(await outcomes(() => sut.spend('upload', ADA), 4)).toEqual(['ok', 'ok', 'ok', 20]);
  });

  it('refills one request every window / budget', async () => {
    let now = NOW;
    const { sut } = newLimiter(() => now);
    await outcomes(() => sut.spend('upload', ADA), 3);
    now = new Date(NOW.getTime() + 20_000);
    expect(await outcomes(() => sut.spend('upload', ADA), 2)).toEqual(['ok', 20]);
  });

  it("bounds everyone behind one address together, and a user refused by their own budget spends none of the address's", async () => {
    const { sut } = newLimiter();
    // Ada hammers: 3 of hers go through, the 7 refused cost the address nothing.
    expect(await outcomes(() => sut.spend('upload', ADA), 10)).toEqual(['ok', 'ok', 'ok', 20, 20, 20, 20, 20, 20, 20]);
    // So Grace, behind the same address, still has the two the address has left.
    expect(await outcomes(() => sut.spend('upload', GRACE), 3)).toEqual(['ok', 'ok', 12]);
  });

  it("gives the user's request back when the address refuses it", async () => {
    const { sut, buckets, refilledAt } = newLimiter();
    await outcomes(() => sut.spend('upload', GRACE), 3);
    await outcomes(() => sut.spend('upload', { userId: 'alan', address: GRACE.address }), 2);
    const before = refilledAt.get('upload:user:ada');
    await expect(sut.spend('upload', ADA)).rejects.toThrow(RateLimitedError);
    expect(buckets.giveBack).toHaveBeenCalledWith('upload:user:ada', 20);
    expect(refilledAt.get('upload:user:ada')).toBe(before ?? NOW.getTime());
  });

  it('counts an anonymous route per address only', async () => {
    const { sut, buckets } = newLimiter();
    expect(await outcomes(() => sut.spend('register', { userId: null, address: '198.51.100.1' }), 3)).toEqual([
      'ok',
      'ok',
      30,
    ]);
    expect(buckets.take.mock.calls.map(([key]) => key)).toEqual(Array(3).fill('register:address:198.51.100.1'));
  });

  it('keeps the limits apart: a spent upload budget leaves registration alone', async () => {
    const { sut } = newLimiter();
    await outcomes(() => sut.spend('upload', { userId: 'ada', address: '198.51.100.1' }), 5);
    await expect(sut.spend('register', { userId: null, address: '198.51.100.1' })).resolves.toBeUndefined();
  });

  it('answers in the envelope with the code and seconds to wait', async () => {
    const { sut } = newLimiter();
    await outcomes(() => sut.spend('upload', ADA), 3);
    const refusal = (await sut.spend('upload', ADA).catch((error: unknown) => error)) as RateLimitedError;
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 20 });
    expect(refusal.details).toEqual({ retryAfterSeconds: 20 });
    expect(refusal.message).toMatch(/too many upload requests from your account \(3 per 60 s\)/);
  });
});

class Routes {
  @RateLimit('upload')
  upload(): void {}

  free(): void {}
}

describe('RateLimitGuard', () => {
  const contextOf = (handler: () => void, request: object) =>
    ({
      getHandler: () => handler,
      switchToHttp: () => ({ getRequest: () => request }),
    }) as unknown as ExecutionContext;

  it("spends the route's limit for the signed-in user and their address (an IPv6 one by its /64)", async () => {
    const spend = jest.fn<RateLimiter['spend']>(() => Promise.resolve());
    const guard = new RateLimitGuard(new Reflector(), { spend } as unknown as RateLimiter);
    const request = { user: { id: 'ada' }, ip: '2001:db8:1:2::7' };
    await expect(guard.canActivate(contextOf(Routes.prototype.upload, request))).resolves.toBe(true);
    expect(spend).toHaveBeenCalledWith('upload', { userId: 'ada', address: '2001:db8:1:2::/64' });
  });

  it('counts an anonymous caller by address, and lets a route without a limit pass untouched', async () => {
    const spend = jest.fn<RateLimiter['spend']>(() => Promise.resolve());
    const guard = new RateLimitGuard(new Reflector(), { spend } as unknown as RateLimiter);
    await guard.canActivate(contextOf(Routes.prototype.upload, { ip: '198.51.100.1' }));
    expect(spend).toHaveBeenCalledWith('upload', { userId: null, address: '198.51.100.1' });
    spend.mockClear();
    await expect(guard.canActivate(contextOf(Routes.prototype.free, { ip: '198.51.100.1' }))).resolves.toBe(true);
    expect(spend).not.toHaveBeenCalled();
  });
});
