/**
 * A component outage as a user meets it in the portal: an API whose IPFS node cannot be
 * reached answers 503 when a record is opened, and the portal says what is unavailable,
 * that nothing was lost and that the user can try again (with the request ID to quote),
 * instead of a blank page or raw JSON. The same record opens on the healthy API.
 */
import type { Browser, Page } from 'playwright-core';
import { registerPatient, type SignedIn } from '../support/accounts.js';
import { ApiProcess } from '../support/api-process.js';
import {
  checkAccessibility,
  closeUserPages,
  expectNoBrowserStorage,
  expectPortalServed,
  launchBrowser,
  newUserPage,
  screenshot,
  signIn,
} from '../support/browser.js';
import { uploadReport } from '../support/uploads.js';

describe('a component outage in the portal', () => {
  /** The same database and ledger, but an IPFS API address where nothing listens. */
  const withoutIpfs = new ApiProcess('api-without-ipfs', 3009);
  let browser: Browser;
  let patient: SignedIn;
  let reportId: string;
  const pages: Page[] = [];

  beforeAll(async () => {
    await expectPortalServed();
    patient = await registerPatient('hospital-a');
    const uploaded = await uploadReport(
      patient,
      { patientId: patient.id, type: 'lab', title: 'Lab result' },
      { bytes: new TextEncoder().encode('Hb 13.9 g/dl'), name: 'lab.txt', contentType: 'text/plain' },
    );
    expect(uploaded.status).toBe(201);
    reportId = (uploaded.body as { id: string }).id;
    await withoutIpfs.start({ CONTENT_STORE: 'kubo', IPFS_API_URL: 'http://127.0.0.1:9' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeUserPages(pages);
    await browser?.close();
    await withoutIpfs.stop();
  });

  it('says the document store is unavailable, that nothing was lost, and offers to try again', async () => {
    const page = await newUserPage(browser, { baseURL: withoutIpfs.url });
    pages.push(page);
    await signIn(page, patient.email, patient.password);
    const opened = page.waitForResponse((response) => response.url().endsWith(`/api/v1/reports/${reportId}/content`));
    await page.goto(`/reports/${reportId}`);
    const answer = await opened;
    expect(answer.status()).toBe(503);
    const body = (await answer.json()) as { code: string; requestId: string };

    const notice = page.getByRole('alert').filter({ hasText: 'cannot reach the document store (IPFS)' });
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('Nothing was lost');
    expect(text).toContain(body.code);
    expect(text).toContain(`Request ID: ${body.requestId}`);
    expect(text).not.toMatch(/[{}]|ECONNREFUSED|stack/);
    expect(await notice.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    await checkAccessibility(page, 'patient: a record during an IPFS outage');
    await screenshot(page, 'patient', 'report-outage', 'desktop');
    await expectNoBrowserStorage(page);
  });

  it('opens the same record on the healthy API', async () => {
    const page = await newUserPage(browser);
    pages.push(page);
    await signIn(page, patient.email, patient.password);
    await page.goto(`/reports/${reportId}`);
    await page.locator('.verified-badge').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
