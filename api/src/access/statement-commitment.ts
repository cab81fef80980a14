import { commitPlaintext, generateCommitmentKey } from '../crypto/plaintext-commitment.js';

/**
 * The keyed commitment that goes on the ledger instead of a text: HMAC-SHA-256 under a
 * fresh random key kept beside the text in PostgreSQL. Unlike a bare SHA-256 of a short
 * clinical phrase it cannot be tested against guesses, and once the text and key are
 * erased with the patient, nothing on the ledger says anything about it.
 */
export async function commitStatement(text: string): Promise<{ key: Buffer; commitment: string }> {
  const key = generateCommitmentKey();
  return { key, commitment: await commitPlaintext(key, Buffer.from(text, 'utf8')) };
}
