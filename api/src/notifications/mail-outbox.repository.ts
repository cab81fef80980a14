import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { LinkMailKind, MailKind } from './mail/mail-kinds.js';

/** An e-mail of the outbox that is due, with the address it goes to. */
export interface DueMail {
  id: string;
  userId: string;
  /** The user's address (PHI): for the mailer only, never for a log or an error. */
  to: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Which of the fixed texts it is. */
  kind: MailKind;
  /** The one-time link's token and expiry, for the kinds with a link: for the mailer only, never for a log. */
  link: { token: string; expiresAt: Date } | null;
}

/** An account e-mail with a one-time link: the token, and the digest its account_tokens row is keyed by. */
export interface LinkMail {
  userId: string;
  kind: LinkMailKind;
  link: { token: string; tokenHash: Buffer };
}

/** An account e-mail without a link (a notice). */
export interface NoticeMail {
  userId: string;
  kind: Exclude<MailKind, 'attention' | LinkMailKind>;
}

export type AccountMail = LinkMail | NoticeMail;

/** What became of one attempt: sent, or failed and to be tried again after a delay. */
export type DeliveryOutcome = { sent: true } | { sent: false; error: string; retryAfterSeconds: number };

/** The durable outbox of e-mails (table mail_outbox); rows are written with their notification. */
@Injectable()
export class MailOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the due e-mail that waited longest, hands it to `deliver` and notes the outcome,
   * all in one transaction that holds the row's lock throughout: another API process skips
   * the row meanwhile, so no two processes send it. One row per transaction, so that a crash
   * can repeat at most the one e-mail that was being sent (its Message-ID shows the
   * duplicate). Returns the outcome, or null when no e-mail was due.
   */
  async deliverNext(deliver: (mail: DueMail) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome | null> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<DueRow[]>(
        `SELECT o.id, o.user_id AS "userId", u.email AS "to", o.attempts, o.kind,
                o.link_token AS "linkToken", t.expires_at AS "linkExpiresAt"
         FROM mail_outbox o JOIN users u ON u.id = o.user_id
           LEFT JOIN account_tokens t ON t.token_hash = o.account_token_hash
         WHERE o.sent_at IS NULL AND o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at
         LIMIT 1
         FOR UPDATE OF o SKIP LOCKED`,
      );
      if (!row) return null;
      const { linkToken, linkExpiresAt, ...mail } = row;
      const outcome = await deliver({
        ...mail,
        link: linkToken && linkExpiresAt ? { token: linkToken, expiresAt: linkExpiresAt } : null,
      });
      // clock_timestamp(), not now(): the transaction began before the send, which may take seconds.
      if (outcome.sent) {
        // The link's token leaves the database with its e-mail: only its digest stays (account_tokens).
        await manager.query(
          'UPDATE mail_outbox SET sent_at = clock_timestamp(), last_error = NULL, link_token = NULL WHERE id = $1',
          [mail.id],
        );
      } else {
        await manager.query(
          `UPDATE mail_outbox
           SET attempts = attempts + 1, last_error = $2, next_attempt_at = clock_timestamp() + make_interval(secs => $3)
           WHERE id = $1`,
          [mail.id, outcome.error, outcome.retryAfterSeconds],
        );
      }
      return outcome;
    });
  }

  /** Queues an account e-mail inside the caller's transaction (`manager`). */
  async enqueue(manager: EntityManager, mail: AccountMail): Promise<void> {
    const link = 'link' in mail ? mail.link : null;
    await manager.query(
      'INSERT INTO mail_outbox (id, user_id, kind, account_token_hash, link_token) VALUES ($1, $2, $3, $4, $5)',
      [randomUUID(), mail.userId, mail.kind, link?.tokenHash ?? null, link?.token ?? null],
    );
  }

  /**
   * Queues an e-mail without a link unless one of its kind was queued for the user within
   * `withinSeconds` (so that nobody can fill a mailbox through a public route); returns
   * whether it did. The user's row lock orders two concurrent calls.
   */
  async enqueueUnlessRecent(manager: EntityManager, mail: NoticeMail, withinSeconds: number): Promise<boolean> {
    await manager.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [mail.userId]);
    const [recent] = await manager.query<unknown[]>(
      `SELECT 1 FROM mail_outbox
       WHERE user_id = $1 AND kind = $2 AND created_at > now() - make_interval(secs => $3)
       LIMIT 1`,
      [mail.userId, mail.kind, withinSeconds],
    );
    if (recent) return false;
    await this.enqueue(manager, mail);
    return true;
  }

  /** Drops the e-mail of a link that was used before it went out (it would only carry a spent link). */
  async dropUnsentLink(manager: EntityManager, tokenHash: Buffer): Promise<void> {
    await manager.query('DELETE FROM mail_outbox WHERE account_token_hash = $1 AND sent_at IS NULL', [tokenHash]);
  }
}

interface DueRow extends Omit<DueMail, 'link'> {
  linkToken: string | null;
  linkExpiresAt: Date | null;
}
