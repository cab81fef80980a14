import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from './mailer.port.js';

export interface SmtpMailerOptions {
  /** `smtp://host:port` (STARTTLS when the server offers it) or `smtps://host:port`; credentials in the URL if any. */
  url: string;
  /** The From header, e.g. `MedLedger <no-reply@medledger.test>`. */
  from: string;
  /** How long connecting, the greeting and any silence of the server may take (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * Sends through an SMTP server, one connection per message. Short timeouts, so that an
 * outage fails an attempt within seconds (the outbox keeps the e-mail and tries again)
 * instead of holding its row for minutes, as nodemailer's defaults would.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(options: SmtpMailerOptions) {
    const timeoutMs = options.timeoutMs ?? 5000;
    this.transport = createTransport(
      {
        url: options.url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        dnsTimeout: timeoutMs,
        // Messages are plain text built here; nothing may make the mailer read files or URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      },
      { from: options.from },
    );
  }

  async send(message: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
    });
  }

  close(): void {
    this.transport.close();
  }
}
