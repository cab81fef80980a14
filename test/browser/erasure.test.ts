/**
 * Erasure as the patient asks, in Chromium against the running system: the patient reads
 * what erasure does, must confirm they understand, and asks; an admin of their hospital
 * finds the request on their erasure page and confirms it (after a confirmation step that
 * can be cancelled); the patient sees it confirmed with the time it takes effect, and
 * cancels it. Every page passes axe-core and is kept as a screenshot at desktop and tablet
 * size.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { registerPatient, type SignedIn } from '../support/accounts.js';
import { bootstrapAdminCredentials } from '../support/browser-accounts.js';
import {
  checkAccessibility,
  closeUserPages,
  expectNoBrowserProblems,
  expectNoBrowserStorage,
  expectPortalServed,
  launchBrowser,
  newUserPage,
  screenshot,
  signIn,
  VIEWPORT_NAMES,
  VIEWPORTS,
} from '../support/browser.js';

/** Axe at both sizes (no serious or critical violation) and a screenshot at each; back to desktop after. */
async function checkPage(page: Page, role: string, name: string): Promise<void> {
  for (const viewport of VIEWPORT_NAMES) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await checkAccessibility(page, `${role} ${name} (${viewport})`);
    await screenshot(page, role, name, viewport);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Follows a link of the main navigation (no reload: the session stays in memory). */
async function navigate(page: Page, label: string, path: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}

describe('erasure as the patient asks, in Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];
  const patientName = `Orla Finchley ${randomUUID().slice(0, 6)}`;
  let patient: SignedIn;

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    patient = await registerPatient('hospital-a', patientName);
  });

  afterEach(() => closeUserPages(pages));

  afterAll(async () => {
    await browser?.close();
  });

  it('the patient asks after confirming they understand, an admin confirms, the patient cancels within the delay', async () => {
    const patientPage = await newUserPage(browser);
    pages.push(patientPage);
    await signIn(patientPage, patient.email, patient.password);
    await navigate(patientPage, 'Erase my records', '/erasure');
    await patientPage.getByRole('heading', { level: 1, name: 'Erase my records' }).waitFor();
    await patientPage.getByRole('heading', { name: 'What erasure does' }).waitFor();
    expect(await patientPage.getByRole('main').innerText()).toMatch(/Nobody can open them any more/);
    await checkPage(patientPage, 'patient', 'erasure');

    // The confirmation step: asking without saying one understands is refused beside the box.
    const ask = patientPage.getByRole('button', { name: 'Ask for erasure', exact: true });
    await ask.click();
    const understood = patientPage.getByRole('checkbox', { name: /I understand that my records will be erased/ });
    expect(await understood.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await understood.getAttribute('aria-describedby')) ?? '';
    expect(await patientPage.locator(`[id="${describedBy}"]`).innerText()).toMatch(/Tick the box/);
    await checkAccessibility(patientPage, 'patient erasure without confirmation');

    await understood.check();
    const asked = patientPage.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/v1/me/erasure-request' && response.request().method() === 'POST',
    );
    await ask.click();
    expect((await asked).status()).toBe(202);
    await patientPage.getByText('Your erasure request was sent.').waitFor();
    await patientPage.getByText('Waiting for your hospital', { exact: true }).waitFor();
    await checkPage(patientPage, 'patient', 'erasure-requested');

    // The admin of the patient's hospital finds it and confirms it, after a step that can be cancelled.
    const admin = bootstrapAdminCredentials('hospital-a');
    const adminPage = await newUserPage(browser);
    pages.push(adminPage);
    await signIn(adminPage, admin.email, admin.password);
    await navigate(adminPage, 'Erasure requests', '/admin/erasure-requests');
    await adminPage.getByRole('heading', { level: 1, name: 'Erasure requests' }).waitFor();
    const row = adminPage.getByRole('row', { name: new RegExp(patientName) });
    await row.getByText('Waiting for confirmation', { exact: true }).waitFor();
    await checkPage(adminPage, 'admin', 'erasure-requests');

    const confirmButton = adminPage.getByRole('button', { name: `Confirm the erasure of ${patientName}` });
    await confirmButton.click();
    const dialog = adminPage.getByRole('dialog', { name: `Confirm the erasure of ${patientName}?` });
    await dialog.waitFor();
    await checkAccessibility(adminPage, 'admin erasure confirmation');
    await screenshot(adminPage, 'admin', 'erasure-confirmation', 'desktop');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Waiting for confirmation', { exact: true }).waitFor();

    await confirmButton.click();
    await dialog.getByRole('button', { name: 'Confirm erasure' }).click();
    await adminPage.getByText(`The erasure request of ${patientName} is confirmed.`).waitFor();
    await row.getByText('Confirmed: waiting period', { exact: true }).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await checkAccessibility(adminPage, 'admin erasure requests after confirming');

    // The patient sees it confirmed, with when it takes effect, and cancels it.
    await patientPage.reload();
    await patientPage.getByText('Confirmed: waiting period', { exact: true }).waitFor();
    const takesEffect = patientPage
      .locator('dt', { hasText: 'Takes effect' })
      .locator('xpath=following-sibling::dd[1]');
    expect(await takesEffect.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await checkPage(patientPage, 'patient', 'erasure-confirmed');
    const cancelled = patientPage.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/v1/me/erasure-request' && response.request().method() === 'DELETE',
    );
    await patientPage.getByRole('button', { name: 'Cancel my erasure request' }).click();
    expect((await cancelled).status()).toBe(204);
    await patientPage.getByText('Your erasure request is cancelled.').waitFor();
    await patientPage.getByRole('button', { name: 'Ask for erasure', exact: true }).waitFor();
    await checkAccessibility(patientPage, 'patient erasure after cancelling');

    // It no longer waits at the hospital.
    await adminPage.reload();
    await adminPage.getByRole('heading', { level: 1, name: 'Erasure requests' }).waitFor();
    await adminPage
      .getByRole('table')
      .or(adminPage.getByText('No patient of hospital-a is waiting for an erasure.'))
      .first()
      .waitFor();
    expect(await row.count()).toBe(0);

    for (const page of [patientPage, adminPage]) {
      await expectNoBrowserStorage(page);
      expectNoBrowserProblems(page);
    }
  });
});
