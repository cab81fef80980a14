import { createPrivateKey, randomUUID } from 'node:crypto';
import { FabricLedger } from '../../api/src/ledger/fabric-ledger.js';
import { ChaincodeRefusedError } from '../../api/src/ledger/ledger.errors.js';
import type { LedgerIdentity } from '../../api/src/ledger/ledger.port.js';
import { readNetworkProfile } from '../../api/src/ledger/network-profile.js';
import { PeerClients } from '../../api/src/ledger/peer-clients.js';
import { enrollIdentity } from '../support/identities.js';
import { RUN_DIR } from '../support/network-profile.js';

/** The API's ledger adapter against the real network, acting as users of two hospitals. */
describe('the API ledger adapter on the real Fabric network', () => {
  const profile = readNetworkProfile(`${RUN_DIR}/fabric/network.json`);
  const peers = new PeerClients(profile.hospitals);
  const ledger = new FabricLedger(profile, peers);
  let doctorA: LedgerIdentity & { uid: string };
  let doctorB: LedgerIdentity & { uid: string };

  beforeAll(async () => {
    const [a, b] = await Promise.all([enrollIdentity('hospital-a', 'doctor'), enrollIdentity('hospital-b', 'doctor')]);
    doctorA = { ...a, hospital: 'hospital-a', privateKey: createPrivateKey(a.privateKeyPem) };
    doctorB = { ...b, hospital: 'hospital-b', privateKey: createPrivateKey(b.privateKeyPem) };
  });

  afterAll(() => peers.close());

  it('submits as a HospitalA user and evaluates as a HospitalB user, each under their own certificate', async () => {
    const probeId = randomUUID();
    const written = await ledger.system.recordProbe(doctorA, probeId);
    expect(written.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(written.blockNumber).toBeGreaterThan(0n);
    expect(written.result).toMatchObject({ probeId, revision: 1, writerMspId: 'HospitalAMSP' });

    const read = await ledger.system.readProbe(doctorB, probeId);
    expect(read).toEqual(written.result);

    const ping = await ledger.system.ping(doctorB);
    expect(ping.result).toMatchObject({ mspId: 'HospitalBMSP', role: 'doctor', uid: doctorB.uid });
  });

  it('maps chaincode refusals to named errors with the stable code', async () => {
    await expect(ledger.system.readProbe(doctorA, randomUUID())).rejects.toMatchObject({
      constructor: ChaincodeRefusedError,
      code: 'NOT_FOUND',
      status: 404,
    });
    await expect(ledger.system.recordProbe(doctorA, 'not-a-uuid')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('reports itself ready while every peer answers', async () => {
    await expect(ledger.system.checkReady()).resolves.toBeUndefined();
  });
});
