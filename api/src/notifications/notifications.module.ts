import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SystemModule } from '../system/system.module.js';
import { GrantExpiryReminderWorker } from './grant-expiry-reminder.worker.js';
import { GrantExpiryRemindersRepository } from './grant-expiry-reminders.repository.js';
import { LogMailer } from './mail/log-mailer.js';
import { MAILER, type Mailer } from './mail/mailer.port.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import { MailDropMailer } from './mail/mail-drop-mailer.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import { MailOutboxWorker } from './mail-outbox.worker.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

/**
 * The in-app notification feed, and the e-mail (free of PHI) that tells a user to look at
 * it, sent from a durable outbox: over SMTP when SMTP_URL is set, into files under
 * MAIL_DROP_DIR for development, to the log otherwise.
 * Other features record notifications through NotificationsRepository.recordAll, inside
 * their own transaction; the account e-mails (activation and reset links, notices) are
 * queued through MailOutboxRepository.enqueue, and go out the same way.
 */
@Module({
  imports: [SystemModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    MailOutboxRepository,
    MailOutboxWorker,
    GrantExpiryRemindersRepository,
    GrantExpiryReminderWorker,
    {
      provide: MAILER,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Mailer =>
        config.SMTP_URL
          ? new SmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM })
          : config.MAIL_DROP_DIR
            ? new MailDropMailer(config.MAIL_DROP_DIR, config.MAIL_FROM)
            : new LogMailer(),
    },
  ],
  exports: [
    NotificationsRepository,
    NotificationsService,
    GrantExpiryRemindersRepository,
    MAILER,
    MailOutboxRepository,
  ],
})
export class NotificationsModule {}
