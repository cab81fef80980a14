/** An e-mail ready to go. Every one MedLedger sends is free of PHI but for the address itself. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** `<outbox-id@medledger.invalid>`: the same e-mail sent twice (after a crash) has the same id. */
  messageId: string;
}

/** Where e-mail goes: an SMTP server, or the log when none is configured. */
export interface Mailer {
  /** Hands the message over for delivery; throws when it was not accepted (the outbox tries again later). */
  send(message: OutgoingMail): Promise<void>;
}

/** Injection token of the configured Mailer. */
export const MAILER = Symbol('Mailer');
