import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { API_URL, callApi } from '../support/api.js';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
} from '../support/accounts.js';
import { spareLoopbackAddress } from '../support/from-address.js';
import { PROJECT_DIR } from '../support/network-profile.js';
import { uploadReport } from '../support/uploads.js';
import { type ContractRun, type ContractRunResult, runSchemathesis } from './schemathesis-runs.js';

/*
 * The OpenAPI document is the whole contract: schemathesis (pinned, installed from PyPI by
 * scripts/schemathesis.sh) generates requests from /api/docs-json, valid and invalid ones,
 * sends them to the running API and checks every answer against the document with all of
 * its checks: no 5xx, only declared statuses, content types and headers, answers that match
 * their schemas, invalid input refused and valid input accepted, a 405 with Allow for a
 * method a path does not have, authentication enforced, and, in its stateful phase, links
 * between operations. One run without a token for the public operations, then one per
 * role with an account of that role the suite creates (see STAFF_EXCLUDED). Existing ids of the role's world (a patient in a doctor's care, a report, a
 * pending request, a grant, an emergency…) are offered now and then, so that requests reach
 * real records too; the operations that write to the ledger get fewer examples.
 */

/** Examples per operation and phase; with the coverage phase's, over 10 000 test cases in all. */
const MAX_EXAMPLES = Number(process.env.CONTRACT_MAX_EXAMPLES ?? 30);
const MIN_TEST_CASES = 10_000;

/** One run after another; the admin's last: it may suspend accounts and confirm erasures that the others use. */
const RUN_ORDER = ['public', 'doctor', 'auditor', 'patient', 'admin'] as const;

/**
 * Staff sign in with a TOTP code besides the password, and the API takes a code once: a run
 * that ended its own session could not sign in again without waiting for the clock. So a
 * staff run uses the access token the suite got and leaves out the two operations that end
 * the caller's own session; the patient run, which signs in again at every 401, has both.
 */
const STAFF_EXCLUDED = [
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    reason: 'ends the session of the run (staff sign in with a TOTP code, once a time step); run by the patient run',
  },
  {
    method: 'DELETE',
    path: '/api/v1/auth/sessions/{id}',
    reason:
      'can end the session of the run (its id is in GET /auth/sessions); run by the patient run, which signs in again',
  },
];
const asStaff = (account: SignedIn) => ({ auth: { token: account.accessToken }, excluded: STAFF_EXCLUDED });

const post = (caller: SignedIn, route: string, body: unknown) =>
  callApi(`/api/v1${route}`, { method: 'POST', ...jsonBody(body, bearer(caller.accessToken)) });
const get = (caller: SignedIn, route: string) => callApi(`/api/v1${route}`, { headers: bearer(caller.accessToken) });

function created(response: { status: number; text: string }, what: string): void {
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`the contract suite could not create ${what}: ${response.status} ${response.text}`);
  }
}

/** The ids of a list answer. */
const idsOf = (body: unknown) => ((body as { items?: Array<{ id: string }> }).items ?? []).map((item) => item.id);

/** One more session of an account: an id its owner may end (DELETE /auth/sessions/{id}). */
async function anotherSession(account: SignedIn): Promise<string> {
  const again = await login(account.email, account.password);
  const sessions = (await get(again, '/auth/sessions')).body as { items: Array<{ id: string; current: boolean }> };
  return sessions.items.find((session) => session.current)!.id;
}

