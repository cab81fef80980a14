import { NOTIFICATION_KINDS } from '../notification-kinds.js';
import { attentionMail } from './attention-mail.js';

describe('attentionMail', () => {
  const mail = attentionMail(
    '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11',
    'jane.roe@patients.example',
    'https://portal.example/',
  );

  it('asks the reader to sign in at the portal, and carries its outbox id as Message-ID', () => {
    expect(mail.subject).toBe('MedLedger: something needs your attention');
    expect(mail.text).toContain('Something in MedLedger needs your attention');
    expect(mail.text).toContain('https://portal.example/');
    expect(mail.messageId).toBe('<7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11@medledger.invalid>');
  });

  it('says nothing of the event: no kind, nor any word of one, is in the subject or the text', () => {
    const words = new Set(NOTIFICATION_KINDS.flatMap((kind) => kind.split('-')).filter((word) => word !== 'access'));
    const said = `${mail.subject}\n${mail.text}`.toLowerCase();
    for (const word of [...words, 'access', 'grant', 'request', 'emergency', 'doctor', 'patient', 'report']) {
      expect(said).not.toContain(word);
    }
  });

  it('is the same text for every recipient and e-mail', () => {
    const other = attentionMail('another-id', 'someone@else.example', 'https://portal.example/');
    expect(other.text).toBe(mail.text);
    expect(other.subject).toBe(mail.subject);
    expect(mail.text).not.toContain('jane');
  });
});
