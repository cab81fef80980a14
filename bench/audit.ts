/**
 * The audit trail on the running system, with 100 000 access receipts on the ledger:
 *
 * 1. Setup (the benchmark's own, through the chaincode): an auditor, a patient and a doctor
 *    of HospitalA through the API, the doctor assigned to the patient's care and uploading
 *    one report; then the receipts (`reports:AccessReport`), submitted through the Gateway
 *    with many in flight, half as that doctor's own ledger identity (the one the API
 *    stores) and half spread over more doctors of both hospitals to whom the patient
 *    granted the report, with refused attempts (`reports:RecordRefusedAccess` by doctors
 *    without a grant) among them. What it wrote is remembered in .run/bench-audit.json, for
 *    `--skip-setup`.
 * 2. Once the API's projection holds every one of them: p50/p95/max of each audit route at
 *    page size 50 (sequential requests after a warm-up), beside GET /auth/me measured in
 *    the same run; goal p95 ≤ 50 ms.
 * 3. The projection's catch-up rate from an empty projection: one more API process on a
 *    scratch database, from its start until its projection has reached the block the
 *    running API's projection had reached; goal ≥ 1 000 events/s.
 *
 *   npm run bench:audit [-- --receipts 100000 --refusals 1000 --readers 200 --concurrency 128 --skip-setup]
 */
import 'reflect-metadata';
import { GatewayError, type Gateway } from '@hyperledger/fabric-gateway';
import protos from '@hyperledger/fabric-protos';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../api/src/database/data-source-options.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
} from '../test/support/accounts.js';
import { API_URL, callApi } from '../test/support/api.js';
import { ApiProcess, spareApiPort } from '../test/support/api-process.js';
import { connectAs, medledgerContract } from '../test/support/gateway.js';
import { LedgerActor, PeerClients, refusalCode } from '../test/support/ledger-actors.js';
import {
  type HospitalId,
  loadNetworkProfile,
  type NetworkProfile,
  PROJECT_DIR,
  RUN_DIR,
} from '../test/support/network-profile.js';
import { ScratchDatabase } from '../test/support/scratch-database.js';
import { storedLedgerIdentity } from '../test/support/stored-identities.js';
import { uploadReport } from '../test/support/uploads.js';
import { LeanClient } from './support/lean-client.js';
import { formatRun, measure, type RunFigures } from './support/measure.js';
import { adoptRunningSystemEnvironment } from './support/running-system.js';

const GOAL_P95_MS = 50;
const GOAL_EVENTS_PER_SECOND = 1_000;
const PAGE_SIZE = 50;
const REQUESTS = 200;
const WARM_UP = 20;
/** The deep page is the one after this many pages of the unfiltered list. */
const DEEP_PAGES = 20;
const PROGRESS_EVERY = 5_000;
/** Doctors without a grant, who write the refusals (half at each hospital). */
const REFUSERS = 4;
/** The readers' grants last long enough for later runs with --skip-setup to find them active. */
const GRANT_MINUTES = 365 * 24 * 60;
const ATTEMPTS = 3;
/** A projection that has not moved for this long has stopped. */
const STALL_MS = 120_000;
const STATE_FILE = path.join(RUN_DIR, 'bench-audit.json');
const SCRATCH_API = 'api-bench-audit';

interface Options {
  receipts: number;
  refusals: number;
  readers: number;
  concurrency: number;
  skipSetup: boolean;
}

interface Account {
  id: string;
  email: string;
  password: string;
}

/** What a setup wrote, for the measures and for later runs with --skip-setup (.run/bench-audit.json). */
interface BenchState {
  apiUrl: string;
  writtenAt: string;
  auditor: Account;
  patient: Account;
  doctor: Account;
  reportId: string;
  receipts: number;
  refusals: number;
  lastBlock: string;
}

/** Someone who submits transactions and waits for their commit: a LedgerActor, or an API user's stored identity. */
interface LedgerWriter {
  submit(contract: string, fn: string, ...args: string[]): Promise<{ blockNumber: bigint }>;
  close(): void;
}

const USAGE = '--receipts N, --refusals N, --readers N, --concurrency N, --skip-setup';

