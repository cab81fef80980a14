import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { attemptSubjects, decideAttempt, type ThrottleRules } from '../../api/src/auth/login-throttle.js';
import { LoginThrottleRepository } from '../../api/src/auth/login-throttle.repository.js';
import { serializeError } from '../../api/src/common/request-log.js';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { DatabaseLogger } from '../../api/src/database/database-logger.js';
import { RateLimitsRepository } from '../../api/src/rate-limits/rate-limits.repository.js';
import { ScratchDatabase } from '../support/scratch-database.js';

const RULES: ThrottleRules = {
  failuresBeforeDelay: 5,
  suspectAccountFailures: 50,
  suspectAddressFailures: 500,
  maxDelaySeconds: 900,
  windowSeconds: 900,
};

/**
 * The statements behind the rate limits and the sign-in throttle, on the real PostgreSQL
 * with two connection pools (two API processes, as far as the database can tell): what one
 * counts, the other sees, and concurrent takers never get more than the budget. And what
 * the database layer logs when a query fails: never its parameters.
 */
describe('rate limits and sign-in counts in PostgreSQL, and the database log', () => {
  // A database of its own: the sweeps below delete whatever is due, which in the running
  // system's database would be other suites' counts.
  let scratch: ScratchDatabase;
  let pools: [DataSource, DataSource];

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('rate_limits');
    pools = [await scratch.connect(), await scratch.connect()];
    await pools[0].runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
    await scratch.drop();
  });

  it('gives 50 concurrent takers from two pools exactly the budget of 10, and says when the bucket refills', async () => {
    const buckets = pools.map((pool) => new RateLimitsRepository(pool));
    const key = `test:user:${randomUUID()}`;
    const now = new Date();
    // A budget of 10 in 60 s: each request costs 6 s.
    const takes = await Promise.all(
      Array.from({ length: 50 }, (_, index) => buckets[index % 2]!.take(key, now, 6, 60)),
    );
    expect(takes.filter((take) => take.taken)).toHaveLength(10);
    for (const take of takes.filter((outcome) => !outcome.taken)) {
      expect(take).toEqual({ taken: false, refilledAt: new Date(now.getTime() + 60_000) });
    }
    // One cost later, one more fits, on either pool.
    expect(await buckets[1]!.take(key, new Date(now.getTime() + 6_000), 6, 60)).toEqual({ taken: true });
    expect((await buckets[0]!.take(key, new Date(now.getTime() + 6_000), 6, 60)).taken).toBe(false);
    // Given back, it fits again; once refilled, the row is forgotten.
    await buckets[0]!.giveBack(key, 6);
    expect((await buckets[0]!.take(key, new Date(now.getTime() + 6_000), 6, 60)).taken).toBe(true);
    expect(await buckets[0]!.forgetRefilled(new Date(now.getTime() + 120_000))).toBeGreaterThanOrEqual(1);
    expect((await pools[0].query('SELECT 1 FROM rate_limit_buckets WHERE key = $1', [key])).length).toBe(0);
  });

  it('lets 5 of 20 concurrent sign-in attempts of one pair, from two pools, go ahead', async () => {
    const repositories = pools.map((pool) => new LoginThrottleRepository(pool));
    const subjects = attemptSubjects(`${randomUUID()}@medledger.test`, '198.51.100.77');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        repositories[index % 2]!.claim(subjects, new Date(), (pair, signals) => {
          const decided = decideAttempt(pair, signals, new Date(), RULES);
          return { outcome: decided.admitted, write: decided.admitted ? decided.count : undefined };
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(5);
    const [row] = await pools[0].query<Array<{ failures: number }>>(
      'SELECT failures FROM login_throttle WHERE subject = $1',
      [subjects.pair],
    );
    expect(row?.failures).toBe(5);
    await repositories[1]!.forget(subjects.pair);
  });

  it('counts the signals of concurrent failures without losing one, and forgets them after the window', async () => {
    const repository = new LoginThrottleRepository(pools[0]);
    const { account } = attemptSubjects('ada@example.org', '198.51.100.7');
    const now = new Date();
    const forgetAt = new Date(now.getTime() + 900_000);
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        new LoginThrottleRepository(pools[index % 2]).countFailure([account], now, forgetAt),
      ),
    );
    const count = async () =>
      (
        await pools[1].query<Array<{ failures: number }>>('SELECT failures FROM login_throttle WHERE subject = $1', [
          account,
        ])
      )[0]?.failures;
    expect(await count()).toBe(30);
    expect(await repository.forgetExpired(new Date(forgetAt.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect(await count()).toBeUndefined();
  });

  it('logs a failed query without its parameters or the driver’s message, and so does the error it throws', async () => {
    const lines: unknown[][] = [];
    const sink = {
      log: (...args: unknown[]) => lines.push(args),
      warn: (...args: unknown[]) => lines.push(args),
      error: (...args: unknown[]) => lines.push(args),
      debug: (...args: unknown[]) => lines.push(args),
    } as unknown as LoggerService;
    const logged = await new DataSource({
      ...dataSourceOptions(scratch.url),
      logger: new DatabaseLogger(sink),
    }).initialize();
    const probe = `Quarrington${randomUUID().slice(0, 8)}`;
    let thrown: unknown;
    try {
      await logged.query('SELECT id FROM users WHERE id = $1::uuid AND full_name = $2', [probe, `${probe} Vasquez`]);
    } catch (error) {
      thrown = error;
    } finally {
      await logged.destroy();
    }
    // PostgreSQL's message quotes the value: `invalid input syntax for type uuid: "Quarrington…"`.
    expect(String(thrown)).toContain(probe);
    const written = JSON.stringify(lines);
    expect(written).toContain('query failed');
    expect(written).toContain('22P02');
    expect(written).toContain('$1::uuid');
    expect(written).not.toContain(probe);
    expect(JSON.stringify(serializeError(thrown))).not.toContain(probe);
    expect(JSON.stringify(serializeError(new Error('the search failed', { cause: thrown })))).not.toContain(probe);
  });
});
