import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';

/**
 * Protected health information as the API holds it in PostgreSQL: what the integration
 * suites handle on the API side of the boundary (hashing reasons, encrypting reports) and
 * what the block scan must never find on the ledger. Distinctive on purpose, so that a
 * match can only come from a leak.
 */
export const PHI = {
  fullName: 'Philomena Quarrington-Vasquez',
  email: 'philomena.quarrington@example.org',
  dateOfBirth: '1961-07-23',
  reportTitle: 'MRI of the left knee after the Lisbon marathon fall',
  reportBody: 'Patient Philomena Quarrington-Vasquez, born 1961-07-23: partial tear of the medial meniscus.',
  requestReason: 'Second opinion on the meniscus tear before scheduling arthroscopy',
  emergencyJustification: 'Unconscious on arrival at A&E, checking anticoagulant prescriptions',
  fileName: 'quarrington-knee-mri.pdf',
} as const;

/** Every PHI value above, for the block scan. */
export const PHI_VALUES: readonly string[] = Object.values(PHI);

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** What the API puts on the ledger for an uploaded report, computed the way the API does. */
export interface SealedReport {
  cid: string;
  ciphertextSha256: string;
  plaintextCommitment: string;
  size: string;
}

/**
 * Encrypts a plaintext (AES-256-GCM under a fresh data key), commits to it (HMAC-SHA-256
 * under a fresh per-record key) and names the ciphertext with a CIDv1 (raw, SHA-256) from
 * the multiformats library, so the chaincode's own CID parser meets real CIDs.
 */
export async function sealReport(plaintext: string): Promise<SealedReport> {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), nonce);
  const ciphertext = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const cid = CID.createV1(raw.code, await sha256.digest(ciphertext));
  return {
    cid: cid.toString(),
    ciphertextSha256: sha256Hex(ciphertext),
    plaintextCommitment: createHmac('sha256', randomBytes(32)).update(plaintext).digest('hex'),
    size: String(ciphertext.length),
  };
}
