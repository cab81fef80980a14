import { createHash, randomInt } from 'node:crypto';

/** How many recovery codes an enrolment gives. */
export const RECOVERY_CODE_COUNT = 10;

/** Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Two groups of five: 10 characters of a 31-letter alphabet, about 49.5 bits each. */
const GROUP = 5;
const GROUPS = 2;

/** New recovery codes as the user sees them once: `abcde-fghjk`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const characters = Array.from({ length: GROUP * GROUPS }, () => ALPHABET[randomInt(ALPHABET.length)]!);
    codes.add(
      Array.from({ length: GROUPS }, (_, group) => characters.slice(group * GROUP, (group + 1) * GROUP).join('')).join(
        '-',
      ),
    );
  }
  return [...codes];
}

/**
 * What is stored of a recovery code: a SHA-256 digest of the user's id and the code as typed
 * without case, spaces or dashes. The codes are random (not chosen by people), so a fast
 * digest is enough; the user's id keeps equal codes of two users apart.
 */
export function recoveryCodeDigest(userId: string, code: string): Buffer {
  return createHash('sha256')
    .update(`${userId}:${normaliseRecoveryCode(code)}`)
    .digest();
}

export const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');