function parseOptions(argv: string[]): Options {
  const options: Options = { receipts: 100_000, refusals: 1_000, readers: 200, concurrency: 128, skipSetup: false };
  const count = (flag: string, value: string | undefined, least: number): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < least)
      throw new Error(`${flag} takes an integer of at least ${least}, not "${value ?? ''}"`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--skip-setup') options.skipSetup = true;
    else if (flag === '--receipts') options.receipts = count(flag, argv[++i], 1);
    else if (flag === '--refusals') options.refusals = count(flag, argv[++i], 0);
    else if (flag === '--readers') options.readers = count(flag, argv[++i], 0);
    else if (flag === '--concurrency') options.concurrency = count(flag, argv[++i], 1);
    else throw new Error(`unknown option ${flag} (known: ${USAGE})`);
  }
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const thousands = (value: number) => value.toLocaleString('en-US');
const seconds = (since: number) => (Date.now() - since) / 1000;

/** An error's message, with what each peer said when the Gateway relays a refusal. */
function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error instanceof GatewayError ? error.details.map((detail) => detail.message) : [];
  return [error.message, ...details].join('; ');
}

/** Runs `task(0..count-1)` with at most `concurrency` at a time; their results in order. */
async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** `attempt`, tried again (up to ATTEMPTS in all) when it fails: a timeout or an MVCC conflict under load. */
async function withRetries<T>(what: string, attempt: () => Promise<T>, onRetry: () => void = () => {}): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= ATTEMPTS || refusalCode(error) !== undefined)
        throw new Error(`${what} failed (attempt ${tried}): ${explain(error)}`);
      onRetry();
      await sleep(200 * tried);
    }
  }
}

const highest = (blocks: bigint[]) => blocks.reduce((top, block) => (block > top ? block : top), 0n);

/** The channel's height as the peer of `gateway` has it (qscc GetChainInfo). */
async function chainHeight(gateway: Gateway, profile: NetworkProfile): Promise<bigint> {
  const qscc = gateway.getNetwork(profile.channel).getContract('qscc');
  const info = protos.common.BlockchainInfo.deserializeBinary(
    await qscc.evaluateTransaction('GetChainInfo', profile.channel),
  );
  return BigInt(info.getHeight());
}

/** An API user's own ledger identity, as the API stores it, connected through its hospital's peer. */
async function apiUserOnLedger(
  database: DataSource,
  profile: NetworkProfile,
  clients: PeerClients,
  userId: string,
): Promise<LedgerWriter & { gateway: Gateway }> {
  const identity = await storedLedgerIdentity(database, userId);
  const hospital = (Object.keys(profile.organizations) as HospitalId[]).find(
    (candidate) => profile.organizations[candidate].mspId === identity.mspId,
  );
  if (!hospital) throw new Error(`no hospital of the network has the MSP ${identity.mspId}`);
  const gateway = connectAs(clients.of(hospital), identity);
  return {
    gateway,
    async submit(contract, fn, ...args) {
      const submitted = await medledgerContract(gateway, profile, contract).submitAsync(fn, { arguments: args });
      const status = await submitted.getStatus();
      if (!status.successful)
        throw new Error(`${contract}:${fn} ${status.transactionId} failed validation: ${status.code}`);
      return { blockNumber: status.blockNumber };
    },
    close: () => gateway.close(),
  };
}

function printMachine(): void {
  const cpus = os.cpus();
  console.log('MedLedger audit trail: projection, audit routes, catch-up');
  console.log(
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown model'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}; Node ${process.version}`,
  );
  console.log(`API ${API_URL}`);
}

function readState(): BenchState {
  if (!existsSync(STATE_FILE)) throw new Error(`--skip-setup: ${STATE_FILE} is missing; run once without it first`);
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as BenchState;
  if (state.apiUrl !== API_URL)
    throw new Error(`--skip-setup: ${STATE_FILE} was written against ${state.apiUrl}, not ${API_URL}`);
  return state;
}

const account = (user: SignedIn): Account => ({ id: user.id, email: user.email, password: user.password });

// ---------------------------------------------------------------------------------------
// 1. Setup
// ---------------------------------------------------------------------------------------

