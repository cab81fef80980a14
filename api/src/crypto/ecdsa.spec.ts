import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { lowS, signLowS } from './ecdsa.js';

const HALF_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') / 2n;

/** The `s` of a DER ECDSA signature. */
function sOf(der: Buffer): bigint {
  const rLength = der[3];
  const sStart = 4 + rLength;
  return BigInt(`0x${der.subarray(sStart + 2, sStart + 2 + der[sStart + 1]).toString('hex')}`);
}

describe('low-S ECDSA P-256 signatures, the only form Fabric accepts', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('signs so that the signature verifies and s is in the lower half, every time', () => {
    for (let i = 0; i < 64; i += 1) {
      const message = Buffer.from(`proposal ${i}`);
      const signature = signLowS(message, privateKey);
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
      expect(sOf(signature) <= HALF_ORDER).toBe(true);
    }
  });

  it('turns a high-S signature into its low-S twin, which still verifies', () => {
    const message = Buffer.from('envelope');
    // OpenSSL's signatures are random, half of them high-S: take the first one.
    let high = sign('sha256', message, privateKey);
    for (let i = 0; i < 200 && sOf(high) <= HALF_ORDER; i += 1) high = sign('sha256', message, privateKey);
    expect(sOf(high) > HALF_ORDER).toBe(true);
    const low = lowS(high, privateKey);
    expect(sOf(low)).toBe(HALF_ORDER * 2n + 1n - sOf(high));
    expect(verify('sha256', message, publicKey, low)).toBe(true);
  });

  it('refuses a key on another curve', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    expect(() => signLowS(Buffer.from('x'), other)).toThrow(/P-256/);
  });
});
