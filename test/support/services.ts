import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_DIR } from './network-profile.js';

const run = promisify(execFile);

/** The project's own start/stop scripts, as a test drives them to take a component away and back. */
export const components = {
  /** Stops one network service (`peer0-hospitalb`, `orderer0`, …). */
  stopNetworkService: (name: string) => script('fabric-network/network.sh', 'stop', name),
  startNetwork: () => script('fabric-network/network.sh', 'up'),
  stopIpfs: () => script('scripts/ipfs.sh', 'down'),
  startIpfs: () => script('scripts/ipfs.sh', 'up'),
  stopDatabase: () => script('scripts/postgres.sh', 'down'),
  startDatabase: () => script('scripts/postgres.sh', 'up'),
};

async function script(path: string, ...args: string[]): Promise<void> {
  await run('bash', [`${PROJECT_DIR}/${path}`, ...args], { timeout: 180_000 });
}

/** Polls `probe` until it returns true or the time is up. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}
