import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mailer, OutgoingMail } from './mailer.port.js';

/**
 * Development delivery (MAIL_DROP_DIR, set by `npm start` when no SMTP server is given):
 * each e-mail becomes one `.eml` file in a directory only the machine's user can read, so
 * that an activation or reset link can be opened on a machine without a mail server. The
 * file is named by its Message-ID, so a resend after a crash replaces it.
 */
export class MailDropMailer implements Mailer {
  constructor(
    private readonly directory: string,
    private readonly from: string,
  ) {}

  async send(message: OutgoingMail): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const name = message.messageId.replace(/[^A-Za-z0-9.@-]/g, '');
    const file = path.join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}.eml`);
    const text = [
      `From: ${this.from}`,
      `To: ${message.to}`,
      `Subject: ${message.subject}`,
      `Message-ID: ${message.messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      message.text,
      '',
    ].join('\r\n');
    const partial = `${file}.partial`;
    await writeFile(partial, text, { mode: 0o600 });
    await rename(partial, file);
  }
}
