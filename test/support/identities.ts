import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { readMspFolder } from '../../api/src/ledger/service-identity.js';
import { HospitalId, loadNetworkProfile, PROJECT_DIR } from './network-profile.js';

const run = promisify(execFile);

/** An X.509 identity issued by a hospital's Fabric CA, with its private key. */
export interface EnrolledIdentity {
  name: string;
  hospital: HospitalId;
  mspId: string;
  uid: string;
  role: string;
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * Registers and enrolls a fresh client identity at the hospital's real Fabric CA, with
 * `ehr.role` and `ehr.uid` in its certificate.
 */
export async function enrollIdentity(hospital: HospitalId, role: string): Promise<EnrolledIdentity> {
  const uid = randomUUID();
  const name = `${role}-${uid}`;
  const org = hospital.replace('-', '');
  const { stdout } = await run('bash', [
    path.join(PROJECT_DIR, 'fabric-network', 'network.sh'),
    'enroll',
    org,
    name,
    `ehr.role=${role},ehr.uid=${uid}`,
  ]);
  const mspDir = stdout.trim().split('\n').pop() ?? '';
  const { mspId } = loadNetworkProfile().organizations[hospital];
  return { name, hospital, mspId, uid, role, ...readMspFolder(mspDir) };
}
