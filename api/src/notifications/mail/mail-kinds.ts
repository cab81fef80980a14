/**
 * The e-mails of the outbox, read by the migration, the outbox and the mail texts. Each
 * text is fixed and free of PHI; an account link carries a one-time token and nothing else.
 */
export const MAIL_KINDS = [
  /** "Something in MedLedger needs your attention": one per notification, whatever its kind. */
  'attention',
  /** A staff account was created: choose a password from the link (account_tokens, purpose activation). */
  'account-activation',
  /** Someone asked to reset the password: the link (purpose password-reset). */
  'password-reset',
  /** Someone tried to register with the address of an existing account: nothing changed. */
  'registration-attempt',
  /** The account's password was changed (or reset): if it was not the owner, what to do. */
  'password-changed',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** The kinds whose e-mail carries a one-time link. */
export const LINK_MAIL_KINDS = ['account-activation', 'password-reset'] as const satisfies readonly MailKind[];
export type LinkMailKind = (typeof LINK_MAIL_KINDS)[number];
