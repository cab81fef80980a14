import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Where the counts of a user's recent refused openings start (exclusive). */
export interface RefusalWindows {
  /** The user's refusals of any report recorded after this. */
  allSince: Date;
  /** The user's refusals of the report in question recorded after this. */
  reportSince: Date;
}

/** A user's refused openings recorded within each window. */
export interface RecentRefusals {
  all: number;
  ofReport: number;
}

/**
 * The refused openings each user had recorded on the ledger recently (`refused_openings`),
 * shared by every API replica through PostgreSQL: the queries only. Which counts allow one
 * more is the caller's rule (RefusedOpenings).
 */
@Injectable()
export class RefusedOpeningsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts the user's refused openings within `windows` and, when `allows` says so for those
   * counts, records one more of `reportId` at `now` (and forgets the user's rows older than
   * both windows, which no count reads again). One user's claims are serialised by a
   * transaction-scoped advisory lock, so that two replicas cannot both take the last one.
   * Resolves whether it was recorded.
   */
  claim(
    userId: string,
    reportId: string,
    now: Date,
    windows: RefusalWindows,
    allows: (recent: RecentRefusals) => boolean,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`refused-openings:${userId}`]);
      const [recent] = await manager.query<RecentRefusals[]>(
        `SELECT count(*) FILTER (WHERE recorded_at > $3::timestamptz)::int AS "all",
                count(*) FILTER (WHERE report_id = $2 AND recorded_at > $4::timestamptz)::int AS "ofReport"
         FROM refused_openings WHERE user_id = $1 AND recorded_at > least($3::timestamptz, $4::timestamptz)`,
        [userId, reportId, windows.allSince.toISOString(), windows.reportSince.toISOString()],
      );
      if (!allows(recent)) return false;
      await manager.query(
        'DELETE FROM refused_openings WHERE user_id = $1 AND recorded_at <= least($2::timestamptz, $3::timestamptz)',
        [userId, windows.allSince.toISOString(), windows.reportSince.toISOString()],
      );
      await manager.query('INSERT INTO refused_openings (user_id, report_id, recorded_at) VALUES ($1, $2, $3)', [
        userId,
        reportId,
        now.toISOString(),
      ]);
      return true;
    });
  }
}
