import 'reflect-metadata';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { EndorseError, type Gateway, GatewayError } from '@hyperledger/fabric-gateway';
import { readFileSync } from 'node:fs';
import { FabricCaClient } from '../../api/src/identity/fabric-ca.client.js';
import { ChannelConfigRejectedError, ChannelMembershipAdmin } from '../../api/src/ledger/channel-config-admin.js';
import { type NetworkProfile as ApiNetworkProfile, readNetworkProfile } from '../../api/src/ledger/network-profile.js';
import { LedgerUnavailableError } from '../../api/src/ledger/ledger.errors.js';
import { readMspFolder } from '../../api/src/ledger/service-identity.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { enrollIdentity, type EnrolledIdentity } from '../support/identities.js';
import { loadNetworkProfile, type NetworkProfile, RUN_DIR } from '../support/network-profile.js';

/**
 * What a peer answers when the creator of a proposal is not a valid member of the channel
 * (its log adds the reason: "The certificate has been revoked").
 */
const CREATOR_REFUSED = /access denied: channel \[\w+\] creator org \[HospitalAMSP\]/;

function ping(gateway: Gateway, profile: NetworkProfile): Promise<Uint8Array> {
  return medledgerContract(gateway, profile).submitTransaction('Ping');
}

describe('a certificate revoked at the hospital CA and published in the channel configuration', () => {
  let profile: NetworkProfile;
  let apiProfile: ApiNetworkProfile;
  let admin: ChannelMembershipAdmin;
  let ca: FabricCaClient;
  let clientA: Client;
  let clientB: Client;
  let revoked: EnrolledIdentity;
  let colleague: EnrolledIdentity;
  let doctorB: EnrolledIdentity;
  const gateways: Gateway[] = [];
  let crlPem: string;

  beforeAll(async () => {
    profile = loadNetworkProfile();
    apiProfile = readNetworkProfile(`${RUN_DIR}/fabric/network.json`);
    admin = new ChannelMembershipAdmin(apiProfile);
    const { ca: caProfile } = profile.organizations['hospital-a'];
    ca = new FabricCaClient(
      { url: caProfile.url, caName: caProfile.caName, tlsRootCertPem: readFileSync(caProfile.tlsRootCert, 'utf8') },
      readMspFolder(caProfile.registrarMsp),
    );
    clientA = peerClient(profile, 'hospital-a');
    clientB = peerClient(profile, 'hospital-b');
    [revoked, colleague, doctorB] = await Promise.all([
      enrollIdentity('hospital-a', 'doctor'),
      enrollIdentity('hospital-a', 'doctor'),
      enrollIdentity('hospital-b', 'doctor'),
    ]);
  });

  afterAll(() => {
    for (const gateway of gateways) gateway.close();
    clientA?.close();
    clientB?.close();
    admin?.close();
  });

  const as = (client: Client, identity: EnrolledIdentity): Gateway => {
    const gateway = connectAs(client, identity);
    gateways.push(gateway);
    return gateway;
  };

  it('lets the certificate submit through the Gateway before its revocation', async () => {
    const answer = JSON.parse(Buffer.from(await ping(as(clientA, revoked), profile)).toString('utf8'));
    expect(answer).toMatchObject({ mspId: 'HospitalAMSP', uid: revoked.uid });
  });

  it('has the peers refuse the revoked certificate once the CRL is in the channel configuration', async () => {
    crlPem = await ca.revoke(revoked.name, 'keycompromise');
    expect(crlPem).toMatch(/-----BEGIN X509 CRL-----/);
    const before = await admin.revocationLists('hospital-a');

    const started = performance.now();
    await admin.publishRevocationList('hospital-a', crlPem);
    console.log(`publishing the CRL took ${Math.round(performance.now() - started)} ms`);

    const after = await admin.revocationLists('hospital-a');
    expect(after.configBlock).toBeGreaterThan(before.configBlock);
    expect(after.crls).toContain(crlPem);
    // Earlier CRLs of other issuers stay; the CA's own earlier CRL is superseded, not duplicated.
    expect(after.crls.length).toBeLessThanOrEqual(before.crls.length + 1);

    // A fresh connection with the same certificate and key: refused by the peers, not by the transport.
    const refusal = await ping(as(clientA, revoked), profile).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(EndorseError);
    const error = refusal as GatewayError;
    expect([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]).not.toContain(error.code);
    const explanation = [error.message, ...error.details.map((detail) => detail.message)].join('\n');
    expect(explanation).toMatch(CREATOR_REFUSED);

    // Everyone else is unaffected.
    await expect(ping(as(clientA, colleague), profile)).resolves.toBeDefined();
    await expect(ping(as(clientB, doctorB), profile)).resolves.toBeDefined();
  });

  it('changes nothing when the same CRL is published again', async () => {
    const before = await admin.revocationLists('hospital-a');
    await admin.publishRevocationList('hospital-a', crlPem);
    const after = await admin.revocationLists('hospital-a');
    expect(after).toEqual(before);
  });

  it('reports the orderer refusing an update that the hospital admin did not sign', async () => {
    const other = await enrollIdentity('hospital-a', 'nurse');
    const unpublished = await ca.revoke(other.name, 'superseded');
    // The API's own client identity of HospitalA in place of its admin: a member, not an admin.
    const impostor = new ChannelMembershipAdmin({
      ...apiProfile,
      hospitals: apiProfile.hospitals.map((hospital) => ({ ...hospital, adminMsp: hospital.serviceIdentityMsp })),
    });
    try {
      const before = await admin.revocationLists('hospital-a');
      const refusal = await impostor.publishRevocationList('hospital-a', unpublished).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ChannelConfigRejectedError);
      expect(refusal).toMatchObject({ ordererStatus: expect.stringMatching(/BAD_REQUEST|FORBIDDEN/) });
      expect((await admin.revocationLists('hospital-a')).configBlock).toBe(before.configBlock);
    } finally {
      impostor.close();
    }
  });

  it('reports an unreachable orderer as LedgerUnavailableError', async () => {
    const cutOff = new ChannelMembershipAdmin(
      { ...apiProfile, orderer: { ...apiProfile.orderer!, endpoint: 'localhost:1' } },
      { requestMs: 2_000 },
    );
    try {
      await expect(cutOff.publishRevocationList('hospital-a', crlPem)).rejects.toBeInstanceOf(LedgerUnavailableError);
    } finally {
      cutOff.close();
    }
  });
});
