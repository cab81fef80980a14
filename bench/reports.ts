/**
 * Case-report upload and read on the running system: p50/p95 and throughput for 10 KiB,
 * 1 MiB and 10 MiB at 1, 8 and 32 concurrent clients, beside the same network's no-op
 * transaction (system:Ping) and Kubo's raw add and cat of the same bytes, as ratios.
 *
 *   npm run bench:reports [-- --transactions 64 --concurrency 1,8,32 --sizes 10KiB,1MiB,10MiB]
 *
 * Uploads, reads and Kubo's raw add and cat all go through one lean HTTP client
 * (support/lean-client.ts): the load generator runs on the machine it measures.
 */
import { randomBytes } from 'node:crypto';
import { API_URL, callApi } from '../test/support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient } from '../test/support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../test/support/gateway.js';
import { enrollIdentity } from '../test/support/identities.js';
import { loadNetworkProfile } from '../test/support/network-profile.js';
import { LeanClient, multipartBody } from './support/lean-client.js';
import { formatRun, measure, parseBenchArgs, type RunFigures } from './support/measure.js';

const KUBO = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';
const SIZES: Array<[label: string, bytes: number]> = [
  ['10 KiB', 10 * 1024],
  ['1 MiB', 1024 * 1024],
  ['10 MiB', 10 * 1024 * 1024],
];

/** Kubo's own add (pinned, with the import settings the API uses) and cat, over the same lean client. */
function rawKubo(kubo: LeanClient) {
  return {
    async add(form: { contentType: string; body: Buffer }): Promise<string> {
      const response = await kubo.send(
        'POST',
        '/api/v0/add?cid-version=1&raw-leaves=true&pin=true&quiet=true',
        { 'content-type': form.contentType },
        form.body,
      );
      if (response.status !== 200) throw new Error(`kubo add answered ${response.status}`);
      return (JSON.parse(response.body.toString('utf8').trim().split('\n').pop() ?? '{}') as { Hash: string }).Hash;
    },
    async cat(cid: string, size: number): Promise<void> {
      const response = await kubo.send('POST', `/api/v0/cat?arg=${cid}`, {});
      if (response.status !== 200 || response.body.length !== size)
        throw new Error(`kubo cat answered ${response.status}`);
    },
  };
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
  const api = new LeanClient(API_URL, Math.max(...concurrency));
  const kuboClient = new LeanClient(KUBO, Math.max(...concurrency));
  const kubo = rawKubo(kuboClient);
  const asDoctor = bearer(doctor.accessToken);
  const asPatient = bearer(patient.accessToken);
  try {
    for (const clients of concurrency) {
      const noop = await measure(transactions, clients, async () => {
        await ping.submitTransaction('Ping');
      });
      console.log(`\nconcurrency ${clients}`);
      console.log(formatRun('  no-op submit', noop));
      for (const [label, size] of sizes) {
        const bytes = randomBytes(size);
        const form = multipartBody(
          { patientId: patient.id, type: 'report', title: 'Discharge summary' },
          { bytes, name: 'summary.pdf', contentType: 'application/pdf' },
        );
        const ids: string[] = [];
        const upload = await measure(transactions, clients, async () => {
          const response = await api.send(
            'POST',
            '/api/v1/reports',
            { ...asDoctor, 'content-type': form.contentType },
            form.body,
          );
          if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${response.body}`);
          ids.push((JSON.parse(response.body.toString('utf8')) as { id: string }).id);
        });
        let next = 0;
        const read = await measure(transactions, clients, async () => {
          const opened = await api.send('GET', `/api/v1/reports/${ids[next++ % ids.length]}/content`, asPatient);
          if (opened.status !== 200 || !opened.body.equals(bytes)) throw new Error(`read answered ${opened.status}`);
        });
        const file = multipartBody({}, { bytes, name: 'content', contentType: 'application/octet-stream' });
        const cids: string[] = [];
        const add = await measure(transactions, clients, async () => {
          cids.push(await kubo.add(file));
        });
        let nextCid = 0;
        const cat = await measure(transactions, clients, () => kubo.cat(cids[nextCid++ % cids.length], size));
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
    api.close();
    kuboClient.close();
    gateway.close();
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
