/**
 * The web portal on the running system, in Debian's Chromium on loopback (issue 15):
 *
 * 1. The JavaScript shipped: every script response the sign-in page loads until it is
 *    usable, gzip-compressed (node:zlib, level 9) and summed; beside it every script of
 *    web/dist/assets (what the whole portal could ever load). Goal: ≤ 250 KiB gzipped for
 *    the first page.
 * 2. Time to a usable page, from navigation start (the page's performance time origin) to
 *    the first frame where:
 *    - sign-in page (/sign-in): the "Sign in" button is there and enabled;
 *    - patient page (/patients/:id, a signed-in doctor): the records table shows the
 *      patient's record (or the page says "No records").
 *    Each `--runs` times (after two unmeasured ones) with an empty browser cache (a new
 *    browser context: a first visit) and with a warm one (the same context again: hashed
 *    assets cached); p50/p95/max. Goal: ≤ 1 s.
 *
 * Setup (its own, through the API): a doctor of HospitalA created by the bootstrap admin, a
 * patient who registers, the doctor assigned to the patient's care, one report uploaded.
 *
 *   npm run bench:web [-- --runs 20]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient } from '../test/support/accounts.js';
import { API_URL, callApi } from '../test/support/api.js';
import { expectPortalServed, launchBrowser, VIEWPORTS } from '../test/support/browser.js';
import { PROJECT_DIR } from '../test/support/network-profile.js';

const GOAL_GZIP_KIB = 250;
const GOAL_USABLE_MS = 1_000;
const WARM_UP = 2;
const TIMEOUT_MS = 30_000;
const SCRIPTS_QUIET_MS = 1_000;
const ASSETS_DIR = path.join(PROJECT_DIR, 'web', 'dist', 'assets');

interface Options {
  runs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 20 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--runs') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`--runs takes a positive integer, not "${argv[i]}"`);
      options.runs = value;
    } else throw new Error(`unknown option ${flag} (known: --runs N)`);
  }
  return options;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzipped = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;

// ---------------------------------------------------------------------------------------
// "Usable": watched from inside the page
// ---------------------------------------------------------------------------------------

/**
 * The page's condition for "usable", evaluated in the page at every DOM change from the
 * very start: an init script, which the DevTools protocol runs before the portal's own
 * scripts (the portal's Content-Security-Policy does not apply to it). The first frame
 * after the condition holds is recorded as `__usableAt`, in ms since navigation start.
 * Plain JavaScript in a string: tsx would wrap a compiled function's inner functions in
 * helpers that do not exist in the page.
 */
type Usable = { kind: 'sign-in' } | { kind: 'patient'; recordTitle: string };

const usableWatcher = (usable: Usable) => `(() => {
  const usable = ${JSON.stringify(usable)};
  /** What shows that the page is usable, or null while nothing does. */
  const usableBy = () => {
    if (usable.kind === 'sign-in')
      return [...document.querySelectorAll('button')].some(
        (button) => button.textContent.trim() === 'Sign in' && !button.disabled,
      ) ? 'the enabled Sign in button' : null;
    if ([...document.querySelectorAll('main table')].some((table) => table.textContent.includes(usable.recordTitle)))
      return 'the records table';
    const main = document.querySelector('main');
    return main && main.textContent.includes('No records') ? '"No records"' : null;
  };
  let seen = false;
  const observer = new MutationObserver(() => {
    const by = seen ? null : usableBy();
    if (!by) return;
    seen = true;
    observer.disconnect();
    requestAnimationFrame(() => {
      window.__usableBy = by;
      window.__usableAt = performance.now();
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})();`;

/** What made the pages count as usable, over every load measured (e.g. 'the records table'). */
const usableBy = new Map<string, number>();

/** Loads `url` in the page (a full navigation) and returns ms from navigation start to usable. */
async function timeToUsable(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  const handle = await page.waitForFunction(
    () => {
      const { __usableAt: at, __usableBy: by } = globalThis as unknown as { __usableAt?: number; __usableBy?: string };
      return at === undefined ? undefined : { at, by: by ?? '' };
    },
    undefined,
    { timeout: TIMEOUT_MS, polling: 50 },
  );
  const { at, by } = (await handle.jsonValue()) as { at: number; by: string };
  usableBy.set(by, (usableBy.get(by) ?? 0) + 1);
  return at;
}

