import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { LocalKeyService } from '../../api/src/crypto/local-key-service.js';

/** A user's enrolled certificate and key as the API stores them, opened the way the API opens them. */
export async function storedLedgerIdentity(database: DataSource, userId: string) {
  const [row] = await database.query<
    Array<{ msp_id: string; certificate_pem: string; sealed_private_key: Buffer; key_id: string }>
  >('SELECT msp_id, certificate_pem, sealed_private_key, key_id FROM ledger_identities WHERE user_id = $1', [userId]);
  if (!row) throw new Error(`no ledger identity stored for user ${userId}`);
  const keys = new LocalKeyService(Buffer.from(process.env.MASTER_KEY ?? '', 'base64'));
  const privateKey = await keys.open({ keyId: row.key_id, data: row.sealed_private_key }, `ledger-identity:${userId}`);
  return { mspId: row.msp_id, certificatePem: row.certificate_pem, privateKeyPem: privateKey.toString('utf8') };
}
