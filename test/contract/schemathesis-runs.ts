import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inlineTable, toToml, type TomlTable, type TomlValue } from './toml.js';

/** What one schemathesis run is: who signs in, which operations, with which existing ids. */
export interface ContractRun {
  /** Its name in the output: `public`, or the role whose token it uses. */
  name: string;
  /**
   * How schemathesis authenticates: by signing in (POST /auth/login) with the password, again
   * whenever it gets a 401 (an account without a second factor); or with an access token the
   * suite got (staff, who sign in with a TOTP code as well).
   */
  auth?: { login: { email: string; password: string } } | { token: string };
  /** Operations left out of this run, each with the reason (written into its configuration too). */
  excluded?: Array<{ method: string; path: string; reason: string }>;
  /** The operations of the run: `public` ones (no token) or the others. */
  operations: 'public' | 'signed-in';
  /** Existing ids, by dictionary name, offered now and then where an operation takes one. */
  fixtures: Record<string, string[]>;
}

/** The outcome of a run, from its JSON report. */
export interface ContractRunResult {
  name: string;
  generated: number;
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: unknown[];
  exitCode: number;
  seconds: number;
  /** The CLI's closing summary (from its SUMMARY line), for the test output. */
  summary: string;
  /** Where the CLI's whole output is. */
  logFile: string;
}

/** Where an operation's document says it needs the bearer token (`security: [{ bearer: [] }]`). */
const NEEDS_TOKEN = '/security/0/bearer';

/**
 * How often a fixture id replaces a generated one. Most requests still carry generated ids
 * (unknown: 404), so that the suite does not pile records on the ledger; the fixtures make
 * some of them reach real records, whose answers are checked against the document too.
 */
const FIXTURE_PROBABILITY = 0.3;

/**
 * Operations that write to the ledger (or to the channel configuration) when they succeed:
 * fewer examples, so that a run adds a bounded number of records (each of these may also
 * hit a fixture). Suspending and reactivating a user (PATCH /admin/users/{id}) updates the
 * channel configuration with a new revocation list: the fewest.
 */
const LEDGER_WRITES: Array<{ method: string; path: string; maxExamples: number; fixture?: string }> = [
  { method: 'POST', path: '/api/v1/auth/register', maxExamples: 25 },
  { method: 'POST', path: '/api/v1/admin/users', maxExamples: 25 },
  { method: 'PATCH', path: '/api/v1/admin/users/{id}', maxExamples: 12, fixture: 'staff' },
  { method: 'POST', path: '/api/v1/auth/me/ledger-check', maxExamples: 5 },
  { method: 'POST', path: '/api/v1/reports', maxExamples: 25 },
  { method: 'POST', path: '/api/v1/access-requests', maxExamples: 25 },
  { method: 'POST', path: '/api/v1/access-requests/{id}/approve', maxExamples: 25, fixture: 'requests' },
  { method: 'POST', path: '/api/v1/access-requests/{id}/deny', maxExamples: 25, fixture: 'requests' },
  { method: 'DELETE', path: '/api/v1/access-requests/{id}', maxExamples: 25, fixture: 'requests' },
  { method: 'POST', path: '/api/v1/grants', maxExamples: 25 },
  { method: 'DELETE', path: '/api/v1/grants/{id}', maxExamples: 25, fixture: 'grants' },
  { method: 'POST', path: '/api/v1/emergency-access', maxExamples: 25 },
  { method: 'POST', path: '/api/v1/audit/emergencies/{id}/review', maxExamples: 25, fixture: 'emergencies' },
  { method: 'POST', path: '/api/v1/admin/care-assignments', maxExamples: 25 },
  { method: 'DELETE', path: '/api/v1/admin/care-assignments/{id}', maxExamples: 25, fixture: 'care-assignments' },
  { method: 'POST', path: '/api/v1/admin/erasure-requests/{id}/confirm', maxExamples: 25 },
];

/** Which fixture ids a path's `{id}` takes, for the reads. */
const ID_FIXTURES: Array<{ path: string; fixture: string }> = [
  { path: '/api/v1/patients/{id}', fixture: 'patients' },
  { path: '/api/v1/patients/{id}/doctors', fixture: 'patients' },
  { path: '/api/v1/audit/patients/{id}/events', fixture: 'patients' },
  { path: '/api/v1/reports/{id}', fixture: 'reports' },
  { path: '/api/v1/reports/{id}/content', fixture: 'reports' },
  { path: '/api/v1/reports/{id}/verify', fixture: 'reports' },
  { path: '/api/v1/audit/reports/{id}/history', fixture: 'reports' },
  { path: '/api/v1/notifications/{id}/read', fixture: 'notifications' },
  { path: '/api/v1/auth/sessions/{id}', fixture: 'sessions' },
];

/** Query parameters that name a patient, a doctor or a report: fixture ids now and then. */
const QUERY_FIXTURES: Record<string, string> = {
  'query.patientId': 'patients',
  'query.doctorId': 'doctors',
  'query.actorId': 'doctors',
};

/**
 * Body fields that name a patient or a doctor (every operation's). Not the items of
 * `reportIds`: a fixture drawn for two items would make a list with a duplicate, which the
 * schema's `uniqueItems` forbids while schemathesis takes it as valid.
 */
const BODY_FIXTURES: Record<string, string> = {
  'body.patientId': 'patients',
  'body.doctorId': 'doctors',
};

const binding = (dictionary: string, probability = FIXTURE_PROBABILITY) => inlineTable({ dictionary, probability });

/**
 * The schemathesis.toml of a run. Every check of schemathesis is on (`--checks all` on the
 * command line); nothing is excluded. The number of examples is set so that the five runs
 * generate well over 10 000 test cases together.
 */
