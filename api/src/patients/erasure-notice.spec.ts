import { ATTENTION_SUBJECT } from '../notifications/mail/attention-mail.js';
import { ERASURE_NOTICE_SUBJECT, erasureNotice } from './erasure-notice.js';

describe('erasureNotice', () => {
  const requestId = '5b0d7f5e-2c1a-4e8b-9f4d-7a6c3e2b1d90';
  const mail = erasureNotice(requestId, 'ada.lovelace@patients.example');

  it('tells the owner of the address that the account is closed and its records erased, with the request as Message-ID', () => {
    expect(mail.to).toBe('ada.lovelace@patients.example');
    expect(mail.subject).toBe(ERASURE_NOTICE_SUBJECT);
    expect(mail.subject).not.toBe(ATTENTION_SUBJECT);
    expect(mail.text).toContain('your MedLedger account has been closed and its records erased');
    expect(mail.messageId).toBe(`<erasure-${requestId}@medledger.invalid>`);
  });

  it('holds no PHI and no ID: the same subject and text for every patient', () => {
    const other = erasureNotice('0f6a1c2d-3b4e-4f50-8a61-b2c3d4e5f607', 'someone@else.example');
    expect(other.text).toBe(mail.text);
    expect(other.subject).toBe(mail.subject);
    const said = `${mail.subject}\n${mail.text}`.toLowerCase();
    for (const word of ['ada', 'lovelace', 'patients.example', requestId, 'hospital', 'report', 'doctor']) {
      expect(said).not.toContain(word);
    }
  });
});