async function setUp(
  options: Options,
  profile: NetworkProfile,
  clients: PeerClients,
  database: DataSource,
): Promise<BenchState> {
  const begin = Date.now();
  console.log('\nsetup: an auditor, a doctor and a patient of HospitalA through the API; one report');
  const admin = await bootstrapAdmin('hospital-a');
  const [auditor, doctor, patient] = await Promise.all([
    createStaff(admin, 'auditor'),
    createStaff(admin, 'doctor'),
    registerPatient('hospital-a'),
  ]);
  const assigned = await callApi('/api/v1/admin/care-assignments', {
    method: 'POST',
    ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
  });
  if (assigned.status !== 201) throw new Error(`the care assignment answered ${assigned.status}`);
  const uploaded = await uploadReport(
    doctor,
    { patientId: patient.id, type: 'lab', title: 'Blood panel' },
    { bytes: randomBytes(4096), name: 'panel.pdf' },
  );
  if (uploaded.status !== 201) throw new Error(`the report upload answered ${uploaded.status}`);
  const reportId = (uploaded.body as { id: string }).id;

  const writers: LedgerWriter[] = [];
  try {
    const doctorOnLedger = await apiUserOnLedger(database, profile, clients, doctor.id);
    const patientOnLedger = await apiUserOnLedger(database, profile, clients, patient.id);
    writers.push(doctorOnLedger, patientOnLedger);

    console.log(
      `setup: ${options.readers} more doctors (granted the report) and ${REFUSERS} without a grant, half at each hospital`,
    );
    const hospitalOf = (index: number): HospitalId => (index % 2 === 0 ? 'hospital-a' : 'hospital-b');
    const enrolled = await inParallel(options.readers + REFUSERS, 4, (index) =>
      withRetries('enrolling a doctor', () => LedgerActor.enroll(profile, clients, hospitalOf(index), 'doctor')),
    );
    writers.push(...enrolled);
    const readers = enrolled.slice(0, options.readers);
    const refusers = enrolled.slice(options.readers);
    const registered = await inParallel(enrolled.length, 32, (index) =>
      withRetries('RegisterSelf', () => enrolled[index].submit('participants', 'RegisterSelf')),
    );
    // Every grant and opening is endorsed by both peers: neither may be a block short.
    await refusers[0].untilEveryPeerHas(highest(registered.map((committed) => committed.blockNumber)));
    const granted = await inParallel(readers.length, 32, (index) =>
      withRetries('GrantAccess', () =>
        patientOnLedger.submit(
          'consent',
          'GrantAccess',
          randomUUID(),
          readers[index].uid,
          JSON.stringify([reportId]),
          String(GRANT_MINUTES),
          'TREAT',
        ),
      ),
    );
    await refusers[0].untilEveryPeerHas(highest(granted.map((committed) => committed.blockNumber)));
    console.log(`setup: accounts, enrollments and grants in ${seconds(begin).toFixed(1)} s`);

    const lastBlock = await writeAccesses(options, reportId, doctorOnLedger, readers, refusers);
    return {
      apiUrl: API_URL,
      writtenAt: new Date().toISOString(),
      auditor: account(auditor),
      patient: account(patient),
      doctor: account(doctor),
      reportId,
      receipts: options.receipts,
      refusals: options.refusals,
      lastBlock: lastBlock.toString(),
    };
  } finally {
    for (const writer of writers) writer.close();
  }
}

/**
 * The receipts and refusals, `concurrency` in flight: every other receipt by the API's
 * doctor (the author: basis author), the others by the granted doctors in turn (basis
 * grant), the refusals spread evenly among them. Returns the highest block written.
 */