/** Prints what made the pages measured since the last call count as usable. */
function printUsableBy(): void {
  console.log(`    usable by: ${[...usableBy].map(([by, count]) => `${by} (${count}×)`).join(', ')}`);
  usableBy.clear();
}

interface Figures {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0, count: sorted.length };
}

function printFigures(label: string, samples: number[]): Figures {
  const run = figures(samples);
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(7);
  const verdict = run.p95 <= GOAL_USABLE_MS ? 'meets' : 'MISSES';
  console.log(
    `  ${label.padEnd(34)} p50 ${ms(run.p50)}  p95 ${ms(run.p95)}  max ${ms(run.max)}  (n=${run.count})  ` +
      `goal ≤ ${GOAL_USABLE_MS} ms: ${verdict}`,
  );
  return run;
}

async function newContext(browser: Browser, usable: Usable): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: API_URL, viewport: VIEWPORTS.desktop });
  await context.addInitScript({ content: usableWatcher(usable) });
  return context;
}

/**
 * `runs` (+ WARM_UP) loads of `url`: cold, each in a new context that `open` makes (an
 * empty cache); warm, all in one such context. `close` ends a context. Returns the samples.
 */
async function measurePage(
  url: string,
  runs: number,
  open: () => Promise<BrowserContext>,
  close: (context: BrowserContext) => Promise<void> = (context) => context.close(),
): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  for (let run = 0; run < runs + WARM_UP; run += 1) {
    const context = await open();
    try {
      const sample = await timeToUsable(await context.newPage(), url);
      if (run >= WARM_UP) cold.push(sample);
    } finally {
      await close(context);
    }
  }
  const warm: number[] = [];
  const context = await open();
  try {
    const page = await context.newPage();
    for (let run = 0; run < runs + WARM_UP; run += 1) {
      const sample = await timeToUsable(page, url);
      if (run >= WARM_UP) warm.push(sample);
    }
  } finally {
    await close(context);
  }
  return { cold, warm };
}

// ---------------------------------------------------------------------------------------
// 1. The JavaScript shipped
// ---------------------------------------------------------------------------------------

async function measureShippedJavaScript(browser: Browser): Promise<void> {
  console.log('\n1. JavaScript shipped');
  const context = await newContext(browser, { kind: 'sign-in' });
  const scripts = new Map<string, Promise<Buffer | undefined>>();
  let lastScriptAt = Date.now();
  context.on('request', (request) => {
    if (request.resourceType() === 'script') lastScriptAt = Date.now();
  });
  context.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (response.request().resourceType() === 'script' || /javascript/.test(type)) {
      lastScriptAt = Date.now();
      scripts.set(
        response.url(),
        response.body().catch(() => undefined),
      );
    }
  });
  try {
    const page = await context.newPage();
    await timeToUsable(page, '/sign-in');
    usableBy.clear();
    // Scripts the page fetches right after it is usable (lazy chunks, preloads) count too:
    // wait until none has been asked for or answered for a second. (Not 'networkidle': the
    // portal may leave an unread answer open until the page goes.)
    while (Date.now() - lastScriptAt < SCRIPTS_QUIET_MS) await page.waitForTimeout(100);
    let raw = 0;
    let compressed = 0;
    for (const [url, body] of scripts) {
      const bytes = await body;
      if (!bytes) throw new Error(`could not read the script ${url}`);
      raw += bytes.length;
      compressed += gzipped(bytes);
      console.log(
        `  ${new URL(url).pathname.padEnd(48)} ${kib(bytes.length).padStart(10)}  gzip ${kib(gzipped(bytes))}`,
      );
    }
    const verdict = compressed <= GOAL_GZIP_KIB * 1024 ? 'meets' : 'MISSES';
    console.log(
      `  first page (/sign-in): ${scripts.size} script(s), ${kib(raw)}, gzipped ${kib(compressed)}  ` +
        `goal ≤ ${GOAL_GZIP_KIB} KiB gzipped: ${verdict}`,
    );
  } finally {
    await context.close();
  }
  let files: string[] = [];
  try {
    files = readdirSync(ASSETS_DIR).filter((name) => name.endsWith('.js'));
  } catch {
    console.log(`  (no ${path.relative(PROJECT_DIR, ASSETS_DIR)}: build the portal with npm run build -w web)`);
    return;
  }
  let raw = 0;
  let compressed = 0;
  for (const name of files) {
    const bytes = readFileSync(path.join(ASSETS_DIR, name));
    raw += bytes.length;
    compressed += gzipped(bytes);
  }
  console.log(
    `  whole portal (${path.relative(PROJECT_DIR, ASSETS_DIR)}/*.js): ${files.length} file(s), ${kib(raw)}, gzipped ${kib(compressed)}`,
  );
}

