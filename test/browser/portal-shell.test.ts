/**
 * The portal's shell in Chromium against the running system: the public pages (sign-in,
 * register), the session as a user expects it (sign in, a reload keeps it, sign out ends
 * it for good), nothing in browser storage, the refresh token in an HttpOnly cookie only.
 */
import type { Browser, Page } from 'playwright-core';
import { registerPatient } from '../support/accounts.js';
import { bootstrapAdminCredentials } from '../support/browser-accounts.js';
import {
  checkAccessibility,
  closeUserPages,
  expectNoBrowserProblems,
  expectNoBrowserStorage,
  expectPortalServed,
  launchBrowser,
  newUserPage,
  nextResponse,
  portalCookies,
  screenshot,
  signIn,
  VIEWPORT_NAMES,
  VIEWPORTS,
} from '../support/browser.js';

const REFRESH_COOKIE = 'medledger_refresh';
const pathname = (page: Page) => new URL(page.url()).pathname;

describe('the web portal’s shell in Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];
  const open = async (viewport: (typeof VIEWPORT_NAMES)[number] = 'desktop') => {
    const page = await newUserPage(browser, { viewport });
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
  });

  afterEach(() => closeUserPages(pages));

  afterAll(async () => {
    await browser?.close();
  });

  /** Waits until the sign-in form is there and usable (the portal first tries to restore a session). */
  const signInForm = async (page: Page) => {
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    await button.waitFor({ state: 'visible' });
    expect(await button.isEnabled()).toBe(true);
    expect(await page.getByLabel('E-mail', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    expect(pathname(page)).toBe('/sign-in');
  };

  /** One `<h1>`, and the content in a `<main>` landmark (the design's landmarks, public pages too). */
  const expectOnePageStructure = async (page: Page) => {
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
  };

  describe.each(VIEWPORT_NAMES)('at %s size', (viewport) => {
    it('shows an accessible sign-in page under a Content-Security-Policy without inline scripts', async () => {
      const page = await open(viewport);
      const response = await page.goto('/sign-in');
      expect(response?.status()).toBe(200);
      const policy = response?.headers()['content-security-policy'] ?? '';
      const scriptSources = /(?:^|;)\s*script-src([^;]*)/.exec(policy)?.[1] ?? /default-src([^;]*)/.exec(policy)?.[1];
      expect(scriptSources).toBeDefined();
      expect(scriptSources).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
      await signInForm(page);
      await expectOnePageStructure(page);
      await checkAccessibility(page, `sign-in page (${viewport})`);
      await screenshot(page, 'public', 'sign-in', viewport);
      await expectNoBrowserStorage(page);
      expectNoBrowserProblems(page);
    });

    it('shows an accessible patient registration page', async () => {
      const page = await open(viewport);
      await page.goto('/register');
      await page.getByLabel('Full name', { exact: true }).waitFor({ state: 'visible' });
      for (const label of ['Date of birth', 'E-mail', 'Password'])
        expect(await page.getByLabel(label, { exact: true }).isVisible()).toBe(true);
      await expectOnePageStructure(page);
      // The hospitals come from the API: wait until the form offers them.
      await page.locator('select option').first().waitFor({ state: 'attached' });
      expect(await page.getByRole('button', { name: 'Create account', exact: true }).isEnabled()).toBe(true);
      await checkAccessibility(page, `register page (${viewport})`);
      await screenshot(page, 'public', 'register', viewport);
      await expectNoBrowserStorage(page);
      expectNoBrowserProblems(page);
    });
  });

  it('answers a wrong password with a readable error that quotes the request ID', async () => {
    const patient = await registerPatient('hospital-a');
    const page = await open();
    await page.goto('/sign-in');
    await signInForm(page);
    await page.getByLabel('E-mail', { exact: true }).fill(patient.email);
    await page.getByLabel('Password', { exact: true }).fill(`${patient.password}-wrong`);
    const answered = nextResponse(page, '/api/v1/auth/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const response = await answered;
    expect(response.status()).toBe(401);
    const requestId = response.headers()['x-request-id'];
    expect(requestId).toBeTruthy();

    const alert = page.getByRole('alert').filter({ hasText: 'Request ID' });
    await alert.waitFor({ state: 'visible' });
    const text = (await alert.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Request ID: ${requestId}`);
    expect(text).toContain('INVALID_CREDENTIALS');
    // A sentence for a person, not the API's JSON.
    expect(text).toMatch(/[A-Z][a-z]+ [^{}"]+\./);
    expect(text).not.toMatch(/[{}]|"statusCode"/);
    expect(pathname(page)).toBe('/sign-in');
    await checkAccessibility(page, 'sign-in page with an error');
    await screenshot(page, 'public', 'sign-in-error', 'desktop');
    expectNoBrowserProblems(page);
  });

  it('signs an admin in, keeps the session over a reload, and signs out for good', async () => {
    const admin = bootstrapAdminCredentials('hospital-a');
    const page = await open();
    const loginAnswer = nextResponse(page, '/api/v1/auth/login');
    await signIn(page, admin.email, admin.password);
    // The refresh token travels only as a cookie: not in the answer, not readable by scripts.
    const login = await loginAnswer;
    expect(login.status()).toBe(200);
    expect(await login.json()).not.toHaveProperty('refreshToken');
    const home = pathname(page);
    expect(home).toMatch(/^\/admin\//);
    await expectOnePageStructure(page);

    const cookies = await portalCookies(page);
    expect(cookies.map((cookie) => cookie.name)).toEqual([REFRESH_COOKIE]);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth/refresh' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe(
      '',
    );
    await expectNoBrowserStorage(page);
    for (const viewport of VIEWPORT_NAMES) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      await screenshot(page, 'admin', 'home', viewport);
    }
    await page.setViewportSize(VIEWPORTS.desktop);

    // A reload restores the session from the cookie, on the same page.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ state: 'visible' });
    expect(pathname(page)).toBe(home);
    await expectNoBrowserStorage(page);

    // Sign-out ends the session at the API and clears the cookie.
    const logoutAnswer = nextResponse(page, '/api/v1/auth/logout');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    expect((await logoutAnswer).status()).toBeLessThan(300);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInForm(page);
    expect((await portalCookies(page)).map((cookie) => cookie.name)).not.toContain(REFRESH_COOKIE);

    // A reload, or the admin's page opened again, stays signed out.
    await page.reload();
    await signInForm(page);
    await page.goto(home);
    await signInForm(page);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });
});
