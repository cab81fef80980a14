import { Inject, Injectable } from '@nestjs/common';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { HospitalNotFoundError } from './access.errors.js';

/** The hospitals of the network, by the API's name (`hospital-b`) and by the ledger's MSP ID. */
@Injectable()
export class HospitalDirectory {
  constructor(@Inject(NETWORK_PROFILE) private readonly network: NetworkProfile) {}

  /** The MSP ID of a hospital; HOSPITAL_NOT_FOUND (404) for a name the network does not know. */
  mspOf(hospital: string): string {
    const mspId = this.findMspOf(hospital);
    if (mspId === null) throw new HospitalNotFoundError(`no hospital of this network is called ${hospital}`);
    return mspId;
  }

  /** The MSP ID of a hospital; null for a name the network does not know. */
  findMspOf(hospital: string): string | null {
    return this.network.hospitals.find((candidate) => candidate.hospital === hospital)?.mspId ?? null;
  }

  /** A hospital's name from its MSP ID; the MSP ID itself for one this profile does not list. */
  nameOf(mspId: string): string {
    return this.findNameOf(mspId) ?? mspId;
  }

  /** A hospital's name from its MSP ID; null for one this profile does not list. */
  findNameOf(mspId: string): string | null {
    return this.network.hospitals.find((candidate) => candidate.mspId === mspId)?.hospital ?? null;
  }
}
