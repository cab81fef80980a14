import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** A subject's failed sign-ins, as `login_throttle` keeps them. */
export interface FailureCount {
  failures: number;
  /** Before this time the subject (a pair) may not try again. */
  nextAttemptAt: Date;
  /** From this time on the failures are forgotten. */
  forgetAt: Date;
}

/** The failures of the two signals, an account from anywhere and an address for any account, not yet forgotten. */
export interface FailureSignals {
  account: number;
  address: number;
}

/** The subjects of one sign-in attempt (LoginThrottle names them). */
export interface AttemptSubjects {
  pair: string;
  account: string;
  address: string;
}

/** A pair's count before its first attempt (the upsert always returns a row; this is for the type). */
const NO_FAILURES: FailureCount = { failures: 0, nextAttemptAt: new Date(0), forgetAt: new Date(0) };

/**
 * Failed sign-ins by subject (`login_throttle`), shared by every API process: the queries
 * only; whether an attempt may go ahead, and what it leaves, is LoginThrottle's rule.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reads the pair's count under a row lock held to the end of a transaction (the row is
   * made when missing), with the signals' counts, and writes the count that `decide`
   * returns for the pair, if any. Concurrent attempts of one pair thus decide one after the
   * other, each on the count the one before left: the check and the count are one step.
   */
  claim<Outcome>(
    subjects: AttemptSubjects,
    now: Date,
    decide: (pair: FailureCount, signals: FailureSignals) => { outcome: Outcome; write?: FailureCount },
  ): Promise<Outcome> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<
        Array<{ failures: number; nextAttemptAt: Date; forgetAt: Date; account: number; address: number }>
      >(
        `WITH pair AS (
           INSERT INTO login_throttle AS throttle (subject) VALUES ($1)
           ON CONFLICT (subject) DO UPDATE SET subject = throttle.subject
           RETURNING failures, next_attempt_at, forget_at
         )
         SELECT pair.failures, pair.next_attempt_at AS "nextAttemptAt", pair.forget_at AS "forgetAt",
           coalesce((SELECT failures FROM login_throttle WHERE subject = $2 AND forget_at > $4), 0) AS account,
           coalesce((SELECT failures FROM login_throttle WHERE subject = $3 AND forget_at > $4), 0) AS address
         FROM pair`,
        [subjects.pair, subjects.account, subjects.address, now.toISOString()],
      );
      const pair = row
        ? { failures: row.failures, nextAttemptAt: row.nextAttemptAt, forgetAt: row.forgetAt }
        : NO_FAILURES;
      const { outcome, write } = decide(pair, { account: row?.account ?? 0, address: row?.address ?? 0 });
      if (write) {
        await manager.query(
          'UPDATE login_throttle SET failures = $2, next_attempt_at = $3, forget_at = $4 WHERE subject = $1',
          [subjects.pair, write.failures, write.nextAttemptAt.toISOString(), write.forgetAt.toISOString()],
        );
      }
      return outcome;
    });
  }

  /**
   * Counts one failure for each signal subject, each forgotten `forgetAt` (a window after
   * this failure); a count already forgotten starts again at one.
   */
  async countFailure(subjects: string[], now: Date, forgetAt: Date): Promise<void> {
    // In one order, so that two statements never wait for each other's rows.
    const ordered = [...new Set(subjects)].sort();
    await this.dataSource.query(
      `INSERT INTO login_throttle AS throttle (subject, failures, forget_at)
       SELECT unnest($1::text[]), 1, $3::timestamptz
       ON CONFLICT (subject) DO UPDATE
         SET failures = CASE WHEN throttle.forget_at <= $2::timestamptz THEN 1 ELSE throttle.failures + 1 END,
           forget_at = greatest(throttle.forget_at, $3::timestamptz)`,
      [ordered, now.toISOString(), forgetAt.toISOString()],
    );
  }

  /** Forgets a subject's failures (a pair's, after its right password). */
  async forget(subject: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_throttle WHERE subject = $1', [subject]);
  }

  /** Deletes the counts that are forgotten by now. */
  async forgetExpired(now: Date): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM login_throttle WHERE forget_at <= $1',
      [now.toISOString()],
    );
    return affected;
  }
}
