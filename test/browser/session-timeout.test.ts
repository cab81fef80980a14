/**
 * Automatic logoff in the portal, on an API whose sessions end after 60 s without activity
 * (the shortest the API allows): the portal announces the end at least 20 seconds ahead,
 * "Stay signed in" keeps the session (the API still answers the same session afterwards),
 * and with no answer the portal signs out by itself, ends the session at the API and says
 * why; a reload then stays signed out. Tabs share the session: a sign-out in one ends it in all.
 */
import type { Browser, Page } from 'playwright-core';
import { registerPatient, type SignedIn } from '../support/accounts.js';
import { ApiProcess } from '../support/api-process.js';
import {
  closeUserPages,
  expectNoBrowserProblems,
  expectNoBrowserStorage,
  expectPortalServed,
  launchBrowser,
  newUserPage,
  portalCookies,
  signIn,
} from '../support/browser.js';

const IDLE_TIMEOUT_SECONDS = 60;

describe('the idle timeout in the portal', () => {
  const api = new ApiProcess('api-idle-timeout', 3008);
  let browser: Browser;
  let patient: SignedIn;
  let page: Page;
  const pages: Page[] = [];

  beforeAll(async () => {
    await expectPortalServed();
    await api.start({ SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_TIMEOUT_SECONDS) });
    browser = await launchBrowser();
    patient = await registerPatient('hospital-a');
    page = await newUserPage(browser, { baseURL: api.url });
    pages.push(page);
  });

  afterAll(async () => {
    await closeUserPages(pages);
    await browser?.close();
    await api.stop();
  });

  /** The seconds the warning announces, read from its text. */
  const announcedSeconds = async () => {
    const text = await page.getByRole('alertdialog', { name: 'Are you still there?' }).innerText();
    const seconds = /signed out in (\d+) seconds/.exec(text)?.[1];
    if (!seconds) throw new Error(`no countdown in the warning: ${text}`);
    return Number(seconds);
  };

  it('warns at least 20 seconds ahead, and "Stay signed in" keeps the session', async () => {
    await signIn(page, patient.email, patient.password);
    const signedInAt = Date.now();
    const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await warning.waitFor({ timeout: IDLE_TIMEOUT_SECONDS * 1000 });
    const shownAfter = (Date.now() - signedInAt) / 1000;
    expect(await announcedSeconds()).toBeGreaterThanOrEqual(20);
    expect(shownAfter).toBeLessThanOrEqual(IDLE_TIMEOUT_SECONDS - 20);
    // The button to stay has the focus: Enter is enough.
    expect(
      await page
        .getByRole('button', { name: 'Stay signed in' })
        .evaluate((button) => button.ownerDocument.activeElement === button),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'hidden' });

    // Past the point where the API would have ended the session without that answer (the
    // warning is up again by then): staying works, so the session at the API is the same.
    await page.waitForTimeout(Math.max(0, signedInAt + (IDLE_TIMEOUT_SECONDS + 5) * 1000 - Date.now()));
    await warning.waitFor();
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await warning.waitFor({ state: 'hidden' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/notifications');
    await expectNoBrowserStorage(page);
  }, 180_000);

  it('signs out by itself when nobody answers, ends the session at the API, and a reload stays signed out', async () => {
    const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await warning.waitFor({ timeout: IDLE_TIMEOUT_SECONDS * 1000 });
    const loggedOut = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/auth/logout', {
      timeout: 40_000,
    });
    await page.getByRole('heading', { level: 1, name: 'Sign in to MedLedger' }).waitFor({ timeout: 40_000 });
    expect((await loggedOut).status()).toBe(204);
    expect(await page.getByRole('status').innerText()).toContain(
      'You were signed out after a minute without activity.',
    );
    expect(await portalCookies(page)).toEqual([]);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in to MedLedger' }).waitFor();
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page, [/net::ERR_ABORTED/]);
  }, 180_000);

  it('keeps one session across tabs: a sign-out in one tab signs the others out', async () => {
    await signIn(page, patient.email, patient.password);
    const other = await page.context().newPage();
    await other.goto('/notifications');
    await other.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to MedLedger' }).waitFor();
    await other.getByRole('heading', { level: 1, name: 'Sign in to MedLedger' }).waitFor();
    expect(await other.getByRole('status').innerText()).toContain('You signed out in another tab.');
    await other.close();
  });
});
