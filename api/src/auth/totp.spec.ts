import { describe, expect, it } from '@jest/globals';
import { TOTP, URI } from 'otpauth';
import { newRecoveryCodes, recoveryCodeDigest } from './recovery-codes.js';
import { base32Of, matchingTimeStep, newTotpSecret, otpauthUri, timeStepAt, totpCodeAt } from './totp.js';

/** RFC 6238, appendix B: the SHA-1 secret and its 8-digit codes; a 6-digit code is their last six digits. */
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP (RFC 6238: SHA-1, 6 digits, 30 s)', () => {
  it.each(RFC_VECTORS)('at %i s the code is the last six digits of RFC 6238’s %s', (seconds, code) => {
    const step = timeStepAt(at(seconds));
    expect(step).toBe(Math.floor(seconds / 30));
    expect(totpCodeAt(RFC_SECRET, step)).toBe(code.slice(-6));
    expect(matchingTimeStep(RFC_SECRET, code.slice(-6), at(seconds), null)).toBe(step);
  });

  it('accepts the step before and after now, not two steps away', () => {
    const now = at(1234567890);
    const step = timeStepAt(now);
    for (const offset of [-1, 0, 1])
      expect(matchingTimeStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + offset), now, null)).toBe(step + offset);
    for (const offset of [-2, 2])
      expect(matchingTimeStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + offset), now, null)).toBeUndefined();
  });

  it('never accepts the last used step again, nor an earlier one', () => {
    const now = at(1234567890);
    const step = timeStepAt(now);
    const code = totpCodeAt(RFC_SECRET, step);
    expect(matchingTimeStep(RFC_SECRET, code, now, step)).toBeUndefined();
    expect(matchingTimeStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step - 1), now, step - 1)).toBeUndefined();
    expect(matchingTimeStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
  });

  it('ignores spaces as apps group digits, and refuses what is not six digits', () => {
    const now = at(59);
    expect(matchingTimeStep(RFC_SECRET, '287 082', now, null)).toBe(1);
    for (const code of ['28708', '2870822', 'abcdef', '', '94287082'])
      expect(matchingTimeStep(RFC_SECRET, code, now, null)).toBeUndefined();
  });

  it('makes 160-bit secrets and an otpauth URI that authenticator apps (and otpauth itself) read back', () => {
    const secret = newTotpSecret();
    expect(secret).toHaveLength(20);
    expect(newTotpSecret().equals(secret)).toBe(false);
    const uri = otpauthUri(secret, 'ada@example.org');
    expect(uri).toMatch(/^otpauth:\/\/totp\/MedLedger:ada%40example\.org\?/);
    const parsed = URI.parse(uri);
    if (!(parsed instanceof TOTP)) throw new Error('not a TOTP URI');
    expect(parsed).toMatchObject({ issuer: 'MedLedger', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(parsed.secret.base32).toBe(base32Of(secret));
    const now = new Date();
    expect(matchingTimeStep(secret, parsed.generate({ timestamp: now.getTime() }), now, null)).toBe(timeStepAt(now));
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes like abcde-fghjk, stored as digests that ignore case, spaces and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const [code] = codes as [string];
    const digest = recoveryCodeDigest('user-1', code);
    expect(recoveryCodeDigest('user-1', ` ${code.toUpperCase().replace('-', ' ')} `)).toEqual(digest);
    expect(recoveryCodeDigest('user-2', code)).not.toEqual(digest);
    expect(digest.toString('utf8')).not.toContain(code.replace('-', ''));
  });
});
