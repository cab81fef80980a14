/**
 * The FHIR facade's searches beside the REST routes that serve the same rows, on the running
 * system (after `npm start`), in one run:
 *
 * 1. Setup through the API: a patient of HospitalA, their care doctor and an auditor of
 *    HospitalA; DOCUMENTS reports recorded for the patient (by the doctor, and some by the
 *    patient, who grants the doctor access), each opened once by the doctor (one access
 *    receipt each on the ledger); then until the API's projection holds every receipt.
 * 2. Sequential requests after a warm-up, the two routes of a pair taking turns so that both
 *    meet the same machine: p50/p95/max of
 *    - `GET /fhir/R4/DocumentReference?patient=…&_count=50` beside `GET /api/v1/reports?patientId=…&limit=50` (the doctor);
 *    - `GET /fhir/R4/AuditEvent?patient=…&_count=50` beside `GET /api/v1/audit/accesses?patientId=…&limit=50` (the auditor);
 *    and the ratio of the FHIR route's p50 and p95 to the REST route's.
 *
 *   npm run bench:fhir [-- --requests 200]
 */
import { randomBytes } from 'node:crypto';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  registerPatient,
  type SignedIn,
} from '../test/support/accounts.js';
import { API_URL, callApi } from '../test/support/api.js';
import { eventually } from '../test/support/services.js';
import { LeanClient, multipartBody } from './support/lean-client.js';
import { combineRuns, formatRun, measure, type RunFigures } from './support/measure.js';

const PAGE_SIZE = 50;
/** Documents of the patient: more than a page (the doctor's upload limit is 60 a minute). */
const DOCUMENTS = 70;
const BY_PATIENT = 15;
const WARM_UP = 20;

function requestsOption(argv: string[]): number {
  const at = argv.indexOf('--requests');
  if (at < 0) return 200;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error('--requests takes a positive whole number');
  return value;
}

async function setUp(api: LeanClient): Promise<{ patient: SignedIn; doctor: SignedIn; auditor: SignedIn }> {
  const admin = await bootstrapAdmin('hospital-a');
  const [doctor, auditor, patient] = await Promise.all([
    createStaff(admin, 'doctor'),
    createStaff(admin, 'auditor'),
    registerPatient('hospital-a'),
  ]);
  const assigned = await callApi('/api/v1/admin/care-assignments', {
    method: 'POST',
    ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
  });
  if (assigned.status !== 201) throw new Error(`care assignment answered ${assigned.status}`);
  const reportIds: string[] = [];
  for (let index = 0; index < DOCUMENTS; index += 1) {
    const author = index < BY_PATIENT ? patient : doctor;
    const form = multipartBody(
      { patientId: patient.id, type: index % 2 === 0 ? 'lab' : 'note', title: `Benchmark document ${index}` },
      { bytes: randomBytes(4 * 1024), name: 'document.pdf', contentType: 'application/pdf' },
    );
    const uploaded = await api.send(
      'POST',
      '/api/v1/reports',
      { ...bearer(author.accessToken), 'content-type': form.contentType },
      form.body,
    );
    if (uploaded.status !== 201)
      throw new Error(`upload answered ${uploaded.status} ${uploaded.body.toString('utf8')}`);
    reportIds.push((JSON.parse(uploaded.body.toString('utf8')) as { id: string }).id);
  }
  // The patient's own documents open for the doctor under the patient's grant.
  const granted = await callApi('/api/v1/grants', {
    method: 'POST',
    ...jsonBody({ doctorId: doctor.id, durationDays: 1 }, bearer(patient.accessToken)),
  });
  if (granted.status !== 201) throw new Error(`the grant answered ${granted.status}`);
  for (const reportId of reportIds) {
    const opened = await api.send('GET', `/api/v1/reports/${reportId}/content`, bearer(doctor.accessToken));
    if (opened.status !== 200) throw new Error(`opening a report answered ${opened.status}`);
  }
  await eventually(
    async () => {
      const page = await api.send(
        'GET',
        `/api/v1/audit/accesses?patientId=${patient.id}&limit=100`,
        bearer(auditor.accessToken),
      );
      return (JSON.parse(page.body.toString('utf8')) as { items: unknown[] }).items.length >= DOCUMENTS;
    },
    60_000,
    'the projection of every access receipt',
  );
  return { patient, doctor, auditor };
}

/** Both routes of a pair, taking turns request by request; each must answer 200 with a full page. */
async function measurePair(
  api: LeanClient,
  caller: SignedIn,
  paths: { fhir: string; rest: string },
  requests: number,
): Promise<{ fhir: RunFigures; rest: RunFigures }> {
  const call = async (path: string, entriesOf: (body: Record<string, unknown[]>) => unknown[]) => {
    const answer = await api.send('GET', path, bearer(caller.accessToken));
    const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown[]>;
    if (answer.status !== 200 || entriesOf(body).length !== PAGE_SIZE) {
      throw new Error(`${path} answered ${answer.status} with ${entriesOf(body)?.length} rows`);
    }
  };
  const fhir = () => call(paths.fhir, (body) => body.entry);
  const rest = () => call(paths.rest, (body) => body.items);
  for (let index = 0; index < WARM_UP; index += 1) await Promise.all([fhir(), rest()]);
  const latencies = { fhir: [] as RunFigures[], rest: [] as RunFigures[] };
  for (let index = 0; index < requests; index += 1) {
    latencies.fhir.push(await measure(1, 1, fhir));
    latencies.rest.push(await measure(1, 1, rest));
  }
  return { fhir: combineRuns(latencies.fhir), rest: combineRuns(latencies.rest) };
}

function report(label: string, pair: { fhir: RunFigures; rest: RunFigures }): void {
  console.log(formatRun(`${label} FHIR`, pair.fhir));
  console.log(formatRun(`${label} REST`, pair.rest));
  console.log(
    `${label.padEnd(16)} FHIR/REST  p50 ${(pair.fhir.p50 / pair.rest.p50).toFixed(2)}×  p95 ${(pair.fhir.p95 / pair.rest.p95).toFixed(2)}×`,
  );
}

async function main(): Promise<void> {
  const requests = requestsOption(process.argv.slice(2));
  const api = new LeanClient(API_URL, 4);
  try {
    console.log(`setting up: ${DOCUMENTS} documents of one patient, each opened once`);
    const { patient, doctor, auditor } = await setUp(api);
    console.log(`${requests} sequential requests per route after ${WARM_UP} of warm-up, page size ${PAGE_SIZE}`);
    report(
      'DocumentReference',
      await measurePair(
        api,
        doctor,
        {
          fhir: `/fhir/R4/DocumentReference?patient=${patient.id}&_count=${PAGE_SIZE}`,
          rest: `/api/v1/reports?patientId=${patient.id}&limit=${PAGE_SIZE}`,
        },
        requests,
      ),
    );
    report(
      'AuditEvent',
      await measurePair(
        api,
        auditor,
        {
          fhir: `/fhir/R4/AuditEvent?patient=${patient.id}&_count=${PAGE_SIZE}`,
          rest: `/api/v1/audit/accesses?patientId=${patient.id}&limit=${PAGE_SIZE}`,
        },
        requests,
      ),
    );
  } finally {
    api.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
