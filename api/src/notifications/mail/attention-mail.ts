import type { OutgoingMail } from './mailer.port.js';

export const ATTENTION_SUBJECT = 'MedLedger: something needs your attention';

/**
 * The one e-mail MedLedger sends about a notification, whatever its kind. It holds no PHI:
 * no name, no title, no diagnosis, no reason, not even what kind of event it was (that a
 * grant was revoked, or that a doctor asked for access in an emergency, says something
 * about the reader's care to anyone who sees their mailbox). The portal tells the rest to
 * whoever signs in.
 */
export function attentionMail(outboxId: string, to: string, portalUrl: string): OutgoingMail {
  return {
    to,
    subject: ATTENTION_SUBJECT,
    text: [
      'Hello,',
      '',
      'Something in MedLedger needs your attention.',
      `Please sign in to see it: ${portalUrl}`,
      '',
      'This message was sent automatically; replies are not read.',
    ].join('\n'),
    messageId: `<${outboxId}@medledger.invalid>`,
  };
}