async function writeAccesses(
  options: Options,
  reportId: string,
  doctor: LedgerWriter,
  readers: LedgerWriter[],
  refusers: LedgerWriter[],
): Promise<bigint> {
  const total = options.receipts + options.refusals;
  const refusalsBefore = (job: number) => Math.floor((job * options.refusals) / total);
  const readerOf = (receipt: number) =>
    receipt % 2 === 0 || readers.length === 0 ? doctor : readers[Math.floor(receipt / 2) % readers.length];
  console.log(
    `\nwriting ${thousands(options.receipts)} receipts (reports:AccessReport) and ${thousands(options.refusals)} ` +
      `refusals (reports:RecordRefusedAccess), ${options.concurrency} in flight`,
  );
  let next = 0;
  let done = 0;
  let retries = 0;
  let lastBlock = 0n;
  const begin = Date.now();
  const run: RunFigures = await measure(total, options.concurrency, async () => {
    const job = next++;
    const refused = refusalsBefore(job + 1) > refusalsBefore(job);
    const [writer, fn] = refused
      ? [refusers[refusalsBefore(job) % refusers.length], 'RecordRefusedAccess']
      : [readerOf(job - refusalsBefore(job)), 'AccessReport'];
    const { blockNumber } = await withRetries(
      `reports:${fn}`,
      () => writer.submit('reports', fn, reportId),
      () => (retries += 1),
    );
    if (blockNumber > lastBlock) lastBlock = blockNumber;
    done += 1;
    if (done % PROGRESS_EVERY === 0 || done === total)
      console.log(
        `  ${thousands(done).padStart(9)} / ${thousands(total)}  ${(done / seconds(begin)).toFixed(0).padStart(5)} tx/s`,
      );
  });
  console.log(formatRun('  submit→commit', run));
  console.log(
    `  write rate: ${thousands(total)} transactions in ${run.seconds.toFixed(1)} s, ${run.perSecond.toFixed(0)} tx/s ` +
      `(${retries} retried); last block ${lastBlock}`,
  );
  return lastBlock;
}

// ---------------------------------------------------------------------------------------
// 2. The audit routes
// ---------------------------------------------------------------------------------------

/** Waits until the running API's projection holds every access written for the patient. */
async function untilProjected(database: DataSource, state: BenchState): Promise<void> {
  const expected = state.receipts + state.refusals;
  console.log(`\nwaiting for the API's projection to hold the ${thousands(expected)} accesses written`);
  const begin = Date.now();
  let last = -1;
  let lastMove = Date.now();
  let lastPrint = Date.now();
  for (;;) {
    const [{ count }] = await database.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM projection_accesses WHERE patient_id = $1',
      [state.patient.id],
    );
    if (count >= expected) {
      console.log(`  all projected after ${seconds(begin).toFixed(1)} s of waiting`);
      return;
    }
    if (count !== last) [last, lastMove] = [count, Date.now()];
    if (Date.now() - lastMove > STALL_MS)
      throw new Error(
        `the API's projection holds ${count} of the ${expected} accesses written and has not moved for ` +
          `${STALL_MS / 1000} s (see .run/logs/api.log)`,
      );
    if (Date.now() - lastPrint >= 10_000) {
      console.log(`  ${thousands(count)} / ${thousands(expected)} projected`);
      lastPrint = Date.now();
    }
    await sleep(1000);
  }
}

interface RouteFigures {
  label: string;
  /** Rows in one answer (items of a page, lines of CSV after the header). */
  rows: number | null;
  run: RunFigures;
}

/**
 * GETs `route` as a stream, reading until `maxLines` lines have come (then closing the
 * connection: the rest of a streamed export is not waited for) or the body ends.
 */
function readLines(
  route: string,
  headers: Record<string, string>,
  maxLines: number,
  timeoutMs: number,
): Promise<{ contentType: string; lines: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const outgoing = request(new URL(route, API_URL), { headers, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      const contentType = String(response.headers['content-type'] ?? '');
      let lines = 0;
      let bytes = 0;
      const errorBody: Buffer[] = [];
      const finish = () => {
        if (settled) return;
        settled = true;
        if (status === 200) resolve({ contentType, lines, bytes });
        else
          reject(
            new Error(`GET ${route} answered ${status}: ${Buffer.concat(errorBody).toString('utf8').slice(0, 300)}`),
          );
      };
      response.on('data', (chunk: Buffer) => {
        if (status !== 200) {
          errorBody.push(chunk);
          return;
        }
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
        if (lines >= maxLines) {
          finish();
          response.destroy();
        }
      });
      response.on('end', finish);
      response.on('error', (cause) => {
        if (settled) return;
        settled = true;
        reject(cause);
      });
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`GET ${route} timed out`)));
    outgoing.on('error', (cause) => {
      if (settled) return;
      settled = true;
      reject(cause);
    });
    outgoing.end();
  });
}

