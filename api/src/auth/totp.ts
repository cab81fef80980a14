import { HOTP, Secret, TOTP } from 'otpauth';

/**
 * TOTP as RFC 6238 defines it and authenticator apps expect it: HMAC-SHA-1, 6 digits,
 * 30-second time steps, and one step either side of now accepted (a phone's clock a little
 * off, a code typed as it changes).
 */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted before and after the current one. */
export const TOTP_WINDOW = 1;
/** The issuer that authenticator apps show beside the account. */
export const TOTP_ISSUER = 'MedLedger';

/** A new TOTP secret: 160 random bits (RFC 4226's recommended length for SHA-1). */
export function newTotpSecret(): Buffer {
  return Buffer.from(new Secret({ size: 20 }).bytes);
}

/** The secret as authenticator apps take it by hand: base32, without padding. */
export const base32Of = (secret: Uint8Array) => secretOf(secret).base32;

/** The `otpauth://totp/...` URI of a secret, for a QR code. */
export function otpauthUri(secret: Uint8Array, accountName: string): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: accountName,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: secretOf(secret),
  }).toString();
}

/** The time step of an instant: the number of whole periods since the Unix epoch. */
export const timeStepAt = (now: Date) => TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: now.getTime() });

/** Whether a string looks like a TOTP code at all (spaces, as apps group digits, are ignored). */
export const normaliseTotpCode = (code: string) => code.replace(/\s+/g, '');

/**
 * The time step whose code `code` is, among the steps within the window around `now` that
 * come after `lastUsedStep` (a code accepted once is never accepted again, nor an older
 * one); undefined when none matches. Compared in constant time by the library.
 */
export function matchingTimeStep(
  secret: Uint8Array,
  code: string,
  now: Date,
  lastUsedStep: number | null,
): number | undefined {
  const token = normaliseTotpCode(code);
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return undefined;
  const current = timeStepAt(now);
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step += 1) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    const delta = HOTP.validate({
      token,
      secret: secretOf(secret),
      algorithm: TOTP_ALGORITHM,
      digits: TOTP_DIGITS,
      counter: step,
      window: 0,
    });
    if (delta === 0) return step;
  }
  return undefined;
}

/** The code of a time step (for tests and tools; the API only verifies). */
export function totpCodeAt(secret: Uint8Array, step: number): string {
  return HOTP.generate({ secret: secretOf(secret), algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: step });
}

const secretOf = (bytes: Uint8Array) => new Secret({ buffer: Uint8Array.from(bytes).buffer });
