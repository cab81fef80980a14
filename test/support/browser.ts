/**
 * The browser suites' (test/browser) and `npm run bench:web`'s way into the web portal:
 * Debian's Chromium (scripts/chromium.sh; CHROMIUM_PATH, which `npm test` exports) driven
 * by playwright-core against the portal that the running API serves at `/`.
 *
 * Every user gets a page of their own browser context (own cookies, empty storage, empty
 * HTTP cache), at one of the two sizes the portal must work at (VIEWPORTS). What goes wrong
 * in a context (console errors, uncaught exceptions, failed requests, 5xx answers) is
 * collected, for expectNoBrowserProblems.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Cookie,
  type Page,
  type Response as PageResponse,
} from 'playwright-core';
import { login } from './accounts.js';
import { API_URL } from './api.js';
import { PROJECT_DIR } from './network-profile.js';
import { knownSecondFactor, nextTotpCode, rememberSecondFactor } from './second-factor.js';

/** Chromium's flags on these machines: headless, no sandbox (root), nothing that calls out. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The sizes the portal must be usable at (issue 15): a desktop and a tablet held upright. */
export const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  tablet: { width: 768, height: 1024 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;
export const VIEWPORT_NAMES = Object.keys(VIEWPORTS) as ViewportName[];

/** Where screenshots go: an artefact folder that git ignores (test-artifacts/). */
export const SCREENSHOT_DIR = path.join(PROJECT_DIR, 'test-artifacts', 'screenshots');

/** How long an action or expectation waits before failing: the portal answers in well under a second. */
const ACTION_TIMEOUT_MS = 20_000;

/**
 * Starts Chromium. Playwright gives every launch a fresh temporary profile (deleted on
 * close), so no state survives from one run to the next.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
  } catch (error) {
    throw new Error(
      `Chromium (${executablePath}) did not start: run 'bash scripts/chromium.sh ensure' (npm test does) ` +
        `or set CHROMIUM_PATH.\n${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Fails clearly, before any browser test, when the API does not serve a built portal
 * (an HTML page that loads the build's scripts from /assets/).
 */
export async function expectPortalServed(): Promise<void> {
  let found: string;
  try {
    const response = await fetch(`${API_URL}/sign-in`, { signal: AbortSignal.timeout(10_000) });
    const html = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (response.status === 200 && type.startsWith('text/html') && /<script[^>]+src="\/assets\/[^"]+\.js"/.test(html))
      return;
    found = `${response.status} ${type}${/<title>([^<]*)</.exec(html)?.[1] ? `, "${/<title>([^<]*)</.exec(html)?.[1]}"` : ''}`;
  } catch (error) {
    found = error instanceof Error ? error.message : String(error);
  }
  throw new Error(
    `the API at ${API_URL} does not serve the built web portal (GET /sign-in: ${found}): ` +
      'build it with `npm run build -w web` and (re)start the system with `npm start`',
  );
}

// ---------------------------------------------------------------------------------------
// Pages and what goes wrong in them
// ---------------------------------------------------------------------------------------

/** What went wrong in a browser context since it opened (or since the last clearBrowserProblems). */
export interface BrowserProblems {
  /** console.error messages and CSP violations (not Chromium's "Failed to load resource" lines: see httpErrors). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  pageErrors: string[];
  /** Requests that got no answer (connection refused, CSP-blocked, aborted...). */
  failedRequests: string[];
  /** Answers with status 500 or more (a 4xx is the portal's business: a wrong password, a refused access). */
  serverErrors: string[];
}

const problemsByContext = new WeakMap<BrowserContext, BrowserProblems>();

const emptyProblems = (): BrowserProblems => ({
  consoleErrors: [],
  pageErrors: [],
  failedRequests: [],
  serverErrors: [],
});

/** Chromium's own console line for every 4xx/5xx answer: the answers themselves are tracked instead. */
const RESOURCE_STATUS_LINE = /^Failed to load resource: the server responded with a status of \d+/;

function watch(context: BrowserContext, problems: BrowserProblems): void {
  const watchPage = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && !RESOURCE_STATUS_LINE.test(message.text()))
        problems.consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(`${page.url()}: ${error.stack ?? error.message}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('requestfailed', (request) =>
    problems.failedRequests.push(
      `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'} (${request.resourceType()})`,
    ),
  );
  context.on('response', (response) => {
    if (response.status() >= 500)
      problems.serverErrors.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
  });
}

/**
 * A fresh browser context (a user of their own: no cookies, no storage, empty cache) at
 * the portal's address, and a page in it. `page.goto('/sign-in')` goes to the portal.
 */