async function getJson(lean: LeanClient, route: string, headers: Record<string, string>): Promise<unknown> {
  const response = await lean.send('GET', route, headers);
  if (response.status !== 200)
    throw new Error(`GET ${route} answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(response.body.toString('utf8')) as unknown;
}

/** A JSON page's rows; fails unless the answer is `{items, nextCursor}`. */
function pageRows(route: string, body: unknown): { rows: number; nextCursor: string | null } {
  const page = body as { items?: unknown; nextCursor?: unknown };
  if (!Array.isArray(page.items) || (page.nextCursor !== null && typeof page.nextCursor !== 'string'))
    throw new Error(`GET ${route} did not answer a page {items, nextCursor}`);
  return { rows: page.items.length, nextCursor: page.nextCursor };
}

/** WARM_UP requests, then REQUESTS timed one after the other. */
async function timeJsonRoute(
  lean: LeanClient,
  label: string,
  route: string,
  headers: Record<string, string>,
  paged = true,
): Promise<RouteFigures> {
  const first = await getJson(lean, route, headers);
  const rows = paged ? pageRows(route, first).rows : null;
  for (let i = 1; i < WARM_UP; i += 1) await getJson(lean, route, headers);
  const run = await measure(REQUESTS, 1, async () => {
    const response = await lean.send('GET', route, headers);
    if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}`);
  });
  return { label, rows, run };
}

/** The first page's worth of a CSV export: the time until the header and PAGE_SIZE rows have come. */
async function timeCsvFirstPage(label: string, route: string, headers: Record<string, string>): Promise<RouteFigures> {
  const csvHeaders = { ...headers, Accept: 'text/csv' };
  const first = await readLines(route, csvHeaders, PAGE_SIZE + 1, 30_000);
  if (!first.contentType.startsWith('text/csv')) throw new Error(`GET ${route} as CSV answered ${first.contentType}`);
  for (let i = 1; i < WARM_UP; i += 1) await readLines(route, csvHeaders, PAGE_SIZE + 1, 30_000);
  const run = await measure(REQUESTS, 1, async () => {
    await readLines(route, csvHeaders, PAGE_SIZE + 1, 30_000);
  });
  return { label, rows: Math.min(first.lines - 1, PAGE_SIZE), run };
}

function printTable(results: RouteFigures[]): void {
  const [baseline, ...routes] = results;
  if (!baseline) return;
  const width = Math.max(...results.map((result) => result.label.length));
  const ms = (value: number) => value.toFixed(1).padStart(8);
  console.log(
    `\n${'route'.padEnd(width)}  rows  p50 ms  p95 ms  max ms  p95/base  goal p95 ≤ ${GOAL_P95_MS} ms (n=${REQUESTS} each, sequential)`,
  );
  const line = (result: RouteFigures, verdict: string) =>
    console.log(
      `${result.label.padEnd(width)}  ${String(result.rows ?? '-').padStart(4)}${ms(result.run.p50)}${ms(result.run.p95)}` +
        `${ms(result.run.max)}  ${`${(result.run.p95 / baseline.run.p95).toFixed(2)}x`.padStart(8)}  ${verdict}`,
    );
  line(baseline, '(baseline)');
  for (const route of routes) line(route, route.run.p95 <= GOAL_P95_MS ? 'met' : 'NOT met');
  const missed = routes.filter((route) => route.run.p95 > GOAL_P95_MS);
  if (routes.length > 0)
    console.log(
      missed.length === 0
        ? `goal p95 ≤ ${GOAL_P95_MS} ms: met by all ${routes.length} audit routes measured`
        : `goal p95 ≤ ${GOAL_P95_MS} ms: NOT met by ${missed.map((route) => route.label).join(', ')}`,
    );
}