describe('the OpenAPI contract, fuzzed by schemathesis', () => {
  let executable: string;
  let workDir: string;
  const runs = new Map<string, ContractRun>();
  const results: ContractRunResult[] = [];

  beforeAll(async () => {
    // npm test installed it (scripts/medledger.sh); run alone, the suite installs it itself.
    executable =
      process.env.SCHEMATHESIS_PATH ??
      execFileSync('bash', [path.join(PROJECT_DIR, 'scripts', 'schemathesis.sh'), 'ensure'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim();
    // Each run's configuration, output and JSON report stay there for a look after the suite.
    workDir = path.join(PROJECT_DIR, 'test-artifacts', 'schemathesis');
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });

    // One account of each role at hospital-a. The admin is the hospital's first admin: the
    // only one the admin run cannot suspend (an admin never suspends themself), and the one
    // every other suite signs in with.
    const admin = await bootstrapAdmin('hospital-a');
    const doctor = await createStaff(admin, 'doctor');
    const auditor = await createStaff(admin, 'auditor');
    const patient = await registerPatient('hospital-a', `Contract Patient ${randomUUID().slice(0, 6)}`);
    // An account the admin run may suspend and reactivate.
    const staff = await createStaff(admin, 'auditor');

    // The patient in the doctor's care, a report, a pending request, a grant and an emergency.
    const assignment = await post(admin, '/admin/care-assignments', { patientId: patient.id, doctorId: doctor.id });
    created(assignment, 'a care assignment');
    const report = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'lab', title: 'Contract suite report' },
      { bytes: Buffer.from('contract suite content\n'), name: 'contract.txt', contentType: 'text/plain' },
    );
    created(report, 'a report');
    const reportId = (report.body as { id: string }).id;
    const request = await post(doctor, '/access-requests', {
      patientId: patient.id,
      reason: 'Follow-up of the contract suite',
    });
    created(request, 'an access request');
    const grant = await post(patient, '/grants', { doctorId: doctor.id, durationDays: 7 });
    created(grant, 'a grant');
    const emergency = await post(doctor, '/emergency-access', {
      patientId: patient.id,
      justification: 'Contract suite: unconscious on arrival, no history at hand',
    });
    created(emergency, 'an emergency access');
    const notifications = idsOf((await get(patient, '/notifications')).body);

    const common = {
      patients: [patient.id],
      doctors: [doctor.id],
      reports: [reportId],
      requests: [(request.body as { id: string }).id],
      grants: [(grant.body as { id: string }).id],
    };
    runs.set('public', { name: 'public', operations: 'public', fixtures: {} });
    runs.set('doctor', {
      name: 'doctor',
      ...asStaff(doctor),
      operations: 'signed-in',
      fixtures: common,
    });
    runs.set('auditor', {
      name: 'auditor',
      ...asStaff(auditor),
      operations: 'signed-in',
      fixtures: {
        ...common,
        emergencies: [(emergency.body as { id: string }).id],
      },
    });
    runs.set('patient', {
      name: 'patient',
      auth: { login: { email: patient.email, password: patient.password } },
      excluded: [
        {
          method: 'POST',
          path: '/api/v1/auth/password',
          reason:
            'wrong current passwords delay the sign-ins of the run’s account (the sign-in throttle), and this run signs in again after each logout; run by the staff runs',
        },
      ],
      operations: 'signed-in',
      fixtures: { ...common, notifications, sessions: [await anotherSession(patient)] },
    });
    runs.set('admin', {
      name: 'admin',
      ...asStaff(admin),
      operations: 'signed-in',
      fixtures: {
        ...common,
        staff: [staff.id],
        'care-assignments': [(assignment.body as { id: string }).id],
      },
    });
  }, 300_000);

  it(
    `generates at least ${MIN_TEST_CASES} test cases over every operation, with every check: no failure, no error`,
    async () => {
      const hooksDir = path.join(PROJECT_DIR, 'test', 'contract');
      // Schemathesis calls from a loopback address of its own (medledger_hooks.py): the budgets
      // it spends and the sign-ins it fails count against no other suite.
      const sourceAddress = spareLoopbackAddress();
      const started = Date.now();
      for (const name of RUN_ORDER) {
        const result = await runSchemathesis(executable, runs.get(name)!, {
          apiUrl: API_URL,
          workDir,
          maxExamples: MAX_EXAMPLES,
          hooksDir,
          sourceAddress,
        });
        results.push(result);
        console.log(
          `schemathesis run "${name}": ${result.generated} test cases in ${result.seconds.toFixed(0)} s\n${result.summary}`,
        );
      }
      const total = results.reduce((sum, result) => sum + result.generated, 0);
      console.log(
        `schemathesis: ${total} test cases in ${((Date.now() - started) / 1000).toFixed(0)} s, ` +
          results.map((result) => `${result.name} ${result.generated}`).join(', '),
      );
      for (const result of results) {
        expect({ run: result.name, failures: result.failures, errors: result.errors }).toEqual({
          run: result.name,
          failures: [],
          errors: [],
        });
        expect({ run: result.name, exitCode: result.exitCode }).toEqual({ run: result.name, exitCode: 0 });
      }
      expect(total).toBeGreaterThanOrEqual(MIN_TEST_CASES);
    },
    30 * 60_000,
  );
});
