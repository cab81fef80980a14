/**
 * The admin's pages in Chromium against the running system: the hospital's users (create
 * a doctor, suspend, reactivate, each confirmed first), care teams (find a patient and a
 * doctor, assign, end) and the system status; every page checked with axe and shot at
 * desktop and tablet size.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { callApi } from '../support/api.js';
import {
  activateFromOutbox,
  bearer,
  bootstrapAdmin,
  login,
  registerPatient,
  strongPassword,
  type SignedIn,
} from '../support/accounts.js';
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
import { eventually } from '../support/services.js';

const pathname = (page: Page) => new URL(page.url()).pathname;

/** Axe at both sizes (no serious or critical violation) and a screenshot at each; back to desktop after. */
async function checkPage(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORT_NAMES) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await checkAccessibility(page, `admin ${name} (${viewport})`);
    await screenshot(page, 'admin', name, viewport);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Follows a link of the main navigation (no reload: the session stays in memory). */
async function navigate(page: Page, label: string, path: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}

describe('the admin’s pages in Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];
  const suffix = randomUUID().slice(0, 6);
  const doctorName = `Dr Wren Okafor ${suffix}`;
  const doctorEmail = `wren.okafor.${suffix}@medledger.test`;
  const doctorPassword = strongPassword();
  const patientName = `Tamsin Quarrie${suffix}`;
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

  it('creates a doctor, suspends and reactivates them, puts them in a patient’s care team and ends it', async () => {
    const admin = bootstrapAdminCredentials('hospital-a');
    const page = await newUserPage(browser);
    pages.push(page);
    await signIn(page, admin.email, admin.password);
    expect(pathname(page)).toBe('/admin/users');
    await page.getByRole('table').first().waitFor({ state: 'visible' });
    await checkPage(page, 'users');

    // The form says what is missing beside each field, tied to it for assistive technology.
    await page.getByRole('link', { name: 'Create a staff account' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users/new');
    await checkPage(page, 'new-user');
    await page.getByRole('button', { name: 'Create account' }).click();
    const fullName = page.getByLabel('Full name', { exact: true });
    expect(await fullName.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await fullName.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText()).toMatch(/full name/i);
    expect(await page.getByLabel('Licence number', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await checkAccessibility(page, 'admin new-user with errors');

    await fullName.fill(doctorName);
    await page.getByLabel('E-mail', { exact: true }).fill(doctorEmail);
    await page.getByLabel('Role', { exact: true }).selectOption('doctor');
    await page.getByLabel('Licence number', { exact: true }).fill(`MD-${suffix}`);
    // No password: the doctor chooses their own from the activation e-mail.
    expect(await page.getByLabel(/password/i).count()).toBe(0);
    const created = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/v1/admin/users' && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create account' }).click();
    const doctorId = ((await (await created).json()) as { id: string }).id;

    // Back at the users, found by the new e-mail address: pending until the doctor activates.
    await page.waitForURL((url) => url.pathname === '/admin/users' && url.searchParams.get('query') === doctorEmail);
    await page.getByText(`Account created for ${doctorName} (doctor).`).waitFor();
    const row = page.getByRole('row', { name: new RegExp(doctorName) });
    await row.getByText('Pending activation', { exact: true }).waitFor();
    expect(await row.innerText()).toContain(`MD-${suffix}`);
    await page.getByRole('button', { name: `Resend activation to ${doctorName}` }).click();
    await page.getByText(/A new activation e-mail is on its way/).waitFor();
    await checkAccessibility(page, 'admin users with a pending account');
    await screenshot(page, 'admin', 'users-pending', 'desktop');
    // The doctor activates (the link read from the outbox: test/support/accounts.ts).
    await activateFromOutbox(await bootstrapAdmin('hospital-a'), doctorId, doctorPassword);
    await page.reload();
    await row.getByText('Active', { exact: true }).waitFor();
    const doctor = await login(doctorEmail, doctorPassword);

    // Suspending asks first; Cancel changes nothing.
    await page.getByRole('button', { name: `Suspend ${doctorName}` }).click();
    let dialog = page.getByRole('dialog', { name: `Suspend ${doctorName}?` });
    await dialog.waitFor();
    await checkAccessibility(page, 'admin suspend confirmation');
    await screenshot(page, 'admin', 'suspend-confirmation', 'desktop');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await row.getByText('Active', { exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: `Suspend ${doctorName}` }).click();
    await dialog.getByRole('button', { name: 'Suspend account' }).click();
    await page.getByText(`${doctorName} is suspended`).waitFor();
    await row.getByText('Suspended', { exact: true }).waitFor();
    // The doctor noticed: their session ended and they cannot sign in.
    expect((await callApi('/api/v1/auth/me', { headers: bearer(doctor.accessToken) })).status).toBe(401);
    await expect(login(doctorEmail, doctorPassword)).rejects.toThrow(/login of .* failed/);

    await page.getByRole('button', { name: `Reactivate ${doctorName}` }).click();
    dialog = page.getByRole('dialog', { name: `Reactivate ${doctorName}?` });
    await dialog.getByRole('button', { name: 'Reactivate account' }).click();
    await page.getByText(`${doctorName} is active again`).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    const reactivated = await login(doctorEmail, doctorPassword);

    // Care teams: find the patient and the doctor by part of their names, assign, see it listed.
    await navigate(page, 'Care teams', '/admin/care');
    await page.getByRole('heading', { name: 'Care assignments of hospital-a' }).waitFor();
    await page.getByLabel('Find a patient', { exact: true }).fill(`quarrie${suffix}`);
    await page.getByRole('radio', { name: new RegExp(patientName) }).check();
    await page.getByLabel('Find a doctor', { exact: true }).fill(`okafor ${suffix}`);
    await page.getByRole('radio', { name: new RegExp(doctorName) }).check();
    await checkPage(page, 'care');
    expect((await callApi(`/api/v1/patients/${patient.id}`, { headers: bearer(reactivated.accessToken) })).status).toBe(
      404,
    );
    await page.getByRole('button', { name: 'Assign doctor' }).click();
    await page.getByText(`${doctorName} is now in the care team of ${patientName}.`).waitFor();
    const proof = page.getByRole('region', { name: 'Recorded on the ledger' });
    expect(await proof.innerText()).toMatch(/Transaction\s+[0-9a-f]{64}/);
    const assignment = page.getByRole('row', { name: new RegExp(`${patientName}.*${doctorName}`) });
    await assignment.getByText('Running').waitFor();
    // The care assignment opens the patient to the doctor.
    expect((await callApi(`/api/v1/patients/${patient.id}`, { headers: bearer(reactivated.accessToken) })).status).toBe(
      200,
    );
    await checkAccessibility(page, 'admin care after assigning');

    await assignment.getByRole('button', { name: `End the care of ${patientName} by ${doctorName}` }).click();
    dialog = page.getByRole('dialog', { name: 'End this care assignment?' });
    await dialog.getByRole('button', { name: 'End assignment' }).click();
    await page.getByText(`${doctorName} is no longer in the care team of ${patientName}.`).waitFor();
    await page.getByLabel('Show', { exact: true }).selectOption('ended');
    await page.getByRole('row', { name: new RegExp(`${patientName}.*${doctorName}`) }).waitFor();
    expect((await callApi(`/api/v1/patients/${patient.id}`, { headers: bearer(reactivated.accessToken) })).status).toBe(
      404,
    );

    await navigate(page, 'System status', '/system');
    await page.getByRole('table', { name: /Peers of channel/ }).waitFor();
    await checkPage(page, 'system-status');

    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });

  it('shows an API refusal on the form as a readable error with its request ID', async () => {
    const admin = bootstrapAdminCredentials('hospital-a');
    const page = await newUserPage(browser, { viewport: 'tablet' });
    pages.push(page);
    await signIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Create a staff account' }).click();
    await page.getByLabel('Full name', { exact: true }).fill(`Dup ${suffix}`);
    // The e-mail of an existing account: the API refuses it.
    await page.getByLabel('E-mail', { exact: true }).fill(patient.email);
    await page.getByLabel('Role', { exact: true }).selectOption('auditor');
    const answered = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/v1/admin/users' && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create account' }).click();
    const response = await answered;
    expect(response.status()).toBe(409);
    const alert = page.getByRole('alert').filter({ hasText: 'Request ID' });
    await alert.waitFor();
    const text = (await alert.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Request ID: ${response.headers()['x-request-id']}`);
    expect(text).toContain('EMAIL_TAKEN');
    expect(pathname(page)).toBe('/admin/users/new');
    // The field it concerns says so too, and has the focus.
    const email = page.getByLabel('E-mail', { exact: true });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await eventually(
      () => email.evaluate((element) => element === element.ownerDocument.activeElement),
      5_000,
      'the e-mail field focused',
    );
    await checkAccessibility(page, 'admin new-user refused');
    await screenshot(page, 'admin', 'new-user-refused', 'tablet');
    // Nothing was created.
    const search = await callApi(`/api/v1/admin/users/search?query=${encodeURIComponent(`Dup ${suffix}`)}`, {
      headers: bearer((await login(admin.email, admin.password)).accessToken),
    });
    expect((search.body as { items: unknown[] }).items).toEqual([]);
    expectNoBrowserProblems(page);
  });
});