async function measureRoutes(lean: LeanClient, state: BenchState): Promise<void> {
  const [auditor, patient] = await Promise.all([
    login(state.auditor.email, state.auditor.password),
    login(state.patient.email, state.patient.password),
  ]);
  const asAuditor = bearer(auditor.accessToken);
  const accesses = `/api/v1/audit/accesses?limit=${PAGE_SIZE}`;
  console.log(`\naudit routes at page size ${PAGE_SIZE}: ${WARM_UP} requests to warm up, then ${REQUESTS} timed`);

  const results: RouteFigures[] = [];
  try {
    results.push(await timeJsonRoute(lean, 'GET /auth/me', '/api/v1/auth/me', asAuditor, false));
    results.push(await timeJsonRoute(lean, 'GET /audit/accesses', accesses, asAuditor));
    results.push(
      await timeJsonRoute(
        lean,
        'GET /audit/accesses?patientId=',
        `${accesses}&patientId=${state.patient.id}`,
        asAuditor,
      ),
    );
    results.push(
      await timeJsonRoute(lean, 'GET /audit/accesses?actorId=', `${accesses}&actorId=${state.doctor.id}`, asAuditor),
    );
    results.push(
      await timeJsonRoute(lean, 'GET /audit/accesses?outcome=refused', `${accesses}&outcome=refused`, asAuditor),
    );
    let cursor: string | null = null;
    for (let page = 1; page <= DEEP_PAGES; page += 1) {
      const route: string = cursor === null ? accesses : `${accesses}&cursor=${encodeURIComponent(cursor)}`;
      cursor = pageRows(route, await getJson(lean, route, asAuditor)).nextCursor;
      if (cursor === null) throw new Error(`GET /audit/accesses ended after ${page} pages: fewer rows than written`);
    }
    results.push(
      await timeJsonRoute(
        lean,
        `GET /audit/accesses, page ${DEEP_PAGES + 1} (cursor)`,
        `${accesses}&cursor=${encodeURIComponent(cursor as string)}`,
        asAuditor,
      ),
    );
    results.push(await timeCsvFirstPage(`GET /audit/accesses as CSV, first ${PAGE_SIZE} rows`, accesses, asAuditor));
    results.push(
      await timeJsonRoute(
        lean,
        'GET /audit/patients/{id}/events',
        `/api/v1/audit/patients/${state.patient.id}/events?limit=${PAGE_SIZE}`,
        asAuditor,
      ),
    );
    results.push(
      await timeJsonRoute(
        lean,
        'GET /audit/reports/{id}/history',
        `/api/v1/audit/reports/${state.reportId}/history?limit=${PAGE_SIZE}`,
        asAuditor,
      ),
    );
    results.push(
      await timeJsonRoute(
        lean,
        'GET /me/access-log (patient)',
        `/api/v1/me/access-log?limit=${PAGE_SIZE}`,
        bearer(patient.accessToken),
      ),
    );
  } finally {
    printTable(results);
  }

  // The whole export once, for scale (not a goal of the issue).
  const begin = Date.now();
  const exported = await readLines(
    '/api/v1/audit/accesses',
    { ...asAuditor, Accept: 'text/csv' },
    Number.POSITIVE_INFINITY,
    600_000,
  );
  const took = seconds(begin);
  console.log(
    `CSV export of every access the auditor sees: ${thousands(exported.lines - 1)} rows, ` +
      `${(exported.bytes / 2 ** 20).toFixed(1)} MiB in ${took.toFixed(1)} s (${((exported.lines - 1) / took).toFixed(0)} rows/s)`,
  );
}

// ---------------------------------------------------------------------------------------
// 3. Catch-up from an empty projection
// ---------------------------------------------------------------------------------------

/** The block of a database's `projection` checkpoint; null before it has one (or before its tables exist). */
async function projectionCheckpoint(database: DataSource): Promise<bigint | null> {
  try {
    const [row] = await database.query<Array<{ block: string | null }>>(
      "SELECT max(block_number)::text AS block FROM ledger_checkpoint WHERE reader = 'projection'",
    );
    return row === undefined || row.block === null ? null : BigInt(row.block);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return null; // undefined_table: migrations still running
    throw error;
  }
}

async function countEvents(database: DataSource, upToBlock?: bigint): Promise<number> {
  const [{ count }] = await database.query<Array<{ count: number }>>(
    upToBlock === undefined
      ? 'SELECT count(*)::int AS count FROM projection_events'
      : 'SELECT count(*)::int AS count FROM projection_events WHERE block_number <= $1',
    upToBlock === undefined ? [] : [upToBlock.toString()],
  );
  return count;
}

/** Stops the process gracefully, or kills it when it has not ended within 30 s. */
async function stopApi(api: ApiProcess): Promise<void> {
  const stopped = api.stop().then(() => true);
  if (!(await Promise.race([stopped, sleep(30_000).then(() => false)]))) await api.kill();
}

