import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A hospital as the running network describes it in `.run/fabric/network.json`. */
export interface OrganizationProfile {
  mspId: string;
  peer: { endpoint: string; hostAlias: string; tlsRootCert: string };
  ca: { url: string; caName: string; tlsRootCert: string; registrarMsp: string };
  adminMsp: string;
}

export interface NetworkProfile {
  channel: string;
  chaincode: string;
  orderer: { endpoint: string; tlsRootCert: string };
  organizations: Record<HospitalId, OrganizationProfile>;
}

export type HospitalId = 'hospital-a' | 'hospital-b';

export const PROJECT_DIR = path.resolve(import.meta.dirname, '..', '..');
export const RUN_DIR = process.env.MEDLEDGER_RUN_DIR ?? path.join(PROJECT_DIR, '.run');

/** Reads the profile that `fabric-network/network.sh up` writes; fails clearly when the network is not up. */
export function loadNetworkProfile(): NetworkProfile {
  const file = path.join(RUN_DIR, 'fabric', 'network.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: start the network first (npm start, or bash fabric-network/network.sh up)`);
  }
  return JSON.parse(text) as NetworkProfile;
}
