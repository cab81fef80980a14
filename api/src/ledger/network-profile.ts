import { plainToInstance, Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, ValidateNested, validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { LedgerUnavailableError } from './ledger.errors.js';

class PeerProfile {
  @IsString() @IsNotEmpty() endpoint!: string;
  @IsString() @IsNotEmpty() hostAlias!: string;
  @IsString() @IsNotEmpty() tlsRootCert!: string;
  /** The peer's operations listener (`http://host:port`), which serves `GET /version`. */
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_tld: false }) operationsUrl?: string;
}

class CertificateAuthorityProfile {
  @IsString() @IsNotEmpty() url!: string;
  @IsString() @IsNotEmpty() caName!: string;
  @IsString() @IsNotEmpty() tlsRootCert!: string;
  @IsString() @IsNotEmpty() registrarMsp!: string;
}

class OrdererProfile {
  @IsString() @IsNotEmpty() endpoint!: string;
  @IsString() @IsNotEmpty() tlsRootCert!: string;
}

class OrganizationProfile {
  @IsString() @IsNotEmpty() mspId!: string;
  @ValidateNested() @Type(() => PeerProfile) peer!: PeerProfile;
  @ValidateNested() @Type(() => CertificateAuthorityProfile) ca!: CertificateAuthorityProfile;
  @IsString() @IsNotEmpty() serviceIdentityMsp!: string;
  @IsOptional() @IsString() @IsNotEmpty() adminMsp?: string;
}

class NetworkProfileDocument {
  @IsString() @IsNotEmpty() channel!: string;
  @IsString() @IsNotEmpty() chaincode!: string;
  @IsOptional() @IsString() @IsNotEmpty() fabricVersion?: string;
  @IsOptional() @ValidateNested() @Type(() => OrdererProfile) orderer?: OrdererProfile;
  @IsObject() organizations!: Record<string, unknown>;
}

/** A hospital of the network, as the API needs it: its MSP and its peer. */
export interface HospitalNetwork {
  hospital: string;
  mspId: string;
  peer: PeerProfile;
  /** The hospital's Fabric CA: where its users' ledger identities are enrolled. */
  ca: CertificateAuthorityProfile;
  serviceIdentityMsp: string;
  /** The MSP folder of the hospital's admin, who signs its channel configuration updates. */
  adminMsp?: string;
}

export interface NetworkProfile {
  channel: string;
  chaincode: string;
  /** The Fabric release the network's binaries were built from (absent in profiles written before it was recorded). */
  fabricVersion?: string;
  /** The orderer's Broadcast/Deliver endpoint (`host:port`) and the root of its TLS certificate. */
  orderer?: OrdererProfile;
  hospitals: HospitalNetwork[];
}

/** Injection token of the NetworkProfile the API was started with. */
export const NETWORK_PROFILE = Symbol('NetworkProfile');

/** Reads and validates the connection profile written by `fabric-network/network.sh up`. */
export function readNetworkProfile(file: string): NetworkProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LedgerUnavailableError(`cannot read the Fabric network profile ${file}: is the network up?`, {
      cause: error,
    });
  }
  const document = plainToInstance(NetworkProfileDocument, raw);
  const problems = validateSync(document).map((error) => error.property);
  const hospitals = Object.entries(document.organizations ?? {}).map(([hospital, value]) => {
    const organization = plainToInstance(OrganizationProfile, value);
    problems.push(...validateSync(organization).map((error) => `organizations.${hospital}.${error.property}`));
    return {
      hospital,
      mspId: organization.mspId,
      peer: organization.peer,
      ca: organization.ca,
      serviceIdentityMsp: organization.serviceIdentityMsp,
      adminMsp: organization.adminMsp,
    };
  });
  if (problems.length > 0 || hospitals.length === 0) {
    throw new LedgerUnavailableError(
      `the Fabric network profile ${file} is invalid (${problems.join(', ') || 'no organizations'})`,
    );
  }
  return {
    channel: document.channel,
    chaincode: document.chaincode,
    fabricVersion: document.fabricVersion,
    orderer: document.orderer,
    hospitals,
  };
}