async function measureCatchUp(database: DataSource, gateway: Gateway, profile: NetworkProfile): Promise<void> {
  if (!existsSync(path.join(PROJECT_DIR, 'api', 'dist', 'main.js')))
    throw new Error('api/dist/main.js is missing: npm start builds the API');
  const height = await chainHeight(gateway, profile);
  // The running API's projection has handled every event up to its checkpoint: the scratch
  // one has caught up when it has reached that block with as many events. (Height − 1 itself
  // may hold no event for the projection: a block of invalid transactions only.)
  const target = await projectionCheckpoint(database);
  if (target === null) throw new Error("the running API's projection has no checkpoint");
  const expected = await countEvents(database, target);
  console.log(
    `\ncatch-up from an empty projection: one more API process on a scratch database\n` +
      `  chain height ${height}; target block ${target} (the running API's projection), ${thousands(expected)} events up to it`,
  );

  const scratch = await ScratchDatabase.create('bench_audit');
  const api = new ApiProcess(SCRATCH_API, spareApiPort(10));
  let projection: DataSource | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await stopApi(api);
      await projection?.destroy();
      await scratch.drop();
    })());
  const interrupted = () => {
    console.error('interrupted: stopping the scratch API and dropping its database');
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const begin = Date.now();
    await api.start({ DATABASE_URL: scratch.url, BOOTSTRAP_ADMINS: '' });
    const answeredAfter = seconds(begin);
    projection = await scratch.connect();
    let lastBlock: bigint | null = null;
    let lastMove = Date.now();
    let lastPrint = Date.now();
    for (;;) {
      if (api.pid === undefined) throw new Error(`the scratch API exited (see .run/logs/${SCRATCH_API}.log)`);
      const block = await projectionCheckpoint(projection);
      if (block !== null && block >= target && (await countEvents(projection, target)) >= expected) break;
      if (block !== lastBlock) [lastBlock, lastMove] = [block, Date.now()];
      if (Date.now() - lastMove > STALL_MS)
        throw new Error(
          `the scratch API's projection stopped at block ${block ?? 'none'} of ${target} for ${STALL_MS / 1000} s ` +
            `(see .run/logs/${SCRATCH_API}.log)`,
        );
      if (Date.now() - lastPrint >= 10_000) {
        const events = await countEvents(projection);
        console.log(`  block ${block ?? '-'} / ${target}, ${thousands(events)} events, ${seconds(begin).toFixed(0)} s`);
        lastPrint = Date.now();
      }
      await sleep(200);
    }
    const took = seconds(begin);
    const events = await countEvents(projection);
    const rate = events / took;
    console.log(
      `  the API answered after ${answeredAfter.toFixed(1)} s; its projection reached block ${target} after ${took.toFixed(1)} s`,
    );
    console.log(
      `  ${thousands(events)} events projected: ${rate.toFixed(0)} events/s from the process's start ` +
        `(${(events / (took - answeredAfter)).toFixed(0)} events/s from its first answer)`,
    );
    console.log(
      `  goal ≥ ${thousands(GOAL_EVENTS_PER_SECOND)} events/s: ${rate >= GOAL_EVENTS_PER_SECOND ? 'met' : 'NOT met'}`,
    );
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  printMachine();
  const health = await callApi('/api/v1/health').catch(() => undefined);
  if (health?.status !== 200) throw new Error(`the API at ${API_URL} does not answer: start the system with npm start`);
  adoptRunningSystemEnvironment();
  const profile = loadNetworkProfile();
  const clients = new PeerClients(profile);
  const database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL as string)).initialize();
  const lean = new LeanClient(API_URL, 2);
  try {
    let state: BenchState;
    if (options.skipSetup) {
      state = readState();
      console.log(
        `\n--skip-setup: reusing the ${thousands(state.receipts)} receipts and ${thousands(state.refusals)} refusals ` +
          `written at ${state.writtenAt}`,
      );
    } else {
      state = await setUp(options, profile, clients, database);
      writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      console.log(`  remembered in ${path.relative(PROJECT_DIR, STATE_FILE)} (for --skip-setup)`);
    }
    const observer = await apiUserOnLedger(database, profile, clients, state.doctor.id);
    try {
      await untilProjected(database, state);
      const checkpoint = await projectionCheckpoint(database);
      console.log(
        `  projection checkpoint at block ${checkpoint ?? '-'}; chain height ${await chainHeight(observer.gateway, profile)}`,
      );
      await measureRoutes(lean, state);
      await measureCatchUp(database, observer.gateway, profile);
    } finally {
      observer.close();
    }
  } finally {
    lean.close();
    await database.destroy();
    clients.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nbench:audit failed: ${explain(error)}`);
    process.exit(1);
  },
);
