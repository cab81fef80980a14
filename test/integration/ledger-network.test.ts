import type { Client } from '@grpc/grpc-js';
import { EndorseError, Gateway } from '@hyperledger/fabric-gateway';
import { randomUUID } from 'node:crypto';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { enrollIdentity, EnrolledIdentity } from '../support/identities.js';
import { loadNetworkProfile, NetworkProfile } from '../support/network-profile.js';

const decode = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

describe('the ehr channel endorsed by both hospitals', () => {
  let profile: NetworkProfile;
  let clientA: Client;
  let clientB: Client;
  let doctorA: EnrolledIdentity;
  let doctorB: EnrolledIdentity;
  let gatewayA: Gateway;
  let gatewayB: Gateway;

  beforeAll(async () => {
    profile = loadNetworkProfile();
    clientA = peerClient(profile, 'hospital-a');
    clientB = peerClient(profile, 'hospital-b');
    [doctorA, doctorB] = await Promise.all([
      enrollIdentity('hospital-a', 'doctor'),
      enrollIdentity('hospital-b', 'doctor'),
    ]);
    gatewayA = connectAs(clientA, doctorA);
    gatewayB = connectAs(clientB, doctorB);
  });

  afterAll(() => {
    gatewayA?.close();
    gatewayB?.close();
    clientA?.close();
    clientB?.close();
  });

  it('commits a HospitalA transaction that HospitalB reads back, with its full key history', async () => {
    const probeId = randomUUID();
    const contractA = medledgerContract(gatewayA, profile);
    const contractB = medledgerContract(gatewayB, profile);

    const first = await contractA.submitAsync('RecordProbe', { arguments: [probeId] });
    const firstStatus = await first.getStatus();
    expect(firstStatus.successful).toBe(true);
    expect(decode(first.getResult())).toMatchObject({ probeId, revision: 1, writerMspId: 'HospitalAMSP' });

    // Read through the other hospital's peer, as the other hospital's identity.
    expect(decode(await contractB.evaluateTransaction('ReadProbe', probeId))).toMatchObject({
      probeId,
      revision: 1,
      writerMspId: 'HospitalAMSP',
      txId: first.getTransactionId(),
    });

    const second = await contractB.submitAsync('RecordProbe', { arguments: [probeId] });
    expect((await second.getStatus()).successful).toBe(true);
    expect((await second.getStatus()).blockNumber).toBeGreaterThanOrEqual(firstStatus.blockNumber);

    const history = decode(await contractB.evaluateTransaction('GetProbeHistory', probeId)) as Array<{
      txId: string;
      isDelete: boolean;
      timestamp: string;
      value: { revision: number; writerMspId: string };
    }>;
    expect(history.map((entry) => entry.txId)).toEqual([first.getTransactionId(), second.getTransactionId()]);
    expect(history.map((entry) => [entry.value.revision, entry.value.writerMspId])).toEqual([
      [1, 'HospitalAMSP'],
      [2, 'HospitalBMSP'],
    ]);
    expect(history.every((entry) => !entry.isDelete && !Number.isNaN(Date.parse(entry.timestamp)))).toBe(true);
  });

  it('carries the caller certificate attributes through to the chaincode', async () => {
    const result = decode(await medledgerContract(gatewayA, profile).submitTransaction('Ping')) as Record<
      string,
      string
    >;
    expect(result).toMatchObject({ mspId: 'HospitalAMSP', role: 'doctor', uid: doctorA.uid });
    expect(result.txId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses malformed arguments with a stable error code', async () => {
    const contract = medledgerContract(gatewayA, profile);
    const attempt = contract.submitTransaction('RecordProbe', 'not-a-uuid');
    await expect(attempt).rejects.toBeInstanceOf(EndorseError);
    await expect(attempt).rejects.toMatchObject({
      details: expect.arrayContaining([
        expect.objectContaining({ message: expect.stringMatching(/INVALID_ARGUMENT: probeId/) }),
      ]),
    });
  });

  it('answers NOT_FOUND for a probe that was never recorded', async () => {
    await expect(
      medledgerContract(gatewayB, profile).evaluateTransaction('ReadProbe', randomUUID()),
    ).rejects.toMatchObject({
      details: expect.arrayContaining([
        expect.objectContaining({ message: expect.stringMatching(/^.*NOT_FOUND: probe/) }),
      ]),
    });
  });
});