export async function newUserPage(
  browser: Browser,
  { viewport = 'desktop', baseURL = API_URL }: { viewport?: ViewportName; baseURL?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: VIEWPORTS[viewport],
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  const problems = emptyProblems();
  problemsByContext.set(context, problems);
  watch(context, problems);
  return context.newPage();
}

/** What went wrong in the page's browser context so far. */
export function browserProblems(page: Page): BrowserProblems {
  const problems = problemsByContext.get(page.context());
  if (!problems) throw new Error('browserProblems: the page was not opened with newUserPage');
  return problems;
}

/** Forgets what went wrong so far (after a step that fails on purpose, such as a stopped component). */
export function clearBrowserProblems(page: Page): void {
  const problems = browserProblems(page);
  for (const list of Object.values(problems) as string[][]) list.length = 0;
}

/**
 * Requests the page itself gave up on: a navigation or reload cuts short what was in
 * flight. (The user sees nothing of it; a request that really failed has another error.)
 */
export const ABORTED_BY_NAVIGATION = /: net::ERR_ABORTED \(/;

/**
 * Asserts that nothing went wrong in the page's context: no console error, no uncaught
 * exception, no failed request (except those cut short by a navigation), no 5xx. `allow`
 * lists patterns of further expected entries.
 */
export function expectNoBrowserProblems(page: Page, allow: RegExp[] = []): void {
  allow = [ABORTED_BY_NAVIGATION, ...allow];
  const problems = browserProblems(page);
  const unexpected = Object.fromEntries(
    Object.entries(problems).map(([kind, entries]: [string, string[]]) => [
      kind,
      entries.filter((entry) => !allow.some((pattern) => pattern.test(entry))),
    ]),
  );
  expect(unexpected).toEqual(emptyProblems());
}

/** The problems of the page's context (not requests cut short by a navigation), readable, or '' when there are none. */
export function describeBrowserProblems(page: Page): string {
  const problems = problemsByContext.get(page.context());
  if (!problems) return '';
  return Object.entries(problems)
    .map(([kind, entries]: [string, string[]]) => [kind, entries.filter((entry) => !ABORTED_BY_NAVIGATION.test(entry))])
    .filter(([, entries]) => entries.length > 0)
    .map(([kind, entries]) => `${kind}:\n${(entries as string[]).map((entry) => `  ${entry}`).join('\n')}`)
    .join('\n');
}

/**
 * Closes the pages' browser contexts (and empties the list), first printing what went
 * wrong in each: when a step times out, the page's own errors usually say why.
 */
export async function closeUserPages(pages: Page[]): Promise<void> {
  await Promise.all(
    pages.splice(0).map(async (page) => {
      const problems = describeBrowserProblems(page);
      if (problems) console.warn(`browser problems (last at ${page.url()}):\n${problems}`);
      await page.context().close();
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------

/**
 * Signs in through the portal's sign-in page and waits until the portal has left it.
 * When the portal asks for the second factor, types the next TOTP code of `totpSecret`
 * (by default the secret test/support/accounts.ts enrolled for the account). A staff
 * member who has no second factor yet is enrolled through the API first (as the suites'
 * accounts are). Fails with the portal's error notice when the sign-in is refused.
 */
export async function signIn(page: Page, email: string, password: string, totpSecret?: string): Promise<void> {
  if (totpSecret && knownSecondFactor(email) !== totpSecret) rememberSecondFactor(email, totpSecret);
  await page.goto('/sign-in');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  let outcome = await signInOutcome(page, true);
  if (outcome === 'code') {
    if (!knownSecondFactor(email))
      throw new Error(
        `signing in as ${email}: the portal asks for a code, and no TOTP secret is known for the account`,
      );
    await page.getByLabel('Authentication code', { exact: true }).fill(await nextTotpCode(email));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    outcome = await signInOutcome(page, false);
  }
  if (outcome === 'enrolment') {
    // Enrolling through the API ends this enrolment-only session; then sign in again with a code.
    await login(email, password);
    return signIn(page, email, password);
  }
  if (outcome !== 'signed in')
    throw new Error(
      `signing in as ${email} failed: ${outcome === 'refused' ? (await signInRefusal(page).innerText()).trim() : `still at ${page.url()}`}`,
    );
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
}

/** The portal's error notice on the sign-in page (it names its request ID). */
const signInRefusal = (page: Page) => page.getByRole('alert').filter({ hasText: 'Request ID' }).first();

/**
 * What a sign-in step led to: the portal left the sign-in page (into the enrolment of a
 * second factor, or signed in), asks for a code (after the password step), or shows why not.
 */
async function signInOutcome(
  page: Page,
  passwordStep: boolean,
): Promise<'signed in' | 'enrolment' | 'code' | 'refused' | 'stayed'> {
  const codeAsked = page.getByLabel('Authentication code', { exact: true });
  const outcome = await Promise.race([
    page
      .waitForURL((url) => url.pathname !== '/sign-in')
      .then(
        (): 'enrolment' | 'signed in' =>
          new URL(page.url()).pathname === '/second-factor' ? 'enrolment' : 'signed in',
        () => 'stayed' as const,
      ),
    passwordStep
      ? codeAsked.waitFor({ state: 'visible' }).then(
          () => 'code' as const,
          () => 'stayed' as const,
        )
      : new Promise<never>(() => undefined),
    signInRefusal(page)
      .waitFor({ state: 'visible' })
      .then(
        () => 'refused' as const,
        () => 'stayed' as const,
      ),
  ]);
  return outcome;
}

/**
 * The next answer to a request for `pathname` (e.g. '/api/v1/auth/login'): call it before
 * the action that sends the request, await it after. (When the action fails first, the
 * waiting ends with the page without an unhandled rejection.)
 */
export function nextResponse(page: Page, pathname: string): Promise<PageResponse> {
  const answer = page.waitForResponse((response) => new URL(response.url()).pathname === pathname);
  answer.catch(() => undefined);
  return answer;
}

/**
 * Every cookie the page's browser context holds (the portal's refresh cookie is limited to
 * the refresh route's path, so a filter by the portal's address would not list it).
 */
export async function portalCookies(page: Page): Promise<Cookie[]> {
  return page.context().cookies();
}

// ---------------------------------------------------------------------------------------
// Storage, accessibility, screenshots
// ---------------------------------------------------------------------------------------

interface StorageContents {
  localStorage: string[];
  sessionStorage: string[];
  indexedDB: string[];
  cacheStorage: string[];
}

/** The names of everything the page's origin keeps in browser storage. */
export async function browserStorage(page: Page): Promise<StorageContents> {
  // Runs in the page: the browser's globals, typed here by hand (the suites compile without the DOM library).
  return page.evaluate(async () => {
    const scope = globalThis as unknown as {
      localStorage: { length: number; key(index: number): string | null };
      sessionStorage: { length: number; key(index: number): string | null };
      indexedDB: { databases(): Promise<Array<{ name?: string }>> };
      caches?: { keys(): Promise<string[]> };
    };
    const keys = (storage: { length: number; key(index: number): string | null }) =>
      Array.from({ length: storage.length }, (_, index) => storage.key(index) ?? '');
    return {
      localStorage: keys(scope.localStorage),
      sessionStorage: keys(scope.sessionStorage),
      indexedDB: (await scope.indexedDB.databases()).map((database) => database.name ?? '(unnamed)'),
      // The Cache API exists in secure contexts only; loopback is one.
      cacheStorage: scope.caches ? await scope.caches.keys() : [],
    };
  });
}

/** Asserts that the portal keeps nothing in localStorage, sessionStorage, IndexedDB or the Cache API. */
export async function expectNoBrowserStorage(page: Page): Promise<void> {
  expect(await browserStorage(page)).toEqual({ localStorage: [], sessionStorage: [], indexedDB: [], cacheStorage: [] });
}

/** The WCAG 2.0, 2.1 and 2.2 success criteria of levels A and AA, as axe-core tags them. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  tags: string[];
  nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
}

let axeSource: string | undefined;
const loadAxeSource = () =>
  (axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/** Readable lines for violations: rule, impact, help and each offending element with what to fix. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((violation) =>
      [
        `[${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help} (${violation.helpUrl})`,
        ...violation.nodes.flatMap((node) => [
          `    at ${node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(', ')}`,
          `       ${node.html.length > 200 ? `${node.html.slice(0, 200)}…` : node.html}`,
          ...(node.failureSummary ?? '')
            .split('\n')
            .filter(Boolean)
            .map((line) => `       ${line.trim()}`),
        ]),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Runs axe-core on the page as it is now (WCAG 2.0/2.1/2.2, A and AA) and fails, listing
 * them readably, when there is a serious or critical violation. Returns every violation
 * (minor and moderate ones too). The source is evaluated through the DevTools protocol:
 * the portal's Content-Security-Policy forbids inline script tags.
 */
export async function checkAccessibility(page: Page, label: string): Promise<AxeViolation[]> {
  const installed = await page.evaluate(() => 'axe' in globalThis);
  if (!installed) await page.evaluate(loadAxeSource());
  const violations = await page.evaluate(
    async (tags) => {
      const { axe } = globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      };
      const document = (globalThis as unknown as { document: unknown }).document;
      const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return results.violations.map(({ id, impact, help, helpUrl, tags: ruleTags, nodes }) => ({
        id,
        impact,
        help,
        helpUrl,
        tags: ruleTags,
        nodes: nodes.map(({ target, html, failureSummary }) => ({ target, html, failureSummary })),
      }));
    },
    [...WCAG_TAGS],
  );
  const blocking = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (blocking.length > 0)
    throw new Error(
      `${label} (${page.url()}): ${blocking.length} serious or critical accessibility violation(s):\n` +
        formatViolations(blocking),
    );
  return violations;
}

const fileNamePart = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'page';

/**
 * Saves a full-page screenshot as test-artifacts/screenshots/<role>/<page>.<viewport>.png
 * and returns its path.
 */
export async function screenshot(
  page: Page,
  role: string,
  pageName: string,
  viewportName: ViewportName,
): Promise<string> {
  const directory = path.join(SCREENSHOT_DIR, fileNamePart(role));
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${fileNamePart(pageName)}.${viewportName}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  return file;
}
