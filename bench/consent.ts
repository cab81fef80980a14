/**
 * The consent workflow on the running system, beside the same network's no-op transaction
 * (system:Ping) measured in the same run:
 * - request → approve → first open: a HospitalB doctor asks, the HospitalA patient approves
 *   for 30 minutes, the doctor opens the report (three ledger transactions, three calls);
 * - grant → open: the patient grants directly, the doctor opens (two transactions).
 * Each flow is timed whole, and each of its calls on its own, at 1 and 16 clients.
 *
 *   npm run bench:consent [-- --transactions 48 --concurrency 1,16]
 *
 * Every flow uses its own doctor–patient pair, so that no two flows of a run share the
 * pair's grants (the chaincode reads them in one range, which a concurrent grant of the
 * same pair would invalidate) and a pair's grant list does not grow over the run.
 */
import { randomBytes } from 'node:crypto';
import { API_URL, callApi } from '../test/support/api.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  registerPatient,
  type SignedIn,
} from '../test/support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../test/support/gateway.js';
import { enrollIdentity } from '../test/support/identities.js';
import { loadNetworkProfile } from '../test/support/network-profile.js';
import { LeanClient, multipartBody } from './support/lean-client.js';
import { formatRun, measure, parseBenchArgs, type RunFigures } from './support/measure.js';

/** Patients × doctors: the distinct pairs a run can use. */
const PATIENTS = 16;

interface Pair {
  patient: SignedIn;
  doctor: SignedIn;
  reportId: string;
}

const ratio = (run: RunFigures, base: RunFigures) =>
  `p50 ${(run.p50 / base.p50).toFixed(2)}x  p95 ${(run.p95 / base.p95).toFixed(2)}x`;

/** Patients of HospitalA, each with one 10 KiB report written by their HospitalA doctor. */
async function patientsWithReports(
  api: LeanClient,
  count: number,
): Promise<Array<{ patient: SignedIn; reportId: string }>> {
  const adminA = await bootstrapAdmin('hospital-a');
  const author = await createStaff(adminA, 'doctor');
  const patients = await Promise.all(Array.from({ length: count }, () => registerPatient('hospital-a')));
  return Promise.all(
    patients.map(async (patient) => {
      const assigned = await callApi('/api/v1/admin/care-assignments', {
        method: 'POST',
        ...jsonBody({ patientId: patient.id, doctorId: author.id }, bearer(adminA.accessToken)),
      });
      if (assigned.status !== 201) throw new Error(`care assignment answered ${assigned.status}`);
      const form = multipartBody(
        { patientId: patient.id, type: 'lab', title: 'Blood panel' },
        { bytes: randomBytes(10 * 1024), name: 'panel.pdf', contentType: 'application/pdf' },
      );
      const uploaded = await api.send(
        'POST',
        '/api/v1/reports',
        { ...bearer(author.accessToken), 'content-type': form.contentType },
        form.body,
      );
      if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}`);
      return { patient, reportId: (JSON.parse(uploaded.body.toString('utf8')) as { id: string }).id };
    }),
  );
}

async function main(): Promise<void> {
  const { transactions, concurrency } = parseBenchArgs(process.argv.slice(2), {
    transactions: 48,
    concurrency: [1, 16],
  });
  const api = new LeanClient(API_URL, Math.max(...concurrency) * 2);
  const profile = loadNetworkProfile();
  const client = peerClient(profile, 'hospital-a');
  const gateway = connectAs(client, await enrollIdentity('hospital-a', 'doctor'));
  const ping = medledgerContract(gateway, profile);

  const records = await patientsWithReports(api, PATIENTS);
  const adminB = await bootstrapAdmin('hospital-b');
  // Two flows per run and size of run: enough doctors that every flow of the bench has its own pair.
  const runs = concurrency.length * 2;
  const doctorsNeeded = Math.ceil((transactions * runs) / PATIENTS);
  const doctors = await Promise.all(Array.from({ length: doctorsNeeded }, () => createStaff(adminB, 'doctor')));
  const pairs: Pair[] = doctors.flatMap((doctor) =>
    records.map(({ patient, reportId }) => ({ patient, doctor, reportId })),
  );
  let nextPair = 0;
  const takePair = (): Pair => {
    const pair = pairs[nextPair++];
    if (!pair) throw new Error('no doctor–patient pair left');
    return pair;
  };

  const call = async (who: SignedIn, method: 'GET' | 'POST', path: string, body: unknown, expected: number) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { ...bearer(who.accessToken), ...(payload ? { 'content-type': 'application/json' } : {}) };
    const response = await api.send(method, `/api/v1${path}`, headers, payload);
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
    }
    return response.body;
  };
  const timed = async <T>(into: number[], step: () => Promise<T>): Promise<T> => {
    const begin = process.hrtime.bigint();
    const result = await step();
    into.push(Number(process.hrtime.bigint() - begin) / 1e6);
    return result;
  };
  const stepFigures = (latencies: number[]) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
    return `p50 ${at(0.5).toFixed(1).padStart(7)} ms  p95 ${at(0.95).toFixed(1).padStart(7)} ms`;
  };

  try {
    await ping.submitTransaction('Ping');
    for (const clients of concurrency) {
      const noop = await measure(transactions, clients, async () => {
        await ping.submitTransaction('Ping');
      });
      console.log(`\nconcurrency ${clients}`);
      console.log(formatRun('  no-op submit', noop));

      const steps = { request: [] as number[], approve: [] as number[], firstOpen: [] as number[] };
      const requested = await measure(transactions, clients, async () => {
        const { patient, doctor, reportId } = takePair();
        const request = JSON.parse(
          (
            await timed(steps.request, () =>
              call(
                doctor,
                'POST',
                '/access-requests',
                { patientId: patient.id, reason: 'Follow-up of the panel', reportIds: [reportId] },
                201,
              ),
            )
          ).toString('utf8'),
        ) as { id: string };
        await timed(steps.approve, () =>
          call(patient, 'POST', `/access-requests/${request.id}/approve`, { durationMinutes: 30 }, 201),
        );
        await timed(steps.firstOpen, () => call(doctor, 'GET', `/reports/${reportId}/content`, undefined, 200));
      });
      console.log(formatRun('  request→approve→open', requested));
      console.log(`    request  ${stepFigures(steps.request)}`);
      console.log(`    approve  ${stepFigures(steps.approve)}`);
      console.log(`    open     ${stepFigures(steps.firstOpen)}`);
      console.log(
        `    flow vs no-op ${ratio(requested, noop)}; per ledger transaction (÷3) p50 ${(requested.p50 / 3 / noop.p50).toFixed(2)}x`,
      );

      const direct = { grant: [] as number[], open: [] as number[] };
      const granted = await measure(transactions, clients, async () => {
        const { patient, doctor, reportId } = takePair();
        await timed(direct.grant, () =>
          call(patient, 'POST', '/grants', { doctorId: doctor.id, reportIds: [reportId], durationMinutes: 30 }, 201),
        );
        await timed(direct.open, () => call(doctor, 'GET', `/reports/${reportId}/content`, undefined, 200));
      });
      console.log(formatRun('  grant→open', granted));
      console.log(`    grant    ${stepFigures(direct.grant)}`);
      console.log(`    open     ${stepFigures(direct.open)}`);
      console.log(
        `    flow vs no-op ${ratio(granted, noop)}; per ledger transaction (÷2) p50 ${(granted.p50 / 2 / noop.p50).toFixed(2)}x`,
      );
    }
  } finally {
    api.close();
    gateway.close();
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
