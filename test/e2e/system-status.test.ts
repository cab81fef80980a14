import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bearer, bootstrapAdmin, createStaff, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi, expectErrorEnvelope } from '../support/api.js';
import { loadNetworkProfile, PROJECT_DIR } from '../support/network-profile.js';

const run = promisify(execFile);

interface SystemStatus {
  api: { version: string };
  chaincode: { name: string; version: string | null; sequence: number | null };
  fabric: { version: string | null };
  channel: string;
  peers: Array<{ hospital: string; mspId: string; endpoint: string; answering: boolean; blockHeight: number | null }>;
  ipfs: { kind: string; answering: boolean; id: string | null; version: string | null; repoSizeBytes: number | null };
  projection: {
    checkpointBlock: number | null;
    chainHeight: number | null;
    lagBlocks: number | null;
    lagEvents: number | null;
  };
  reconciliation: null | { finishedAt: string; differences: number; ok: boolean };
}

/**
 * `GET /system/status` on the running system, for admins and auditors: what runs (API,
 * chaincode definition, Fabric), where the channel stands on each peer, the IPFS node, how
 * far the ledger projection lags, and the last reconciliation of the projection with the
 * ledger (`npm run audit:reconcile`, run here against the same database).
 */
describe('system status', () => {
  let admin: SignedIn;
  let auditor: SignedIn;

  const status = async (caller: SignedIn) => {
    const response = await callApi('/api/v1/system/status', { headers: bearer(caller.accessToken) });
    expect(response.status).toBe(200);
    return response.body as SystemStatus;
  };

  beforeAll(async () => {
    admin = await bootstrapAdmin('hospital-a');
    auditor = await createStaff(admin, 'auditor');
  });

  it('names the versions, the channel and each peer’s height, the IPFS node and the projection’s lag', async () => {
    const profile = loadNetworkProfile();
    for (const caller of [admin, auditor]) {
      const answer = await status(caller);
      expect(answer.api.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(answer.chaincode).toMatchObject({ name: profile.chaincode, sequence: expect.any(Number) });
      expect(answer.chaincode.version).toEqual(expect.any(String));
      expect(answer.fabric.version).toMatch(/^3\.1\./);
      expect(answer.channel).toBe(profile.channel);
      expect(answer.peers.map((peer) => peer.hospital).sort()).toEqual(Object.keys(profile.organizations).sort());
      for (const peer of answer.peers) {
        expect(peer).toMatchObject({ answering: true, blockHeight: expect.any(Number) });
      }
      expect(answer.ipfs).toMatchObject({ answering: true, id: expect.any(String), version: expect.any(String) });
      expect(answer.ipfs.repoSizeBytes).toBeGreaterThan(0);
      const height = Math.max(...answer.peers.map((peer) => peer.blockHeight!));
      expect(answer.projection.chainHeight).toBe(height);
      expect(answer.projection.lagBlocks).toBeGreaterThanOrEqual(0);
      expect(answer.projection.lagBlocks).toBeLessThan(10);
    }
  });

  it('shows the last reconciliation of the projection with the ledger', async () => {
    await run('npm', ['run', '--silent', 'audit:reconcile'], {
      cwd: PROJECT_DIR,
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });

    const answer = await status(auditor);
    expect(answer.reconciliation).toMatchObject({ differences: 0, ok: true });
    // The reconciliation waited for the projection to catch up: nothing is left to project.
    expect(answer.projection).toMatchObject({ lagBlocks: 0, lagEvents: 0 });
    expect(Date.now() - Date.parse(answer.reconciliation!.finishedAt)).toBeLessThan(10 * 60_000);
  }, 600_000);

  it('refuses doctors and patients (403) and anonymous callers (401)', async () => {
    const [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient('hospital-a')]);
    for (const caller of [doctor, patient]) {
      expectErrorEnvelope(await callApi('/api/v1/system/status', { headers: bearer(caller.accessToken) }), 403);
    }
    expectErrorEnvelope(await callApi('/api/v1/system/status'), 401);
  });
});
