import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { subjectsOfEmail } from '../auth/login-throttle.js';
import { erasedPatientPseudonym, type StoredErasureState } from './erasure-states.js';

/** A request whose time has come, in one of the states that the worker carries on from. */
export interface DueErasure {
  id: string;
  patientId: string;
  state: Extract<StoredErasureState, 'confirmed' | 'recorded' | 'content-erased'>;
  /** The admin who confirmed it (who signs the ledger's record, while they can). */
  confirmedBy: string;
  effectiveAt: Date;
  /** Failed attempts so far (of any step). */
  attempts: number;
}

/** What the e-mail to the patient came to: accepted by the mail channel, or failed (tried again later). */
export type NoticeOutcome = { sent: true } | { sent: false; error: string; retryAfterSeconds: number };

/** What the last step came to. */
export type FinishOutcome = 'done' | 'notice-failed' | 'not-ready';

/**
 * How long the e-mail to the patient is tried before the erasure completes without it: the
 * patient's demographics wait for it (it goes to their address, which the last step
 * replaces), but not for ever.
 */
export const NOTICE_GIVE_UP_SECONDS = 24 * 60 * 60;

/**
 * What stands in for a report's title once the patient's content is erased: the column is
 * NOT NULL, and an upload completed later from its saga row writes this instead of PHI.
 */
export const ERASED_TITLE = '[erased]';

/** Why a session ended, for the session list. */
const SESSION_END_REASON = 'patient erased';

/**
 * The steps of carrying out an erasure request (table erasure_requests), each conditional
 * on the state the step before left and run under the request's row lock, so that any API
 * process may run any step again after a crash and the work is done once. The last two
 * steps write the tables that hold the patient's PHI (reports, upload sagas, the account,
 * sessions, sign-in failures): what they hold goes in the erasure's own transaction.
 */
