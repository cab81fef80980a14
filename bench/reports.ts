/**
 * Case-report upload and read on the running system: p50/p95 and throughput for 10 KiB,
 * 1 MiB and 10 MiB at 1, 8 and 32 concurrent clients, beside the same network's no-op
 * transaction (system:Ping) and Kubo's raw add and cat of the same bytes, as ratios.
 *
 *   npm run bench:reports [-- --transactions 64 --concurrency 1,8,32 --sizes 10KiB,1MiB,10MiB]
 */
import { randomBytes } from 'node:crypto';
import { callApi } from '../test/support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient } from '../test/support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../test/support/gateway.js';
import { enrollIdentity } from '../test/support/identities.js';
import { loadNetworkProfile } from '../test/support/network-profile.js';
import { openReport, uploadReport } from '../test/support/uploads.js';
import { formatRun, measure, parseBenchArgs, type RunFigures } from './support/measure.js';

const KUBO = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';
const SIZES: Array<[label: string, bytes: number]> = [
  ['10 KiB', 10 * 1024],
  ['1 MiB', 1024 * 1024],
  ['10 MiB', 10 * 1024 * 1024],
];

async function kuboAdd(bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]));
  const response = await fetch(`${KUBO}/api/v0/add?cid-version=1&raw-leaves=true&pin=true&quiet=true`, {
    method: 'POST',
    body: form,
  });
  if (!response.ok) throw new Error(`kubo add answered ${response.status}`);
  return (JSON.parse((await response.text()).trim().split('\n').pop() ?? '{}') as { Hash: string }).Hash;
}

async function kuboCat(cid: string): Promise<void> {
  const response = await fetch(`${KUBO}/api/v0/cat?arg=${cid}`, { method: 'POST' });
  await response.arrayBuffer();
}

const ratio = (run: RunFigures, base: RunFigures) =>
  `p50 ${(run.p50 / base.p50).toFixed(2)}x  p95 ${(run.p95 / base.p95).toFixed(2)}x`;

/** `--sizes 10KiB,1MiB` picks some of SIZES (labels without the space); the other options are the common ones. */
function parseArgs(argv: string[]) {
  const named = new Map(SIZES.map((size) => [size[0].replace(' ', ''), size]));
  const at = argv.indexOf('--sizes');
  const labels = at >= 0 ? (argv[at + 1] ?? '').split(',') : [...named.keys()];
  const sizes = labels.map((label) => {
    const size = named.get(label);
    if (!size) throw new Error(`--sizes takes ${[...named.keys()].join(',')}, not "${label}"`);
    return size;
  });
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  return { sizes, ...parseBenchArgs(rest, { transactions: 64, concurrency: [1, 8, 32] }) };
}

async function main(): Promise<void> {
  const { sizes, transactions, concurrency } = parseArgs(process.argv.slice(2));
  const admin = await bootstrapAdmin('hospital-a');
  const [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient()]);
  await callApi('/api/v1/admin/care-assignments', {
    method: 'POST',
    ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
  });

  const profile = loadNetworkProfile();
  const client = peerClient(profile, 'hospital-a');
  const gateway = connectAs(client, await enrollIdentity('hospital-a', 'doctor'));
  const ping = medledgerContract(gateway, profile);
  await ping.submitTransaction('Ping');
  try {
    for (const clients of concurrency) {
      const noop = await measure(transactions, clients, async () => {
        await ping.submitTransaction('Ping');
      });
      console.log(`\nconcurrency ${clients}`);
      console.log(formatRun('  no-op submit', noop));
      for (const [label, size] of sizes) {
        const bytes = randomBytes(size);
        const ids: string[] = [];
        const upload = await measure(transactions, clients, async () => {
          const response = await uploadReport(
            doctor,
            { patientId: patient.id },
            { bytes, contentType: 'application/pdf' },
          );
          if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${response.text}`);
          ids.push((response.body as { id: string }).id);
        });
        let next = 0;
        const read = await measure(transactions, clients, async () => {
          const opened = await openReport(patient, ids[next++ % ids.length]);
          if (opened.status !== 200 || opened.bytes.length !== size) throw new Error(`read answered ${opened.status}`);
        });
        const cids: string[] = [];
        const add = await measure(transactions, clients, async () => {
          cids.push(await kuboAdd(bytes));
        });
        let nextCid = 0;
        const cat = await measure(transactions, clients, async () => kuboCat(cids[nextCid++ % cids.length]));
        const mbps = (run: RunFigures) => `${((run.perSecond * size) / 1e6).toFixed(1)} MB/s`;
        console.log(`  ${label}`);
        console.log(`${formatRun('    upload', upload)}  ${mbps(upload)}`);
        console.log(`${formatRun('    read', read)}  ${mbps(read)}`);
        console.log(`${formatRun('    kubo add', add)}`);
        console.log(`${formatRun('    kubo cat', cat)}`);
        console.log(
          `    upload vs no-op ${ratio(upload, noop)} (p50 − no-op p50 = ${(upload.p50 - noop.p50).toFixed(1)} ms); vs raw add ${ratio(upload, add)}`,
        );
        console.log(`    read vs no-op ${ratio(read, noop)}; vs raw cat ${ratio(read, cat)}`);
      }
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
