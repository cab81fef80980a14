import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerIdentity } from './ledger.port.js';
import type { HospitalNetwork } from './network-profile.js';

/** The API's own client identity at a hospital (readiness, event listening): read from its MSP folder. */
export function readServiceIdentity(hospital: HospitalNetwork): LedgerIdentity {
  const { certificatePem, privateKeyPem } = readMspFolder(hospital.serviceIdentityMsp);
  return {
    hospital: hospital.hospital,
    mspId: hospital.mspId,
    certificatePem,
    privateKey: createPrivateKey(privateKeyPem),
  };
}

/** The signing certificate and private key of an MSP folder as fabric-ca-client writes it. */
export function readMspFolder(msp: string): { certificatePem: string; privateKeyPem: string } {
  const keyFile = readdirSync(path.join(msp, 'keystore')).find((name) => name.endsWith('_sk'));
  if (!keyFile) throw new Error(`no private key in ${msp}/keystore`);
  return {
    certificatePem: readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: readFileSync(path.join(msp, 'keystore', keyFile), 'utf8'),
  };
}
