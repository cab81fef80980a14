/**
 * No-op submit latency and throughput of the running network: `system:Ping` endorsed by
 * both hospitals, ordered and committed, measured from submit to commit status, at 1 and
 * 32 concurrent clients. This is the baseline the other benchmarks compare against.
 *
 *   npm run bench:noop [-- --transactions 200 --concurrency 1,32]
 */
import type { Contract } from '@hyperledger/fabric-gateway';
import { connectAs, medledgerContract, peerClient } from '../test/support/gateway.js';
import { enrollIdentity } from '../test/support/identities.js';
import { readFileSync } from 'node:fs';
import { loadNetworkProfile, RUN_DIR } from '../test/support/network-profile.js';
import { measure, formatRun, parseBenchArgs } from './support/measure.js';

const GOAL_P50_MS = 150;

/** The batch settings the channel was created with, from the configuration the network rendered. */
function batchSettings(): string {
  try {
    const configtx = readFileSync(`${RUN_DIR}/fabric/config/configtx/configtx.yaml`, 'utf8');
    const timeout = /BatchTimeout:\s*(\S+)/.exec(configtx)?.[1];
    const count = /MaxMessageCount:\s*(\S+)/.exec(configtx)?.[1];
    return `BatchTimeout ${timeout}, MaxMessageCount ${count}`;
  } catch {
    return 'unknown (no rendered configtx.yaml)';
  }
}

async function main(): Promise<void> {
  const { transactions, concurrency } = parseBenchArgs(process.argv.slice(2), {
    transactions: 200,
    concurrency: [1, 32],
  });
  const profile = loadNetworkProfile();
  const client = peerClient(profile, 'hospital-a');
  const identity = await enrollIdentity('hospital-a', 'doctor');
  const gateway = connectAs(client, identity);
  const contract: Contract = medledgerContract(gateway, profile);
  try {
    await contract.submitTransaction('Ping'); // warm up connections and the chaincode
    console.log(
      `no-op submit (system:Ping, endorsed by HospitalA and HospitalB), ${transactions} transactions per run`,
    );
    console.log(`orderer batch settings of the channel: ${batchSettings()}`);
    for (const clients of concurrency) {
      const run = await measure(transactions, clients, async () => {
        const commit = await contract.submitAsync('Ping');
        const status = await commit.getStatus();
        if (!status.successful) throw new Error(`transaction ${status.transactionId} failed: ${status.code}`);
      });
      console.log(formatRun(`concurrency ${clients}`, run));
      if (clients === 1)
        console.log(`  goal p50 <= ${GOAL_P50_MS} ms: ${(run.p50 / GOAL_P50_MS).toFixed(2)}x the goal`);
    }
  } finally {
    gateway.close();
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