// ---------------------------------------------------------------------------------------
// 2. Time to a usable page
// ---------------------------------------------------------------------------------------

interface PatientPageSetup {
  doctorEmail: string;
  doctorPassword: string;
  patientId: string;
  recordTitle: string;
}

async function setUp(): Promise<PatientPageSetup> {
  const begin = Date.now();
  console.log(
    '\nsetup: a doctor and a patient of HospitalA through the API, the doctor caring for the patient, one report',
  );
  const admin = await bootstrapAdmin('hospital-a');
  const [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient('hospital-a')]);
  const assigned = await callApi('/api/v1/admin/care-assignments', {
    method: 'POST',
    ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
  });
  if (assigned.status !== 201) throw new Error(`the care assignment answered ${assigned.status}: ${assigned.text}`);
  const recordTitle = `Blood panel ${randomUUID().slice(0, 8)}`;
  const form = new FormData();
  form.append('patientId', patient.id);
  form.append('type', 'lab');
  form.append('title', recordTitle);
  form.append('file', new Blob([randomBytes(4096)], { type: 'application/pdf' }), 'panel.pdf');
  const uploaded = await callApi('/api/v1/reports', {
    method: 'POST',
    body: form,
    headers: bearer(doctor.accessToken),
  });
  if (uploaded.status !== 201) throw new Error(`the report upload answered ${uploaded.status}: ${uploaded.text}`);
  console.log(`setup: done in ${((Date.now() - begin) / 1000).toFixed(1)} s`);
  return { doctorEmail: doctor.email, doctorPassword: doctor.password, patientId: patient.id, recordTitle };
}

/** Signs the doctor in through the portal once; the session (its refresh cookie) is what later contexts start from. */
async function signedInState(browser: Browser, setup: PatientPageSetup) {
  const context = await browser.newContext({ baseURL: API_URL, viewport: VIEWPORTS.desktop });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail', { exact: true }).fill(setup.doctorEmail);
    await page.getByLabel('Password', { exact: true }).fill(setup.doctorPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/sign-in', { timeout: TIMEOUT_MS });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

async function measureTimeToUsable(browser: Browser, options: Options, setup: PatientPageSetup): Promise<void> {
  console.log(
    `\n2. Time to a usable page (navigation start → usable), ${options.runs} runs each after ${WARM_UP} unmeasured`,
  );
  const signInPage = await measurePage('/sign-in', options.runs, () => newContext(browser, { kind: 'sign-in' }));
  printFigures('sign-in page, empty cache', signInPage.cold);
  printFigures('sign-in page, warm cache', signInPage.warm);
  printUsableBy();

  // Every load of the patient page starts from the refresh cookie (a reload, or a link
  // opened): the portal refreshes the session, then loads the patient's records. Each
  // refresh rotates the cookie, so each new context takes the one the last context left.
  let state = await signedInState(browser, setup);
  const patientPage = await measurePage(
    `/patients/${setup.patientId}`,
    options.runs,
    async () => {
      const context = await browser.newContext({ baseURL: API_URL, viewport: VIEWPORTS.desktop, storageState: state });
      await context.addInitScript({ content: usableWatcher({ kind: 'patient', recordTitle: setup.recordTitle }) });
      return context;
    },
    async (context) => {
      state = await context.storageState();
      await context.close();
    },
  );
  printFigures('patient page (doctor), empty cache', patientPage.cold);
  printFigures('patient page (doctor), warm cache', patientPage.warm);
  printUsableBy();
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  console.log('MedLedger web portal: JavaScript shipped, time to a usable page (Chromium, loopback)');
  console.log(
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown model'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}; Node ${process.version}`,
  );
  await expectPortalServed();
  const browser = await launchBrowser();
  try {
    console.log(
      `portal ${API_URL}; Chromium ${browser.version()} (${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'})`,
    );
    await measureShippedJavaScript(browser);
    const setup = await setUp();
    await measureTimeToUsable(browser, options, setup);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
