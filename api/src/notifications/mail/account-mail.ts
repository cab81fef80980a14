import type { MailKind } from './mail-kinds.js';
import type { OutgoingMail } from './mailer.port.js';

/** Subjects of the account e-mails. */
export const ACCOUNT_MAIL_SUBJECTS = {
  'account-activation': 'MedLedger: choose the password of your new account',
  'password-reset': 'MedLedger: reset your password',
  'registration-attempt': 'MedLedger: someone tried to register with your e-mail address',
  'password-changed': 'MedLedger: your password was changed',
} as const satisfies Record<Exclude<MailKind, 'attention'>, string>;

/** The portal's pages that the links and texts name. */
export const PORTAL_PAGES = {
  activate: '/activate',
  resetPassword: '/reset-password',
  forgotPassword: '/forgot-password',
  signIn: '/sign-in',
} as const;

/** `https://portal.example` + `/activate`, with `?token=` when given: one slash between, whatever PORTAL_URL ends with. */
export function portalLink(portalUrl: string, page: string, token?: string): string {
  const base = portalUrl.replace(/\/+$/, '');
  return `${base}${page}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}

const FOOTER = ['', 'This message was sent automatically; replies are not read.'];

/** A link's expiry as the e-mail states it: UTC, to the minute. */
const expiry = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The account e-mails, each a fixed text: no name, no role, no hospital, nothing of the
 * account but the address it goes to and, for the two with a link, the one-time link and
 * its expiry. Whoever holds the link can set the account's password: it goes to the
 * account's own address only, and works once.
 */
export function accountMail(
  mail: {
    id: string;
    to: string;
    kind: Exclude<MailKind, 'attention'>;
    link: { token: string; expiresAt: Date } | null;
  },
  portalUrl: string,
): OutgoingMail {
  return {
    to: mail.to,
    subject: ACCOUNT_MAIL_SUBJECTS[mail.kind],
    text: [...bodyOf(mail.kind, mail.link, portalUrl), ...FOOTER].join('\n'),
    messageId: `<${mail.id}@medledger.invalid>`,
  };
}

function bodyOf(
  kind: Exclude<MailKind, 'attention'>,
  link: { token: string; expiresAt: Date } | null,
  portalUrl: string,
): string[] {
  const forgot = portalLink(portalUrl, PORTAL_PAGES.forgotPassword);
  switch (kind) {
    case 'account-activation':
      return [
        'Hello,',
        '',
        'Your hospital has created a MedLedger account for this e-mail address.',
        'Choose your password here (nobody else, your administrator included, ever knows it):',
        '',
        linkLine(link, portalUrl, PORTAL_PAGES.activate),
        '',
        `The link works once, until ${linkExpiry(link)}. If it has expired, ask your hospital's MedLedger administrator to send a new one.`,
        'If you did not expect this message, you can ignore it.',
      ];
    case 'password-reset':
      return [
        'Hello,',
        '',
        'Someone asked to reset the password of the MedLedger account of this e-mail address.',
        'If it was you, choose a new password here:',
        '',
        linkLine(link, portalUrl, PORTAL_PAGES.resetPassword),
        '',
        `The link works once, until ${linkExpiry(link)}. Choosing a new password signs the account out everywhere.`,
        'If it was not you, ignore this message: your password stays as it is.',
      ];
    case 'registration-attempt':
      return [
        'Hello,',
        '',
        'Someone tried to create a MedLedger account with this e-mail address, which already has an account.',
        'Nothing was changed, and no other account was created.',
        '',
        `If it was you, sign in at ${portalLink(portalUrl, PORTAL_PAGES.signIn)}, or if you have forgotten your password, reset it at ${forgot}.`,
        'If it was not you, you can ignore this message.',
      ];
    case 'password-changed':
      return [
        'Hello,',
        '',
        'The password of the MedLedger account of this e-mail address was just changed.',
        '',
        `If it was not you, reset the password at once at ${forgot} and tell your hospital.`,
      ];
  }
}

function linkLine(link: { token: string } | null, portalUrl: string, page: string): string {
  if (!link) throw new Error('an account link e-mail has no link');
  return portalLink(portalUrl, page, link.token);
}

function linkExpiry(link: { expiresAt: Date } | null): string {
  if (!link) throw new Error('an account link e-mail has no link');
  return expiry(link.expiresAt);
}
