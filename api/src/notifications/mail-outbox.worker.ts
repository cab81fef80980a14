import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../system/metrics.js';
import { accountMail } from './mail/account-mail.js';
import { attentionMail } from './mail/attention-mail.js';
import { MAILER, type Mailer } from './mail/mailer.port.js';
import { type DeliveryOutcome, type DueMail, MailOutboxRepository } from './mail-outbox.repository.js';
import { errorSummary } from '../common/loggable-error.js';

/** E-mails one pass sends at most; the next poll goes on with the rest. */
const BATCH_SIZE = 10;

/** Longest `last_error` kept. */
const MAX_ERROR_LENGTH = 500;

/**
 * Seconds to wait after the attempt that followed `failedBefore` failed ones also failed:
 * `base · 2^failedBefore`, at most `max`, less up to a tenth at random so that e-mails that
 * failed together (an outage) do not come back together. Never more than `max`.
 */
export function retryDelaySeconds(
  failedBefore: number,
  policy: { baseSeconds: number; maxSeconds: number },
  random: () => number = Math.random,
): number {
  const delay = Math.min(policy.baseSeconds * 2 ** failedBefore, policy.maxSeconds);
  return delay * (1 - 0.1 * random());
}

/**
 * Why a send failed, fit for the outbox row and the log: the error's code and message,
 * with any e-mail address in it (a server's rejection often quotes the recipient) replaced.
 */
export function describeFailure(error: unknown, recipient: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = `${typeof code === 'string' && !message.includes(code) ? `${code}: ` : ''}${message}`
    .split(recipient)
    .join('<recipient>')
    .replace(/[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g, '<address>')
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, MAX_ERROR_LENGTH) || 'unknown error';
}

/**
 * Sends the e-mails of the outbox: every MAIL_POLL_MS, on every API process, the due ones,
 * each under its row lock (MailOutboxRepository.deliverNext), so that no two processes send
 * the same one. A failure is kept and tried again after a growing delay, without end: an
 * SMTP outage delays e-mail, it loses none. The first failure ends the pass, so an outage
 * costs one attempt per poll, not one per waiting e-mail.
 */
@Injectable()
export class MailOutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailOutboxWorker.name);
  private readonly deliveries: Counter<'outcome'>;
  private timer?: NodeJS.Timeout;
  private pass?: Promise<number>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: MailOutboxRepository,
    @Inject(MAILER) private readonly mailer: Mailer,
    metrics: Metrics,
  ) {
    this.deliveries = new Counter({
      name: 'medledger_mail_deliveries_total',
      help: 'Attempts to send an e-mail of the outbox, by outcome (sent, failed)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.deliverDue(), this.config.MAIL_POLL_MS).unref();
    void this.deliverDue();
  }

  /** Stops polling and lets an e-mail being sent finish, before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass over the due e-mails; returns how many it sent. A pass still running makes this one a no-op. */
  deliverDue(): Promise<number> {
    if (this.pass) return Promise.resolve(0);
    this.pass = this.sendDue().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async sendDue(): Promise<number> {
    let sent = 0;
    try {
      while (sent < BATCH_SIZE && !this.stopping) {
        const outcome = await this.outbox.deliverNext((mail) => this.attempt(mail));
        if (!outcome?.sent) break;
        sent += 1;
      }
    } catch (error) {
      this.logger.warn(`mail outbox pass failed: ${errorSummary(error)}`);
    }
    return sent;
  }

  private async attempt(mail: DueMail): Promise<DeliveryOutcome> {
    try {
      await this.mailer.send(
        mail.kind === 'attention'
          ? attentionMail(mail.id, mail.to, this.config.PORTAL_URL)
          : accountMail({ ...mail, kind: mail.kind }, this.config.PORTAL_URL),
      );
      this.deliveries.inc({ outcome: 'sent' });
      return { sent: true };
    } catch (error) {
      const reason = describeFailure(error, mail.to);
      const retryAfterSeconds = retryDelaySeconds(mail.attempts, {
        baseSeconds: this.config.MAIL_RETRY_BASE_SECONDS,
        maxSeconds: this.config.MAIL_RETRY_MAX_SECONDS,
      });
      this.deliveries.inc({ outcome: 'failed' });
      this.logger.warn(
        `mail ${mail.id} not sent (attempt ${mail.attempts + 1}), next attempt in ${retryAfterSeconds.toFixed(1)} s: ${reason}`,
      );
      return { sent: false, error: reason, retryAfterSeconds };
    }
  }
}
