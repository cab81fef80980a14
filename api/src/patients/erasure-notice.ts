import type { OutgoingMail } from '../notifications/mail/mailer.port.js';

export const ERASURE_NOTICE_SUBJECT = 'MedLedger: your erasure request was carried out';

/**
 * The one e-mail that tells a patient their erasure request was carried out, sent to the
 * address of their account just before the address itself is erased. Like every e-mail
 * MedLedger sends, it holds no PHI: no name, no date of birth, no hospital, no record, no
 * ID; only that the account this address belonged to is closed and its records erased, as
 * its owner asked. It is the same text for every patient. Its Message-ID is the request's,
 * so that a repeat after a crash shows as the same message.
 */
export function erasureNotice(requestId: string, to: string): OutgoingMail {
  return {
    to,
    subject: ERASURE_NOTICE_SUBJECT,
    text: [
      'Hello,',
      '',
      'As you asked, your MedLedger account has been closed and its records erased:',
      'nobody can open them any more, and your name, date of birth and e-mail address',
      'have been removed from MedLedger. This is the last message sent to this address.',
      '',
      'This message was sent automatically; replies are not read.',
    ].join('\n'),
    messageId: `<erasure-${requestId}@medledger.invalid>`,
  };
}
