import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_MAIL_SUBJECTS, accountMail, portalLink } from './account-mail.js';

const LINK = { token: 'a'.repeat(43), expiresAt: new Date('2026-12-05T09:30:45Z') };
const base = { id: '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11', to: 'jane.roe@hospital.example' };

describe('accountMail', () => {
  it('links the activation to the portal page with the token, and states when the link expires', () => {
    const mail = accountMail({ ...base, kind: 'account-activation', link: LINK }, 'https://portal.example/');
    expect(mail.subject).toBe(ACCOUNT_MAIL_SUBJECTS['account-activation']);
    expect(mail.text).toContain(`https://portal.example/activate?token=${LINK.token}`);
    expect(mail.text).toContain('until 2026-12-05 09:30 UTC');
    expect(mail.messageId).toBe(`<${base.id}@medledger.invalid>`);
    expect(mail.to).toBe(base.to);
  });

  it('links a reset to its page; a notice carries no token', () => {
    const reset = accountMail({ ...base, kind: 'password-reset', link: LINK }, 'http://127.0.0.1:3000');
    expect(reset.text).toContain(`http://127.0.0.1:3000/reset-password?token=${LINK.token}`);
    for (const kind of ['registration-attempt', 'password-changed'] as const) {
      const notice = accountMail({ ...base, kind, link: null }, 'http://127.0.0.1:3000');
      expect(notice.text).toContain('http://127.0.0.1:3000/forgot-password');
      expect(notice.text).not.toContain('token');
    }
  });

  it('says nothing of the account but its address: no name, role or hospital, the same text for everyone', () => {
    const one = accountMail({ ...base, kind: 'account-activation', link: LINK }, 'https://portal.example');
    const other = accountMail(
      { id: 'x', to: 'someone@else.example', kind: 'account-activation', link: LINK },
      'https://portal.example',
    );
    expect(other.text).toBe(one.text);
    expect(one.text.toLowerCase()).not.toMatch(/doctor|auditor|admin\b|patient|hospital-a|jane/);
  });

  it('refuses to build a link e-mail without its link (the outbox keeps it for another attempt)', () => {
    expect(() => accountMail({ ...base, kind: 'password-reset', link: null }, 'https://portal.example')).toThrow(
      /no link/,
    );
  });
});

describe('portalLink', () => {
  it('puts one slash between the portal and the page, and encodes the token', () => {
    expect(portalLink('https://p.example//', '/activate', 'a+b')).toBe('https://p.example/activate?token=a%2Bb');
    expect(portalLink('https://p.example/base', '/sign-in')).toBe('https://p.example/base/sign-in');
  });
});
