import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerIdentity, type LedgerPort } from '../ledger/ledger.port.js';

/** The chaincode's refusals of an opening that are evidence: no grant, an ended grant, a role that never opens content. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']);

/** True when `error` is the chaincode refusing to let the reader open a report. */
export function isRefusedOpening(error: unknown): error is ChaincodeRefusedError {
  return error instanceof ChaincodeRefusedError && REFUSAL_CODES.has(error.code);
}

/** The rate limit of refused openings written to the ledger, shared by every API replica through PostgreSQL. */
@Injectable()
export class RefusedOpeningsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims the right to record one more refusal of `reportId` to `userId` at `now`: false
   * when one was recorded for the same report within `repeatSeconds`, or `perHour` in the
   * last hour. One user's claims are serialised (a transaction-scoped advisory lock).
   */
  claim(userId: string, reportId: string, now: Date, limits: { repeatSeconds: number; perHour: number }) {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`refused-openings:${userId}`]);
      const [recent] = await manager.query<Array<{ hour: number; same: number }>>(
        `SELECT count(*)::int AS hour,
                count(*) FILTER (WHERE report_id = $2 AND recorded_at > $3::timestamptz - make_interval(secs => $4))::int AS same
         FROM refused_openings WHERE user_id = $1 AND recorded_at > $3::timestamptz - interval '1 hour'`,
        [userId, reportId, now.toISOString(), limits.repeatSeconds],
      );
      if (recent.same > 0 || recent.hour >= limits.perHour) return false;
      await manager.query(
        `DELETE FROM refused_openings WHERE user_id = $1 AND recorded_at < $2::timestamptz - interval '1 day'`,
        [userId, now.toISOString()],
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

/**
 * Refused openings are evidence too: after the chaincode refused to let a user open a
 * report, the refusal is recorded on the ledger under that user's own identity (the
 * chaincode accepts it only while the user is in fact refused), rate-limited per user.
 * Recording never changes the answer: the user gets the same refusal whether or not it
 * could be written, and a failure to write it is logged (its code, no IDs of patients).
 */
@Injectable()
export class RefusedOpenings {
  private readonly logger = new Logger(RefusedOpenings.name);

  constructor(
    private readonly repository: RefusedOpeningsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /** Records the refusal when the limit allows; resolves either way. */
  async record(userId: string, actor: LedgerIdentity, reportId: string): Promise<void> {
    try {
      const allowed = await this.repository.claim(userId, reportId, this.clock.now(), {
        repeatSeconds: this.config.REFUSAL_REPEAT_SECONDS,
        perHour: this.config.REFUSALS_PER_USER_PER_HOUR,
      });
      if (!allowed) return;
      await this.ledger.reports.recordRefusal(actor, reportId);
    } catch (error) {
      const code = error instanceof ChaincodeRefusedError ? error.code : (error as Error).name;
      this.logger.warn(`a refused opening could not be recorded on the ledger (${code})`);
    }
  }
}