export function contractConfig(run: ContractRun, options: { apiUrl: string; reportDir: string; maxExamples: number }) {
  const dictionaries: TomlTable = {};
  for (const [name, values] of Object.entries(run.fixtures)) {
    if (values.length > 0) dictionaries[name] = { values };
  }
  const known = (name: string) => (run.fixtures[name]?.length ?? 0) > 0;
  const parameters: Record<string, TomlValue> = {};
  for (const [parameter, dictionary] of Object.entries({ ...QUERY_FIXTURES, ...BODY_FIXTURES })) {
    if (known(dictionary)) parameters[parameter] = binding(dictionary);
  }
  const operations: TomlTable[] = [];
  for (const write of LEDGER_WRITES) {
    // By its label ("POST /api/v1/reports"): an entry's include-path and include-method would
    // each match on their own (every POST), not together.
    operations.push({
      'include-name': `${write.method} ${write.path}`,
      generation: { 'max-examples': write.maxExamples },
      ...(write.fixture && known(write.fixture) ? { parameters: { 'path.id': binding(write.fixture) } } : {}),
    });
  }
  for (const { path: idPath, fixture } of ID_FIXTURES) {
    if (!known(fixture)) continue;
    operations.push({ 'include-path': idPath, parameters: { 'path.id': binding(fixture) } });
  }
  for (const left of run.excluded ?? []) {
    operations.unshift({ 'include-name': `${left.method} ${left.path}`, enabled: false });
  }
  const config: TomlTable = {
    'base-url': options.apiUrl,
    workers: 4,
    'continue-on-failure': true,
    'request-timeout': 60,
    // Generated examples are not kept between runs (each run starts afresh, like CI).
    generation: { 'max-examples': options.maxExamples, database: 'none' },
    cache: { enabled: false },
    hooks: 'medledger_hooks',
    reports: { directory: options.reportDir, json: { enabled: true } },
    phases: {
      examples: { enabled: true },
      coverage: { enabled: true },
      fuzzing: { enabled: true },
      stateful: { enabled: true, 'max-steps': 6 },
    },
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    ...(Object.keys(dictionaries).length > 0 ? { dictionaries } : {}),
    operations,
  };
  // Signed in as the run's account, never as one schemathesis would sign up itself.
  config.auth = { 'auto-signup': false };
  if (run.auth && 'login' in run.auth) {
    config.auth = {
      'auto-signup': false,
      dynamic: {
        openapi: {
          bearer: {
            path: '/api/v1/auth/login',
            method: 'post',
            payload: inlineTable({ email: run.auth.login.email, password: run.auth.login.password }),
            extract_selector: '/accessToken',
          },
        },
      },
    };
  } else if (run.auth && 'token' in run.auth) {
    config.auth = { 'auto-signup': false, openapi: { bearer: { bearer: run.auth.token } } };
  }
  return toToml(config, [
    `The schemathesis run "${run.name}" of test/contract/schemathesis.test.ts (written by the suite).`,
    ...(run.excluded ?? []).map((left) => `Left out: ${left.method} ${left.path}: ${left.reason}`),
  ]);
}

/** Runs schemathesis once; its output goes to `logFile`, its summary and report come back. */
export async function runSchemathesis(
  executable: string,
  run: ContractRun,
  options: { apiUrl: string; workDir: string; maxExamples: number; hooksDir: string; sourceAddress: string },
): Promise<ContractRunResult> {
  const runDir = path.join(options.workDir, run.name);
  const reportDir = path.join(runDir, 'report');
  await mkdir(reportDir, { recursive: true });
  const configFile = path.join(runDir, 'schemathesis.toml');
  await writeFile(
    configFile,
    contractConfig(run, { apiUrl: options.apiUrl, reportDir, maxExamples: options.maxExamples }),
    { mode: 0o600 },
  );
  // The public operations are those the document gives no security: the others need a token.
  const filter = run.operations === 'public' ? '--exclude-by' : '--include-by';
  const args = [
    '--config-file',
    configFile,
    '--no-color',
    'run',
    `${options.apiUrl}/api/docs-json`,
    '--url',
    options.apiUrl,
    '--checks',
    'all',
    filter,
    `${NEEDS_TOKEN} == []`,
  ];
  const logFile = path.join(runDir, 'output.txt');
  const started = Date.now();
  const output = await new Promise<{ text: string; exitCode: number }>((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd: runDir,
      env: {
        ...process.env,
        PYTHONPATH: options.hooksDir,
        MEDLEDGER_CONTRACT_SOURCE_ADDRESS: options.sourceAddress,
        PYTHONDONTWRITEBYTECODE: '1',
        NO_COLOR: '1',
        COLUMNS: '120',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ text: Buffer.concat(chunks).toString('utf8'), exitCode: code ?? -1 }));
  });
  await writeFile(logFile, output.text);
  const reportFile = (await readdir(reportDir)).find((name) => name.startsWith('json-'));
  if (!reportFile)
    throw new Error(`schemathesis wrote no JSON report (exit ${output.exitCode}):\n${output.text.slice(-4000)}`);
  const report = JSON.parse(await readFile(path.join(reportDir, reportFile), 'utf8')) as {
    test_cases: { generated: number };
    failures: ContractRunResult['failures'];
    errors: unknown[];
  };
  const summaryAt = output.text.lastIndexOf('SUMMARY');
  return {
    name: run.name,
    generated: report.test_cases.generated,
    failures: report.failures,
    errors: report.errors,
    exitCode: output.exitCode,
    seconds: (Date.now() - started) / 1000,
    summary:
      summaryAt >= 0 ? output.text.slice(output.text.lastIndexOf('\n', summaryAt) + 1) : output.text.slice(-3000),
    logFile,
  };
}
