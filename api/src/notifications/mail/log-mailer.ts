import { Logger } from '@nestjs/common';
import type { Mailer, OutgoingMail } from './mailer.port.js';

/**
 * The mailer when no SMTP server is configured (SMTP_URL unset): notes in the log that an
 * e-mail would have gone, naming its Message-ID only: not the address, not the text.
 */
export class LogMailer implements Mailer {
  private readonly logger = new Logger(LogMailer.name);

  send(message: OutgoingMail): Promise<void> {
    this.logger.log(`mail ${message.messageId} not sent: no SMTP_URL configured`);
    return Promise.resolve();
  }
}