@Injectable()
export class PatientErasureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Requests whose effective time has come and that are not done, not waiting for a retry; the oldest first. */
  due(limit: number): Promise<DueErasure[]> {
    return this.dataSource.query<DueErasure[]>(
      `SELECT id, patient_id AS "patientId", state, confirmed_by AS "confirmedBy", effective_at AS "effectiveAt", attempts
       FROM erasure_requests
       WHERE state IN ('confirmed', 'recorded', 'content-erased') AND effective_at <= now()
         AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       ORDER BY effective_at LIMIT $1`,
      [limit],
    );
  }

  /** The ledger holds the erasure: keeps its transaction (first writer wins: a retry never changes it). */
  async markRecorded(
    requestId: string,
    ledger: { txId: string; blockNumber: string | null; erasedAt: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE erasure_requests
       SET state = 'recorded', tx_id = $2, block_number = $3, erased_at = $4,
         attempts = 0, next_attempt_at = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND state = 'confirmed'`,
      [requestId, ledger.txId, ledger.blockNumber, ledger.erasedAt],
    );
  }

  /** Keeps why the last attempt stopped (for operators) and when to try again; the request stays where it was. */
  async noteFailure(requestId: string, error: string, retryAfterSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE erasure_requests
       SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3),
         updated_at = now()
       WHERE id = $1 AND state <> 'done'`,
      [requestId, error.slice(0, 500), retryAfterSeconds],
    );
  }

  /**
   * The content step, in one transaction: `destroyKey` (the patient's key-encryption key,
   * and what else goes with it, within the same transaction), the PHI of the patient's
   * report metadata scrubbed, the request marked content-erased with the number of reports.
   * Does nothing unless the request is `recorded` (the ledger holds the erasure) when its
   * row is locked, so that two processes at once do the work once.
   */
  async eraseContent(
    requestId: string,
    patientId: string,
    destroyKey: (manager: EntityManager) => Promise<unknown>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<Array<{ state: StoredErasureState }>>(
        'SELECT state FROM erasure_requests WHERE id = $1 FOR UPDATE',
        [requestId],
      );
      if (row?.state !== 'recorded') return;
      await destroyKey(manager);
      const reportsErased = await this.scrubReports(patientId, manager);
      await manager.query(
        `UPDATE erasure_requests
         SET state = 'content-erased', reports_erased = $2, attempts = 0, next_attempt_at = NULL, last_error = NULL,
           updated_at = now()
         WHERE id = $1`,
        [requestId, reportsErased],
      );
    });
  }

  /**
   * The last step, in one transaction that holds the request's row (another process skips
   * it meanwhile): the patient is told by e-mail through `tell`, at the address of their
   * account, once (a crash after the send and before the commit sends it again, with the
   * same Message-ID); then their demographics are replaced by a pseudonym (name, e-mail,
   * date of birth, and a password hash that matches no password), their sessions end (with
   * the addresses and browsers they were opened from), their failed sign-ins go, and the
   * request is done. When the e-mail fails, the failure is kept and the step ends there, to
   * be tried again after `retryAfterSeconds`, until NOTICE_GIVE_UP_SECONDS after the
   * effective time: then the erasure completes without it.
   */
  async finish(
    requestId: string,
    tell: (to: string, failedBefore: number) => Promise<NoticeOutcome>,
  ): Promise<FinishOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<
        Array<{
          state: StoredErasureState;
          patientId: string;
          email: string;
          told: boolean;
          mailAttempts: number;
          mayGiveUp: boolean;
        }>
      >(
        `SELECT r.state, r.patient_id AS "patientId", u.email, r.patient_told_at IS NOT NULL AS told,
           r.mail_attempts AS "mailAttempts",
           r.effective_at < now() - make_interval(secs => $2) AS "mayGiveUp"
         FROM erasure_requests r JOIN users u ON u.id = r.patient_id
         WHERE r.id = $1
         FOR UPDATE OF r SKIP LOCKED`,
        [requestId, NOTICE_GIVE_UP_SECONDS],
      );
      if (row?.state !== 'content-erased') return 'not-ready';
      let toldNow = false;
      if (!row.told) {
        const notice = await tell(row.email, row.mailAttempts);
        if (notice.sent) toldNow = true;
        else if (!row.mayGiveUp) {
          await manager.query(
            `UPDATE erasure_requests
             SET mail_attempts = mail_attempts + 1, last_error = $2,
               next_attempt_at = clock_timestamp() + make_interval(secs => $3), updated_at = now()
             WHERE id = $1`,
            [requestId, notice.error.slice(0, 500), notice.retryAfterSeconds],
          );
          return 'notice-failed';
        }
      }
      await this.pseudonymise(manager, row.patientId, row.email);
      await manager.query(
        `UPDATE erasure_requests
         SET state = 'done', completed_at = clock_timestamp(),
           patient_told_at = CASE WHEN $2::boolean THEN clock_timestamp() ELSE patient_told_at END,
           attempts = 0, next_attempt_at = NULL, last_error = NULL, updated_at = now()
         WHERE id = $1`,
        [requestId, toldNow],
      );
      return 'done';
    });
  }

  /**
   * The patient's demographics out of every table that holds them: the account (whose row
   * stays, under a pseudonym, since reports, grants and the ledger name its ID), the
   * sessions' addresses and browsers (the sessions end), the sign-in failures counted
   * under the e-mail address, and the e-mail still waiting in the outbox for that address.
   * Consent texts went with the content step; notifications, the sent e-mail's outbox rows
   * and the ledger's projection hold IDs only.
   */
  private async pseudonymise(manager: EntityManager, patientId: string, email: string): Promise<void> {
    const pseudonym = erasedPatientPseudonym(patientId);
    await manager.query(
      `UPDATE users SET full_name = $2, email = $3, date_of_birth = NULL, password_hash = '!erased',
         status = 'suspended', updated_at = now()
       WHERE id = $1`,
      [patientId, pseudonym.fullName, pseudonym.email],
    );
    await manager.query(
      `UPDATE sessions
       SET revoked_reason = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoked_reason END,
         revoked_at = coalesce(revoked_at, now()), ip = NULL, user_agent = NULL
       WHERE user_id = $1`,
      [patientId, SESSION_END_REASON],
    );
    // The subjects LoginThrottle counts the e-mail address under (auth/login-throttle.ts).
    const throttled = subjectsOfEmail(email);
    await manager.query('DELETE FROM login_throttle WHERE subject = $1 OR starts_with(subject, $2)', [
      throttled.account,
      throttled.pairPrefix,
    ]);
    // E-mail still to go would go to the pseudonym's address, which takes none, and be tried for ever.
    await manager.query('DELETE FROM mail_outbox WHERE user_id = $1 AND sent_at IS NULL', [patientId]);
  }

  /**
   * Removes the PHI that report metadata holds (titles and file names) and the plaintext
   * digests (which could be tested against guessed contents), in the saga rows of uploads,
   * finished or not, and in the reports. The saga rows first: an upload completing at this
   * moment holds its row, so this waits for it and then finds its report; one completing
   * after takes its report from the row scrubbed here (ReportsRepository.complete). Returns
   * how many reports the patient has.
   */
  private async scrubReports(patientId: string, manager: EntityManager): Promise<number> {
    await manager.query(
      `UPDATE upload_sagas
       SET step_data = (step_data - 'plaintextSha256') || jsonb_build_object('title', $2::text, 'fileName', NULL)
       WHERE step_data->>'patientId' = $1`,
      [patientId, ERASED_TITLE],
    );
    const [, reports] = await manager.query<[unknown[], number]>(
      'UPDATE reports SET title = $2, file_name = NULL, plaintext_sha256 = NULL WHERE patient_id = $1',
      [patientId, ERASED_TITLE],
    );
    return reports;
  }
}
