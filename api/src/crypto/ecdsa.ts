import { type KeyObject, sign } from 'node:crypto';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * ECDSA P-256 over SHA-256 of `message`, DER-encoded and low-S normalised: the only form
 * Fabric's verifiers (peers, orderers, Fabric CA) accept.
 */
export function signLowS(message: Uint8Array, key: KeyObject): Buffer {
  return lowS(sign('sha256', message, key), key);
}

/** Fabric's verifiers accept only low-S ECDSA signatures: (r, s) with s > n/2 becomes (r, n − s). */
export function lowS(der: Buffer, key: KeyObject): Buffer {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') throw new Error(`signing key on ${curve}, expected P-256`);
  const { r, s } = readDerSignature(der);
  return s > P256_ORDER / 2n ? writeDerSignature(r, P256_ORDER - s) : der;
}

function readDerSignature(der: Buffer): { r: bigint; s: bigint } {
  let offset = 2 + (der[1] & 0x80 ? der[1] & 0x7f : 0);
  const readInteger = (): bigint => {
    const length = der[offset + 1];
    const value = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    return BigInt(`0x${value.toString('hex') || '0'}`);
  };
  return { r: readInteger(), s: readInteger() };
}

function writeDerSignature(r: bigint, s: bigint): Buffer {
  const integer = (value: bigint) => {
    let hex = value.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let bytes = Buffer.from(hex, 'hex');
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
