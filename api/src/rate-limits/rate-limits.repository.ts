import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement.js';

/**
 * Takes one request from a bucket when it fits, in one statement: the row lock of the
 * upsert serialises the takers of a bucket, whichever API process they run in. $2 is the
 * time, $3 the seconds one request costs, $4 the window in seconds.
 */
const TAKE = new PreparedStatement<{ refilledAt: Date }>(
  'rate-limits.take',
  `INSERT INTO rate_limit_buckets AS bucket (key, refilled_at)
   VALUES ($1, $2::timestamptz + make_interval(secs => $3::float8))
   ON CONFLICT (key) DO UPDATE
     SET refilled_at = greatest(bucket.refilled_at, $2::timestamptz) + make_interval(secs => $3::float8)
     WHERE greatest(bucket.refilled_at, $2::timestamptz) + make_interval(secs => $3::float8)
       <= $2::timestamptz + make_interval(secs => $4::float8)
   RETURNING refilled_at AS "refilledAt"`,
);

/** What a bucket said to one request. */
export type Take = { taken: true } | { taken: false; refilledAt: Date | null };

/**
 * The buckets of the rate limits (`rate_limit_buckets`), one per limit and user or
 * address, shared by every API process through PostgreSQL. A bucket is one time: when its
 * whole budget is back (`refilled_at`). A request costs window / budget seconds and fits
 * while the bucket stays within one window of the present; so the whole budget may go at
 * once, and then one request more every window / budget (the generic cell rate algorithm).
 */
@Injectable()
export class RateLimitsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes one request's cost from the bucket when it fits; else leaves it as it is and says when it refills. */
  async take(key: string, now: Date, costSeconds: number, windowSeconds: number): Promise<Take> {
    const { rows } = await TAKE.run(this.dataSource, [key, now.toISOString(), costSeconds, windowSeconds]);
    if (rows.length > 0) return { taken: true };
    const [bucket] = await this.dataSource.query<Array<{ refilledAt: Date }>>(
      'SELECT refilled_at AS "refilledAt" FROM rate_limit_buckets WHERE key = $1',
      [key],
    );
    return { taken: false, refilledAt: bucket?.refilledAt ?? null };
  }

  /** Gives a request's cost back (the request was refused by another bucket after this one took it). */
  async giveBack(key: string, costSeconds: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE rate_limit_buckets SET refilled_at = refilled_at - make_interval(secs => $2::float8) WHERE key = $1',
      [key, costSeconds],
    );
  }

  /** Forgets the buckets whose whole budget is back: no row and such a row mean the same. */
  async forgetRefilled(now: Date): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM rate_limit_buckets WHERE refilled_at <= $1',
      [now.toISOString()],
    );
    return affected;
  }
}
