import * as grpc from '@grpc/grpc-js';
import { connect, Contract, Gateway, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HospitalId, NetworkProfile } from './network-profile.js';

/** The credentials a Gateway connection signs with. */
export interface SigningIdentity {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** One gRPC channel to a hospital's peer; share it between Gateway connections. */
export function peerClient(profile: NetworkProfile, hospital: HospitalId): grpc.Client {
  const { peer } = profile.organizations[hospital];
  const credentials = grpc.credentials.createSsl(readFileSync(peer.tlsRootCert));
  return new grpc.Client(peer.endpoint, credentials, { 'grpc.ssl_target_name_override': peer.hostAlias });
}

/** A Gateway connection for one identity over a shared client, with explicit deadlines. */
export function connectAs(client: grpc.Client, identity: SigningIdentity): Gateway {
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
    evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 5_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
}

export function medledgerContract(gateway: Gateway, profile: NetworkProfile, contractName = 'system'): Contract {
  return gateway.getNetwork(profile.channel).getContract(profile.chaincode, contractName);
}
