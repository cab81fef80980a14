/**
 * The patient's portal in Chromium against the running system: a patient registers through
 * the portal, adds a PDF of their own (marked as added by the patient), approves a doctor's
 * request (naming the doctor and their hospital) for one chosen record and a chosen duration,
 * sees the grant with its expiry, revokes it, and reads in the access log the doctor's
 * opening and the refusal after the revocation; a request for one record is approved for all
 * of them, later ones included. Every patient page passes axe-core (no serious or critical violation) and is
 * kept as a screenshot at desktop and tablet size.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  bearer,
  bootstrapAdmin,
  createStaff,
  jsonBody,
  login,
  type SignedIn,
  strongPassword,
  uniqueEmail,
} from '../support/accounts.js';
import { callApi } from '../support/api.js';
import {
  checkAccessibility,
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
import { openReport, uploadReport } from '../support/uploads.js';

/** A small valid PDF: one empty page. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const pathname = (page: Page) => new URL(page.url()).pathname;
const nav = (page: Page, name: string | RegExp) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: typeof name === 'string' });

interface GrantBody {
  id: string;
  reportIds: string[] | null;
  expiresAt: string;
  status: string;
  grantee: { kind: string; id: string };
}

interface AccessRequestBody {
  id: string;
}

describe('the patient’s pages in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let doctor: SignedIn;
  let doctorName: string;
  let patient: SignedIn;
  const fullName = `Ada Patient ${randomUUID().slice(0, 6)}`;
  const pdfTitle = `Prescription from an outside clinic ${randomUUID().slice(0, 4)}`;
  const billTitle = 'Pharmacy bill';
  let pdfId: string;
  let billId: string;
  let grant: GrantBody;
  let receiptTxId: string;

  /** The doctor asks the patient for access to all of their records (through the API). */
  const requestAccess = async (reason: string): Promise<AccessRequestBody> => {
    const response = await callApi('/api/v1/access-requests', {
      method: 'POST',
      ...jsonBody(
        { patientId: patient.id, reason, purposeOfUse: 'TREAT', durationDays: 30 },
        bearer(doctor.accessToken),
      ),
    });
    expect(response.status).toBe(201);
    return response.body as AccessRequestBody;
  };

  /** The row of a table whose cells contain all the texts. */
  const row = (table: Locator, ...texts: string[]) =>
    texts.reduce((rows, text) => rows.filter({ hasText: text }), table.getByRole('row'));

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    doctor = await createStaff(await bootstrapAdmin('hospital-b'), 'doctor');
    const me = await callApi('/api/v1/auth/me', { headers: bearer(doctor.accessToken) });
    doctorName = (me.body as { fullName: string }).fullName;
    page = await newUserPage(browser, { viewport: 'desktop' });
  });

  afterAll(async () => {
    await page?.context().close();
    await browser?.close();
  });

  it('registers a patient through the portal’s register page, who lands on their records', async () => {
    const email = uniqueEmail('patient');
    const password = strongPassword();
    await page.goto('/register');
    await page.getByLabel('Full name', { exact: true }).fill(fullName);
    await page.getByLabel('Date of birth', { exact: true }).fill('1984-03-21');
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Your hospital', { exact: true }).selectOption('hospital-a');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    // The same answer whether or not the address had an account; then the patient signs in.
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signIn(page, email, password);

    await page.waitForURL((url) => url.pathname === '/records');
    await page.getByRole('heading', { level: 1, name: 'My records' }).waitFor();
    await page.getByText('You have no records yet.').waitFor();
    // The patient's navigation, home first.
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
    expect(links.slice(0, 4)).toEqual(['My records', 'Access requests', 'My grants', 'Access log']);
    patient = await login(email, password);
    await expectNoBrowserStorage(page);
  });

  it('uploads a PDF with the progress bar and sees it marked as added by the patient', async () => {
    await page.getByRole('link', { name: 'Add a record', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/records/upload');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'prescription.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByLabel('Type of record', { exact: true }).selectOption('prescription');
    await page.getByLabel('Title', { exact: true }).fill(pdfTitle);
    const uploaded = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/api/v1/reports' && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const answer = await uploaded;
    expect(answer.status()).toBe(201);
    const report = (await answer.json()) as { id: string; authorRole: string; patientId: string };
    expect(report).toMatchObject({ patientId: patient.id, authorRole: 'patient' });
    pdfId = report.id;
    await page.getByRole('heading', { name: 'Recorded on the ledger' }).waitFor();
    expect(await page.getByLabel('Upload progress').getAttribute('value')).toBe('100');

    // A second record of theirs (through the API), so that approving can choose between them.
    const bill = await uploadReport(
      patient,
      { patientId: patient.id, type: 'bill', title: billTitle },
      { bytes: PDF, name: 'bill.pdf' },
    );
    expect(bill.status).toBe(201);
    billId = (bill.body as { id: string }).id;

    await nav(page, 'My records').click();
    const records = page.getByRole('table', { name: 'Your records' });
    await row(records, pdfTitle).waitFor();
    const pdfRow = row(records, pdfTitle);
    expect(await pdfRow.innerText()).toContain('Added by the patient');
    expect(await pdfRow.getByRole('link', { name: pdfTitle }).getAttribute('href')).toBe(`/reports/${pdfId}`);
    await row(records, billTitle).waitFor();
    expectNoBrowserProblems(page);
  });

  it('approves a doctor’s request for one chosen record and a chosen duration', async () => {
    await requestAccess('Follow-up after your visit to our emergency department');
    // The notification leads to the requests page.
    await page.reload();
    await nav(page, /^Notifications/).click();
    await page.getByRole('link', { name: 'Open' }).first().click();
    await page.waitForURL((url) => url.pathname === '/requests');

    const card = page.getByRole('listitem').filter({ hasText: 'Follow-up after your visit' });
    await card.waitFor();
    const details = await card.innerText();
    expect(details).toContain('All your records');
    expect(details).toContain('30 days');
    expect(details).toContain('Treatment');
    expect(details).toContain(doctor.id);
    // Who asks, by name and hospital (from the request itself).
    expect(details).toContain(doctorName);
    expect(details).toContain('Hospital B');

    await card.getByRole('button', { name: 'Approve…' }).click();
    const form = card.getByRole('form', { name: /Approve the request/ });
    await form.getByLabel('Only the records I tick below').check();
    const choices = form.getByRole('group', { name: 'Choose records' });
    await choices.getByLabel(pdfTitle, { exact: false }).check();
    expect(await choices.getByLabel(billTitle, { exact: false }).isChecked()).toBe(false);
    await form.getByLabel('Duration', { exact: true }).fill('2');
    await form.getByLabel('Unit', { exact: true }).selectOption('days');
    const approved = page.waitForResponse((response) => /\/approve$/.test(new URL(response.url()).pathname));
    await form.getByRole('button', { name: 'Approve and share' }).click();
    const answer = await approved;
    expect(answer.status()).toBe(201);
    grant = (await answer.json()) as GrantBody;
    expect(grant.reportIds).toEqual([pdfId]);
    expect(grant.grantee).toEqual({ kind: 'doctor', id: doctor.id });
    const days = (Date.parse(grant.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(1.9);
    expect(days).toBeLessThanOrEqual(2);

    const confirmation = page.getByRole('status').filter({ hasText: 'You approved the request' });
    await confirmation.waitFor();
    expect(await confirmation.innerText()).toContain('1 record');
    // The request is no longer waiting.
    await page.getByText('No request is waiting for your answer.').waitFor();
    expectNoBrowserProblems(page);
  });

  it('shows the grant with its expiry, and the doctor can open that record only', async () => {
    await nav(page, 'My grants').click();
    const grants = page.getByRole('table', { name: /Grants you have given/ });
    const grantRow = row(grants, pdfTitle, 'Active');
    await grantRow.waitFor();
    expect(await grantRow.innerText()).toMatch(/\(doctor\)/);
    expect(await grantRow.innerText()).toContain(doctorName);
    expect(await grantRow.innerText()).toContain('Hospital B');
    expect(await grantRow.innerText()).toContain('Expires');
    expect(await grantRow.locator(`time[datetime="${grant.expiresAt}"]`).count()).toBe(1);

    const opened = await openReport(doctor, pdfId);
    expect(opened.status).toBe(200);
    receiptTxId = opened.headers.get('x-access-receipt-tx-id') ?? '';
    expect(receiptTxId).not.toBe('');
    expect((await openReport(doctor, billId)).status).toBe(403);
  });

  it('revokes the grant after a confirmation step, and the doctor is refused from then on', async () => {
    const grants = page.getByRole('table', { name: /Grants you have given/ });
    await row(grants, pdfTitle, 'Active').getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this grant?' });
    await dialog.waitFor();
    // Nothing happens before the confirmation.
    expect(
      ((await callApi('/api/v1/grants', { headers: bearer(patient.accessToken) })).body as { items: GrantBody[] })
        .items[0]?.status,
    ).toBe('active');
    const revoked = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === `/api/v1/grants/${grant.id}` && response.request().method() === 'DELETE',
    );
    await dialog.getByRole('button', { name: 'Yes, revoke' }).click();
    expect((await revoked).status()).toBeLessThan(300);
    await page.getByRole('status').filter({ hasText: 'Access revoked for' }).waitFor();
    await row(grants, pdfTitle, 'Revoked').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    const refused = await openReport(doctor, pdfId);
    expect(refused.status).toBe(403);
    expectNoBrowserProblems(page);
  });

  it('shows in the access log the doctor’s opening and the refusal, from the ledger', async () => {
    await nav(page, 'Access log').click();
    const log = page.getByRole('table', { name: /Openings of your records/ });
    const opening = row(log, doctorName, pdfTitle, 'Opened');
    const refusal = row(log, doctorName, pdfTitle, 'Refused', 'The grant had been revoked');
    // The log is read from the ledger's projection: give it a few blocks' time.
    const deadline = Date.now() + 60_000;
    while ((await opening.count()) === 0 || (await refusal.count()) === 0) {
      if (Date.now() > deadline)
        throw new Error(`the access log does not show both entries:\n${await page.locator('main').innerText()}`);
      await page.waitForTimeout(1_000);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Access log' }).waitFor();
      await page.locator('main table, main .empty').first().waitFor();
    }
    const openingText = await opening.innerText();
    expect(openingText).toContain('Your grant to this doctor');
    expect(openingText).toContain('Purpose: Treatment');
    expect(openingText).toContain('Hospital B');
    expect(await opening.locator(`code[title="${receiptTxId}"]`).count()).toBe(1);
    // The refused attempt at the other record (outside the grant's scope) is there too.
    await row(log, doctorName, billTitle, 'Refused', 'No grant covered this record').waitFor();

    // Filtered to refusals only: the opening goes.
    await page.getByLabel('Outcome', { exact: true }).selectOption('refused');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('table', { name: /\(filtered\)/ }).waitFor();
    expect(await row(log, 'Opened').count()).toBe(0);
    expect(await refusal.count()).toBe(1);
    expectNoBrowserProblems(page);
  });

  it('passes axe on every patient page and keeps a screenshot of each at desktop and tablet size', async () => {
    await requestAccess('Second opinion on your latest results, before your appointment');
    const hospitalGrant = await callApi('/api/v1/grants', {
      method: 'POST',
      ...jsonBody({ hospital: 'hospital-b', reportIds: [billId], durationDays: 7 }, bearer(patient.accessToken)),
    });
    expect(hospitalGrant.status).toBe(201);
    const pages: Array<{
      name: string;
      path: string;
      ready: (page: Page) => Promise<void>;
      then?: (page: Page) => Promise<string>;
    }> = [
      {
        name: 'records',
        path: '/records',
        ready: (p) => p.getByRole('table', { name: 'Your records' }).waitFor(),
      },
      {
        name: 'upload',
        path: '/records/upload',
        ready: (p) => p.getByLabel('File', { exact: true }).waitFor(),
      },
      {
        name: 'requests',
        path: '/requests',
        ready: (p) => p.getByRole('button', { name: 'Approve…' }).first().waitFor(),
        then: async (p) => {
          await p.getByRole('button', { name: 'Approve…' }).first().click();
          await p
            .getByRole('form', { name: /Approve the request/ })
            .getByLabel('Only the records I tick below')
            .check();
          await p.getByRole('group', { name: 'Choose records' }).waitFor();
          return 'requests-approve';
        },
      },
      {
        name: 'grants',
        path: '/grants',
        ready: (p) => p.getByRole('table', { name: /Grants you have given/ }).waitFor(),
        then: async (p) => {
          await row(p.getByRole('table', { name: /Grants you have given/ }), 'All doctors of Hospital B', 'Active')
            .getByRole('button', { name: 'Revoke' })
            .click();
          await p.getByRole('dialog', { name: 'Revoke this grant?' }).waitFor();
          return 'grants-revoke';
        },
      },
      {
        name: 'new-grant',
        path: '/grants/new',
        // The doctors the patient met are offered by name.
        ready: (p) =>
          p
            .getByLabel('Doctor', { exact: true })
            .locator('option', { hasText: doctorName })
            .waitFor({ state: 'attached' }),
      },
      {
        name: 'access-log',
        path: '/access-log',
        ready: (p) => p.getByRole('table', { name: /Openings of your records/ }).waitFor(),
      },
    ];
    for (const viewport of VIEWPORT_NAMES) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      for (const entry of pages) {
        await page.goto(entry.path);
        await entry.ready(page);
        expect(pathname(page)).toBe(entry.path);
        expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
        await checkAccessibility(page, `patient ${entry.name} (${viewport})`);
        await screenshot(page, 'patient', entry.name, viewport);
        if (entry.then) {
          const name = await entry.then(page);
          await checkAccessibility(page, `patient ${name} (${viewport})`);
          await screenshot(page, 'patient', name, viewport);
          await page.keyboard.press('Escape');
        }
      }
    }
    await page.setViewportSize(VIEWPORTS.desktop);
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });

  it('approves a request for one record as all records, including ones added later', async () => {
    const asked = await callApi('/api/v1/access-requests', {
      method: 'POST',
      ...jsonBody(
        { patientId: patient.id, reason: 'Your pharmacy bill, for the reimbursement file', reportIds: [billId] },
        bearer(doctor.accessToken),
      ),
    });
    expect(asked.status).toBe(201);
    await page.goto('/requests');
    const card = page.getByRole('listitem').filter({ hasText: 'for the reimbursement file' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Approve…' }).click();
    const form = card.getByRole('form', { name: /Approve the request/ });
    // The first option is what was asked; the second widens it.
    expect(await form.getByLabel('The record asked for').isChecked()).toBe(true);
    await form.getByLabel('All my records, including ones I add later').check();
    const approved = page.waitForResponse((response) => /\/approve$/.test(new URL(response.url()).pathname));
    await form.getByRole('button', { name: 'Approve and share' }).click();
    const answer = await approved;
    expect(answer.status()).toBe(201);
    expect(((await answer.json()) as GrantBody).reportIds).toBeNull();
    const confirmation = page.getByRole('status').filter({ hasText: 'You approved the request' });
    await confirmation.waitFor();
    expect(await confirmation.innerText()).toContain('all your records, including ones you add later');
    expect((await openReport(doctor, pdfId)).status).toBe(200);
    expectNoBrowserProblems(page);
  });
});
