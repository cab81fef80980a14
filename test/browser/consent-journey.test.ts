/**
 * Issue 15's acceptance journey in Chromium against the running system, each person in a
 * browser context of their own and everything they do through the portal (the API only
 * sets up the accounts and the care assignment, and checks facts):
 *
 * 1. hospital A's admin creates doctor A and an auditor, patient P registers, doctor A is put
 *    in P's care team; hospital B's admin creates doctor B;
 * 2. doctor A uploads a PDF for P (progress bar up to 100 %) and sees its ledger proof;
 * 3. doctor B, at P's page by its address, is told they cannot see the records and asks for
 *    access (reason, purpose, duration);
 * 4. P sees the unread count go up, follows the notification and approves, for that record;
 * 5. doctor B finds it under "Granted to me" and opens it: the PDF inline, with the
 *    "Verified against the ledger" badge naming the report's transaction;
 * 6. P revokes the grant (after the confirmation dialog);
 * 7. doctor B reloads the record: refused, in words, with the request ID, no badge;
 * 8. doctor B declares emergency access (justification, a confirmation that says it is
 *    reviewed) and opens the record again, verified;
 * 9. the auditor reviews the emergency (outcome, note), sees it under "Reviewed", and reads
 *    the report's timeline: recorded, opened under the grant, refused after the revocation,
 *    opened under the emergency.
 *
 * Then the upload → request → approve path again with the keyboard only (Tab, Shift+Tab,
 * typing, Space, Enter, arrow keys), focus visible on the controls on the way. Every page
 * the journey passes is checked with axe (desktop size), the main ones kept as screenshots
 * under test-artifacts/screenshots/journey/, and each context ends with no browser storage
 * and no browser problem.
 */
import { createHash, randomUUID } from 'node:crypto';
import { pdfDocument, randomLetters } from '../support/documents.js';
import type { Browser, Locator, Page } from 'playwright-core';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi } from '../support/api.js';
import {
  checkAccessibility,
  closeUserPages,
  expectNoBrowserProblems,
  expectNoBrowserStorage,
  expectPortalServed,
  launchBrowser,
  newUserPage,
  nextResponse,
  screenshot,
  signIn,
} from '../support/browser.js';
import { knownSecondFactor, nextTotpCode } from '../support/second-factor.js';
import { eventually } from '../support/services.js';

/** A request cut short by navigating on (a list still loading) is no problem. */
const ALLOWED_PROBLEMS = [/net::ERR_ABORTED/];
/** The journey crosses four people and a dozen ledger transactions. */
const JOURNEY_TIMEOUT_MS = 300_000;

const pathname = (page: Page) => new URL(page.url()).pathname;
const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();
const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const navLink = (page: Page, name: string) => mainNav(page).getByRole('link', { name, exact: true });

/**
 * Runs one step of a journey; a failure names the step (the journey is one test: a later
 * step makes no sense once an earlier one failed).
 */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error) error.message = `step "${name}": ${error.message}`;
    throw error;
  }
}

/** One `<h1>`, axe (no serious or critical violation) at the page's size, and a screenshot when `shot`. */
async function checkPage(page: Page, name: string, shot = true): Promise<void> {
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  await checkAccessibility(page, `journey: ${name}`);
  if (shot) await screenshot(page, 'journey', name, 'desktop');
}

/** No browser storage and nothing gone wrong in any of the pages' contexts. */
async function expectCleanContexts(pages: Page[]): Promise<void> {
  for (const page of pages) {
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page, ALLOWED_PROBLEMS);
  }
}

/** The row of the doctor's "Granted to me" table for a patient (by the link to their page) and a purpose. */
const grantedRow = (page: Page, patientId: string, purpose: string) =>
  page
    .getByRole('table', { name: /^Access granted to you/ })
    .getByRole('row')
    .filter({ has: page.locator(`a[href="/patients/${patientId}"]`) })
    .filter({ hasText: purpose });

/**
 * Asserts the unread count beside "Notifications" in the main navigation: no badge for 0,
 * else a badge with the number (waited for: the count loads after the page).
 */
async function expectUnreadInNav(page: Page, count: number): Promise<void> {
  const badge = mainNav(page)
    .getByRole('link', { name: /^Notifications/ })
    .locator('.badge');
  if (count === 0) expect(await badge.count()).toBe(0);
  else await badge.filter({ hasText: new RegExp(`^${count}$`) }).waitFor();
}

interface ReportMetadata {
  id: string;
  title: string;
  type: string;
  ledger: { txId: string; blockNumber: string | null };
}

interface GrantBody {
  id: string;
  kind: string;
  patientId: string;
  reportIds: string[] | null;
  status: string;
  purposeOfUse: string;
  expiresAt: string;
  grantee: { kind: string; id: string };
}

interface AccessRequestBody {
  id: string;
  patientId: string;
  status: string;
  reason: string | null;
  purposeOfUse: string;
  durationDays: number;
  reportIds: string[] | null;
}

// ---------------------------------------------------------------------------------------
// The keyboard
// ---------------------------------------------------------------------------------------

/** Whether the locator's element has the focus. */
const hasFocus = (locator: Locator) => locator.evaluate((element) => element === element.ownerDocument.activeElement);

/** What has the focus, for a failure message. */
const describeFocus = (page: Page) =>
  page.evaluate(() => {
    const active = (
      globalThis as unknown as {
        document: { activeElement: { outerHTML: string } | null };
      }
    ).document.activeElement;
    return active ? active.outerHTML.slice(0, 200) : '(nothing)';
  });

/**
 * Presses Tab (or Shift+Tab, `backwards`) until the locator's element has the focus, at
 * most `maxPresses` times; fails naming the element and where the focus ended. Returns how
 * many presses it took.
 */
async function tabTo(
  page: Page,
  locator: Locator,
  maxPresses: number,
  { backwards = false }: { backwards?: boolean } = {},
): Promise<number> {
  await locator.waitFor({ state: 'visible' });
  for (let presses = 0; ; presses += 1) {
    if (await hasFocus(locator)) return presses;
    if (presses === maxPresses)
      throw new Error(
        `tabTo: ${String(locator)} did not get the focus after ${maxPresses} presses of ` +
          `${backwards ? 'Shift+Tab' : 'Tab'}; the focus is on ${await describeFocus(page)}`,
      );
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
}

/** Asserts that the focused element shows it: `:focus-visible` with an outline or a box shadow. */
async function expectFocusVisible(locator: Locator): Promise<void> {
  const style = await locator.evaluate((element) => {
    const computed = element.ownerDocument.defaultView!.getComputedStyle(element);
    return {
      focused: element === element.ownerDocument.activeElement,
      focusVisible: element.matches(':focus-visible'),
      outlineStyle: computed.outlineStyle,
      outlineWidth: computed.outlineWidth,
      boxShadow: computed.boxShadow,
    };
  });
  expect(style).toMatchObject({ focused: true, focusVisible: true });
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== 'none' && style.boxShadow !== '';
  if (!outlined && !shadowed)
    throw new Error(`the focus is not visible on ${String(locator)}: ${JSON.stringify(style)}`);
}

/** Signs in with the keyboard only: Tab to each field, type, Enter. */
async function signInByKeyboard(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  const emailField = page.getByLabel('E-mail', { exact: true });
  await tabTo(page, emailField, 10);
  await expectFocusVisible(emailField);
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Password', { exact: true }), 3);
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  // Staff have a second factor: the portal asks for a code, typed like the rest.
  const codeField = page.getByLabel('Authentication code', { exact: true });
  const asked = await Promise.race([
    page.waitForURL((url) => url.pathname !== '/sign-in').then(() => false),
    codeField.waitFor({ state: 'visible' }).then(() => true),
  ]);
  if (asked) {
    if (!knownSecondFactor(email)) throw new Error(`no TOTP secret is known for ${email}`);
    await tabTo(page, codeField, 5);
    await page.keyboard.type(await nextTotpCode(email));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname !== '/sign-in');
  }
  await mainNav(page).waitFor({ state: 'visible' });
}

/** Replaces a focused field's text, with the keyboard. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe('the consent journey in Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];
  let doctorA: SignedIn;
  let doctorB: SignedIn;
  let doctorBName: string;
  let auditor: SignedIn;
  let patient: SignedIn;
  const surname = `Journey${randomLetters(8)}`;
  const fullName = `Ada ${surname}`;

  /** A page of a browser context of its own, at desktop size. */
  const userPage = async () => {
    const page = await newUserPage(browser, { viewport: 'desktop' });
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    const [adminA, adminB] = await Promise.all([bootstrapAdmin('hospital-a'), bootstrapAdmin('hospital-b')]);
    [doctorA, auditor, patient, doctorB] = await Promise.all([
      createStaff(adminA, 'doctor'),
      createStaff(adminA, 'auditor'),
      registerPatient('hospital-a', fullName),
      createStaff(adminB, 'doctor'),
    ]);
    const care = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctorA.id }, bearer(adminA.accessToken)),
    });
    expect(care.status).toBe(201);
    const me = await callApi('/api/v1/auth/me', { headers: bearer(doctorB.accessToken) });
    doctorBName = (me.body as { fullName: string }).fullName;
  });

  afterEach(() => closeUserPages(pages));

  afterAll(async () => {
    await browser?.close();
  });

  /** Facts from the API, as the given user sees them. */
  const reportAsSeenBy = async (user: SignedIn, reportId: string) => {
    const response = await callApi(`/api/v1/reports/${reportId}`, { headers: bearer(user.accessToken) });
    expect(response.status).toBe(200);
    return response.body as ReportMetadata;
  };
  const grantsOf = async (user: SignedIn, query = '') => {
    const response = await callApi(`/api/v1/grants${query}`, { headers: bearer(user.accessToken) });
    expect(response.status).toBe(200);
    return (response.body as { items: GrantBody[] }).items.filter((grant) => grant.patientId === patient.id);
  };
  const outgoingRequests = async () => {
    const response = await callApi('/api/v1/access-requests?direction=outgoing', {
      headers: bearer(doctorB.accessToken),
    });
    expect(response.status).toBe(200);
    return (response.body as { items: AccessRequestBody[] }).items.filter(
      (request) => request.patientId === patient.id,
    );
  };

  it(
    'carries consent across doctor, patient and auditor: upload, request, approve, open verified, revoke, refusal, emergency, review and trail',
    async () => {
      const pdfTitle = `Discharge letter ${randomUUID().slice(0, 6)}`;
      const pdf = pdfDocument('Discharge letter');
      const digest = createHash('sha256').update(pdf).digest('hex');
      const reason = `Second opinion before the cardiac surgery (${randomUUID().slice(0, 6)})`;
      const justification = `Unconscious after a road accident; needs the discharge letter now (${randomUUID().slice(0, 6)})`;
      const reviewNote = 'Justified: the patient was brought in unconscious by ambulance.';
      let reportId = '';
      let reportTxId = '';
      let grant: GrantBody | undefined;

      const a = await userPage();
      const p = await userPage();
      const b = await userPage();
      const auditorPage = await userPage();

      let unreadBefore = 0;
      await step('1. the patient is signed in, and the navigation shows their unread count', async () => {
        const counted = nextResponse(p, '/api/v1/notifications');
        await signIn(p, patient.email, patient.password);
        expect(pathname(p)).toBe('/records');
        await p.getByRole('heading', { level: 1, name: 'My records' }).waitFor();
        expect((await counted).status()).toBe(200);
        // What the navigation shows before doctor B asks anything is what the API says.
        const unread = await callApi('/api/v1/notifications?unread=true&limit=1', {
          headers: bearer(patient.accessToken),
        });
        unreadBefore = (unread.body as { unreadCount: number }).unreadCount;
        await expectUnreadInNav(p, unreadBefore);
        await checkPage(p, 'patient-records');
      });

      await step('2. doctor A uploads a PDF for the patient and sees the ledger proof', async () => {
        await signIn(a, doctorA.email, doctorA.password);
        expect(pathname(a)).toBe('/patients');
        await a.getByLabel('Name, date of birth or patient ID').fill(surname);
        await a.getByRole('button', { name: 'Search', exact: true }).click();
        await a.getByRole('link', { name: fullName, exact: true }).click();
        await a.getByRole('heading', { level: 1, name: fullName }).waitFor();
        await a.getByRole('heading', { name: 'Patient details' }).waitFor();
        await checkPage(a, 'doctor-a-patient');

        await a.getByRole('link', { name: 'Upload a record', exact: true }).click();
        await a.getByRole('heading', { level: 1, name: `Add a record for ${fullName}` }).waitFor();
        await checkPage(a, 'doctor-a-upload');
        await a.getByLabel('File', { exact: true }).setInputFiles({
          name: 'discharge-letter.pdf',
          mimeType: 'application/pdf',
          buffer: pdf,
        });
        await a.getByLabel('Type of record').selectOption('report');
        await a.getByLabel('Title', { exact: true }).fill(pdfTitle);
        const uploaded = a.waitForResponse(
          (response) => pathname2(response.url()) === '/api/v1/reports' && response.request().method() === 'POST',
        );
        await a.getByRole('button', { name: 'Upload', exact: true }).click();
        const progress = a.getByRole('progressbar', { name: 'Upload progress' });
        await progress.waitFor();
        const answer = await uploaded;
        expect(answer.status()).toBe(201);
        const recorded = (await answer.json()) as { id: string; txId: string; cid: string };
        reportId = recorded.id;

        await a.getByRole('heading', { name: 'Recorded on the ledger' }).waitFor();
        expect(await progress.getAttribute('value')).toBe('100');
        expect(await a.locator('.progress-text').innerText()).toBe('100 %');
        await a.getByText('Upload complete.').waitFor();
        const proofText = await a.getByRole('region', { name: 'Ledger proof of the new record' }).innerText();
        expect(proofText).toContain(recorded.txId);
        expect(proofText).toContain(recorded.cid);
        expect(proofText).toContain(digest);
        expect(proofText).toMatch(/Block\s+\d+/);
        await checkPage(a, 'doctor-a-upload-recorded');

        // The API has the same transaction for the report.
        const stored = await reportAsSeenBy(doctorA, reportId);
        expect(stored).toMatchObject({ title: pdfTitle, type: 'report' });
        reportTxId = stored.ledger.txId;
        expect(reportTxId).toBe(recorded.txId);
      });

      await step('3. doctor B cannot see the patient’s records and requests access', async () => {
        await signIn(b, doctorB.email, doctorB.password);
        // Doctor B's search finds only their own hospital's patients: the address leads there.
        await b.goto(`/patients/${patient.id}`);
        await b.getByRole('heading', { name: 'You cannot see this patient’s records' }).waitFor();
        const refusal = b.getByRole('alert').filter({ hasText: 'Request ID' });
        expect(await refusal.innerText()).toMatch(/Request ID: \S+/);
        expect(await b.getByRole('link', { name: 'Upload a record' }).count()).toBe(0);
        await checkPage(b, 'doctor-b-patient-no-access');

        await b.getByRole('link', { name: 'Request access', exact: true }).first().click();
        await b.waitForURL((url) => url.pathname === `/patients/${patient.id}/request-access`);
        await b.getByRole('heading', { level: 1, name: /^Request access to .+ records$/ }).waitFor();
        await checkPage(b, 'doctor-b-request-access');
        await b.getByLabel('Reason').fill(reason);
        await b.getByLabel('Purpose of use').selectOption('TREAT');
        await b.getByLabel('Duration in days').fill('7');
        await b.getByRole('button', { name: 'Send the request' }).click();
        await b.getByText('Your request is sent.').waitFor();
        await b.getByRole('region', { name: 'Recorded on the ledger' }).waitFor();
        await checkPage(b, 'doctor-b-request-sent');
        expect(await outgoingRequests()).toEqual([
          expect.objectContaining({
            status: 'pending',
            reason,
            purposeOfUse: 'TREAT',
            durationDays: 7,
            reportIds: null,
          }),
        ]);
      });

      await step('4. the patient sees the unread count go up, follows the notification and approves', async () => {
        // The count is fetched when the portal loads (or the window regains focus).
        await p.reload();
        await expectUnreadInNav(p, unreadBefore + 1);
        const counted = mainNav(p).getByRole('link', { name: /^Notifications/ });
        // Assistive technology hears the count too: it is part of the link's accessible name.
        await mainNav(p)
          .getByRole('link', { name: `Notifications (${unreadBefore + 1} unread)`, exact: true })
          .waitFor();
        await checkPage(p, 'patient-unread-count', false);

        await counted.click();
        await p.waitForURL((url) => url.pathname === '/notifications');
        const notice = p.getByRole('listitem').filter({ hasText: 'A doctor asked for access to records' }).first();
        await notice.waitFor();
        expect(await notice.innerText()).toContain('New');
        await checkPage(p, 'patient-notifications');
        await notice.getByRole('link', { name: 'Open' }).click();
        await p.waitForURL((url) => url.pathname === '/requests');

        const card = p.getByRole('listitem').filter({ hasText: reason });
        await card.waitFor();
        const details = squeeze(await card.innerText());
        expect(details).toContain(doctorBName);
        expect(details).toContain('Hospital B');
        expect(details).toContain('All your records');
        expect(details).toContain('7 days');
        expect(details).toContain('Treatment');
        await checkPage(p, 'patient-requests');

        await card.getByRole('button', { name: 'Approve…' }).click();
        const form = card.getByRole('form', { name: /Approve the request/ });
        await form.getByLabel('Only the records I tick below').check();
        await form.getByRole('group', { name: 'Choose records' }).getByLabel(pdfTitle, { exact: false }).check();
        expect(await form.getByLabel('Duration', { exact: true }).inputValue()).toBe('7');
        await checkPage(p, 'patient-approve');
        const approved = p.waitForResponse((response) => /\/approve$/.test(pathname2(response.url())));
        await form.getByRole('button', { name: 'Approve and share' }).click();
        const answer = await approved;
        expect(answer.status()).toBe(201);
        grant = (await answer.json()) as GrantBody;
        expect(grant).toMatchObject({
          reportIds: [reportId],
          grantee: { kind: 'doctor', id: doctorB.id },
          status: 'active',
          purposeOfUse: 'TREAT',
        });
        const confirmation = p.getByRole('status').filter({ hasText: 'You approved the request' });
        await confirmation.waitFor();
        expect(await confirmation.innerText()).toContain('1 record');
        await p.getByText('No request is waiting for your answer.').waitFor();
        await checkPage(p, 'patient-approved', false);
        expect(await outgoingRequests()).toEqual([expect.objectContaining({ status: 'approved' })]);
      });

      await step('5. doctor B finds the record under "Granted to me" and opens it, verified', async () => {
        await navLink(b, 'Granted to me').click();
        await b.waitForURL((url) => url.pathname === '/granted');
        const row = grantedRow(b, patient.id, 'Treatment (TREAT)');
        await row.waitFor();
        const text = squeeze(await row.innerText());
        expect(text).toContain('Treatment (TREAT)');
        expect(text).toContain('Active');
        await checkPage(b, 'doctor-b-granted');

        await row.getByRole('link', { name: /^Record 1 of / }).click();
        await b.waitForURL((url) => url.pathname === `/reports/${reportId}`);
        const badge = b.locator('.verified-badge');
        await badge.waitFor();
        const said = squeeze(await badge.innerText());
        expect(said).toContain('Verified against the ledger');
        // The badge names the transaction that recorded the report.
        expect(said).toContain(`transaction ${reportTxId}`);
        expect(await badge.locator('code').innerText()).toBe(reportTxId);
        const frame = b.locator('iframe.document-frame');
        expect(await frame.getAttribute('title')).toBe(`${pdfTitle} (PDF document)`);
        expect(await frame.getAttribute('src')).toMatch(/^blob:/);
        await b.getByRole('heading', { level: 1, name: pdfTitle }).waitFor();
        await checkPage(b, 'doctor-b-report-granted');
      });

      await step('6. the patient revokes the grant after the confirmation dialog', async () => {
        await navLink(p, 'My grants').click();
        await p.waitForURL((url) => url.pathname === '/grants');
        const table = p.getByRole('table', { name: /Grants you have given/ });
        const active = table.getByRole('row').filter({ hasText: pdfTitle }).filter({ hasText: 'Active' });
        await active.waitFor();
        expect(await active.innerText()).toContain(doctorBName);
        await checkPage(p, 'patient-grants');

        await active.getByRole('button', { name: 'Revoke' }).click();
        const dialog = p.getByRole('dialog', { name: 'Revoke this grant?' });
        await dialog.waitFor();
        expect(squeeze(await dialog.innerText())).toContain('will no longer be able to open');
        // Nothing is revoked before the confirmation.
        expect((await grantsOf(patient)).find((item) => item.id === grant!.id)?.status).toBe('active');
        await checkPage(p, 'patient-revoke-dialog');

        const revoked = p.waitForResponse(
          (response) =>
            pathname2(response.url()) === `/api/v1/grants/${grant!.id}` && response.request().method() === 'DELETE',
        );
        await dialog.getByRole('button', { name: 'Yes, revoke' }).click();
        expect((await revoked).status()).toBeLessThan(300);
        await p.getByRole('status').filter({ hasText: 'Access revoked for' }).waitFor();
        await table.getByRole('row').filter({ hasText: pdfTitle }).filter({ hasText: 'Revoked' }).waitFor();
        expect(await p.getByRole('dialog').count()).toBe(0);
        await checkPage(p, 'patient-grant-revoked', false);
        expect((await grantsOf(patient)).find((item) => item.id === grant!.id)?.status).toBe('revoked');
      });

      await step('7. doctor B reloads the record and is refused, in words, with a request ID', async () => {
        const contentAnswer = nextResponse(b, `/api/v1/reports/${reportId}/content`);
        await b.reload();
        const answer = await contentAnswer;
        expect(answer.status()).toBe(403);
        const refusal = b.getByRole('alert').filter({ hasText: 'Request ID' });
        await refusal.waitFor();
        const said = squeeze(await refusal.innerText());
        expect(said).toContain('GRANT_REVOKED');
        // The request ID the user may quote is the one the API answered with.
        expect(said).toContain(`Request ID: ${answer.headers()['x-request-id']}`);
        await b.getByText('The patient has revoked your access to this record.').waitFor();
        expect(await b.locator('.verified-badge').count()).toBe(0);
        expect(await b.locator('iframe.document-frame').count()).toBe(0);
        await checkPage(b, 'doctor-b-report-refused');
      });

      await step('8. doctor B declares emergency access, confirmed first, and opens the record again', async () => {
        // The revoked grant, under "Granted to me", leads to the patient's page and its emergency access.
        await navLink(b, 'Granted to me').click();
        await b.waitForURL((url) => url.pathname === '/granted');
        await b.getByLabel('Status', { exact: true }).selectOption('revoked');
        const revoked = grantedRow(b, patient.id, 'Treatment (TREAT)').filter({ hasText: 'Revoked' });
        await revoked.waitFor();
        await checkPage(b, 'doctor-b-granted-revoked', false);
        await revoked.getByRole('rowheader').getByRole('link').click();
        await b.waitForURL((url) => url.pathname === `/patients/${patient.id}`);
        await b.getByRole('heading', { name: 'You cannot see this patient’s records' }).waitFor();
        await b.getByRole('link', { name: 'Emergency access', exact: true }).first().click();
        await b.waitForURL((url) => url.pathname === `/patients/${patient.id}/emergency`);
        await b.getByLabel('Justification').fill(justification);
        await checkPage(b, 'doctor-b-emergency', false);
        await b.getByRole('button', { name: 'Continue' }).click();
        const confirmation = b.getByRole('region', { name: 'Confirm emergency access' });
        await confirmation.waitFor();
        const said = squeeze(await confirmation.innerText());
        expect(said).toContain('recorded on the ledger');
        expect(said).toContain('is notified');
        expect(said).toContain('An auditor will review it');
        expect(said).toContain(justification);
        // Nothing is declared before the confirmation.
        expect(await grantsOf(doctorB, '?kind=emergency')).toEqual([]);
        await checkPage(b, 'doctor-b-emergency-confirm');

        await b.getByRole('button', { name: 'Declare emergency access' }).click();
        await b.getByText('Emergency access is active until').waitFor();
        expect(await grantsOf(doctorB, '?kind=emergency')).toEqual([
          expect.objectContaining({ status: 'active', purposeOfUse: 'ETREAT', reportIds: null }),
        ]);
        await checkPage(b, 'doctor-b-emergency-declared');

        await b.getByRole('link', { name: 'Open the patient’s records' }).click();
        await b.waitForURL((url) => url.pathname === `/patients/${patient.id}`);
        expect(await b.getByRole('region', { name: 'Your access' }).innerText()).toContain('Emergency access');
        await b.getByRole('link', { name: pdfTitle, exact: true }).click();
        await b.waitForURL((url) => url.pathname === `/reports/${reportId}`);
        const badge = b.locator('.verified-badge');
        await badge.waitFor();
        expect(await badge.locator('code').innerText()).toBe(reportTxId);
        expect(await b.locator('iframe.document-frame').getAttribute('src')).toMatch(/^blob:/);
        await checkPage(b, 'doctor-b-report-emergency');
      });

      await step('9. the auditor reviews the emergency and reads the report’s trail in order', async () => {
        // The audit trail reads the ledger's projection: wait until it holds all four events.
        await eventually(
          async () => {
            const history = await callApi(`/api/v1/audit/reports/${reportId}/history`, {
              headers: bearer(auditor.accessToken),
            });
            return history.status === 200 && (history.body as { items: unknown[] }).items.length >= 4;
          },
          60_000,
          'the four events of the report in the audit trail',
        );

        await signIn(auditorPage, auditor.email, auditor.password);
        await navLink(auditorPage, 'Emergencies').click();
        await auditorPage.waitForURL((url) => url.pathname === '/audit/emergencies');
        const card = auditorPage.getByRole('listitem').filter({ hasText: justification });
        await card.waitFor();
        expect(squeeze(await card.innerText())).toContain(`${doctorBName}, Hospital B`);
        expect(await card.innerText()).toContain(patient.id);
        await checkPage(auditorPage, 'auditor-emergencies');

        await card.getByRole('radio', { name: 'Appropriate', exact: true }).check();
        await card.getByLabel('Note').fill(reviewNote);
        await card.getByRole('button', { name: 'Record review' }).click();
        await auditorPage.getByText(/^Review recorded: .* was appropriate\.$/).waitFor();
        await card.waitFor({ state: 'detached' });

        await auditorPage.getByRole('button', { name: 'Reviewed', exact: true }).click();
        const reviewed = auditorPage.getByRole('listitem').filter({ hasText: justification });
        await reviewed.waitFor();
        expect(await reviewed.innerText()).toContain(reviewNote);
        expect(await reviewed.getByText('Appropriate', { exact: true }).count()).toBeGreaterThan(0);
        await checkPage(auditorPage, 'auditor-emergencies-reviewed');
        const listed = await callApi('/api/v1/audit/emergencies?reviewed=true', {
          headers: bearer(auditor.accessToken),
        });
        expect(
          (listed.body as { items: Array<{ patientId: string; review: { outcome: string; note?: string } | null }> })
            .items,
        ).toContainEqual(
          expect.objectContaining({
            patientId: patient.id,
            review: expect.objectContaining({ outcome: 'appropriate' }),
          }),
        );

        // From the emergency to what doctor B opened during it, and on to the report's history.
        await reviewed
          .getByRole('link', { name: new RegExp(`^What ${doctorBName} opened during the emergency`) })
          .click();
        await auditorPage.waitForURL((url) => url.pathname === '/audit/accesses');
        const accesses = auditorPage.getByRole('table', { name: /Matching accesses/ });
        const opening = accesses.getByRole('row').filter({ hasText: doctorBName });
        await opening.first().waitFor();
        expect(await opening.count()).toBe(1);
        expect(squeeze(await opening.innerText())).toContain('Emergency treatment (ETREAT)');
        await checkPage(auditorPage, 'auditor-accesses-during-emergency');
        await opening.getByRole('link', { name: /\(history\)$/ }).click();
        await auditorPage.waitForURL((url) => url.pathname === `/audit/reports/${reportId}`);

        const timeline = auditorPage.getByRole('region', { name: 'Timeline' });
        await timeline.getByRole('heading', { name: 'Report recorded' }).waitFor();
        // Newest first: opened under the emergency, refused after the revocation, opened under the grant, recorded.
        const headings = (await timeline.getByRole('heading', { level: 3 }).allInnerTexts()).map(squeeze);
        expect(headings).toEqual([
          'Report opened Granted',
          'Opening refused Refused: grant revoked',
          'Report opened Granted',
          'Report recorded',
        ]);
        const events = (await timeline.getByRole('listitem').allInnerTexts()).map(squeeze);
        expect(events[0]).toContain('Emergency treatment (ETREAT)');
        expect(events[0]).toContain('Doctor');
        expect(events[0]).toContain('Hospital B');
        expect(events[1]).toContain('GRANT_REVOKED');
        expect(events[1]).toContain('Hospital B');
        expect(events[2]).toContain('Treatment (TREAT)');
        expect(events[2]).toContain('Hospital B');
        expect(events[3]).toContain('Hospital A');
        expect(events[3]).toContain(reportTxId);
        await checkPage(auditorPage, 'auditor-report-history');
      });

      await expectCleanContexts([a, p, b, auditorPage]);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'does the upload → request → approve path with the keyboard only',
    async () => {
      const title = `Follow-up letter ${randomUUID().slice(0, 6)}`;
      const reason = `Review of the follow-up letter before rehabilitation (${randomUUID().slice(0, 6)})`;
      let reportId = '';
      let reportTxId = '';

      const a = await userPage();
      const b = await userPage();
      const p = await userPage();

      await step('doctor A finds the patient and uploads a record with the keyboard', async () => {
        await signInByKeyboard(a, doctorA.email, doctorA.password);
        expect(pathname(a)).toBe('/patients');
        const search = a.getByLabel('Name, date of birth or patient ID');
        await tabTo(a, search, 10);
        await expectFocusVisible(search);
        await a.keyboard.type(surname.toLowerCase());
        await a.keyboard.press('Enter');
        const result = a.getByRole('link', { name: fullName, exact: true });
        await tabTo(a, result, 10);
        await expectFocusVisible(result);
        await a.keyboard.press('Enter');
        await a.getByRole('heading', { level: 1, name: fullName }).waitFor();
        await a.getByRole('heading', { name: 'Patient details' }).waitFor();

        const upload = a.getByRole('link', { name: 'Upload a record', exact: true });
        await tabTo(a, upload, 10);
        await a.keyboard.press('Enter');
        await a.getByRole('heading', { level: 1, name: `Add a record for ${fullName}` }).waitFor();

        // The file input: reached with Tab, opened with Space.
        const fileInput = a.getByLabel('File', { exact: true });
        await tabTo(a, fileInput, 15);
        await expectFocusVisible(fileInput);
        const chooser = a.waitForEvent('filechooser');
        await a.keyboard.press('Space');
        await (
          await chooser
        ).setFiles({ name: 'follow-up-letter.pdf', mimeType: 'application/pdf', buffer: pdfDocument('Follow-up') });
        await a.getByText(/^follow-up-letter\.pdf, /).waitFor();

        // The title (filled from the file name) first, then back to the type with Shift+Tab.
        const titleField = a.getByLabel('Title', { exact: true });
        await tabTo(a, titleField, 5);
        expect(await titleField.inputValue()).toBe('follow-up-letter');
        await retype(a, title);
        const type = a.getByLabel('Type of record');
        await tabTo(a, type, 3, { backwards: true });
        await expectFocusVisible(type);
        expect(await type.inputValue()).toBe('report');
        // Report → Prescription → Bill → Lab result.
        for (let press = 0; press < 3; press += 1) await a.keyboard.press('ArrowDown');
        expect(await type.inputValue()).toBe('lab');
        await checkPage(a, 'keyboard-doctor-a-upload');

        const send = a.getByRole('button', { name: 'Upload', exact: true });
        await tabTo(a, send, 5);
        await expectFocusVisible(send);
        const uploaded = a.waitForResponse(
          (response) => pathname2(response.url()) === '/api/v1/reports' && response.request().method() === 'POST',
        );
        await a.keyboard.press('Enter');
        const answer = await uploaded;
        expect(answer.status()).toBe(201);
        const recorded = (await answer.json()) as { id: string; txId: string };
        reportId = recorded.id;
        reportTxId = recorded.txId;
        const recordedHeading = a.getByRole('heading', { name: 'Recorded on the ledger' });
        await recordedHeading.waitFor();
        // The outcome takes the focus, so that it is announced.
        expect(await hasFocus(recordedHeading)).toBe(true);
        expect(await a.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
        expect(await a.getByRole('region', { name: 'Ledger proof of the new record' }).innerText()).toContain(
          recorded.txId,
        );
        await checkPage(a, 'keyboard-doctor-a-recorded');
        expect(await reportAsSeenBy(doctorA, reportId)).toMatchObject({ title, type: 'lab' });
      });

      await step('doctor B requests access with the keyboard', async () => {
        await signInByKeyboard(b, doctorB.email, doctorB.password);
        await b.goto(`/patients/${patient.id}`);
        await b.getByRole('heading', { level: 1 }).waitFor();
        const requestLink = b.getByRole('link', { name: 'Request access', exact: true }).first();
        await tabTo(b, requestLink, 15);
        await expectFocusVisible(requestLink);
        await b.keyboard.press('Enter');
        await b.waitForURL((url) => url.pathname === `/patients/${patient.id}/request-access`);
        await b.getByRole('heading', { level: 1, name: /^Request access to .+ records$/ }).waitFor();

        await tabTo(b, b.getByLabel('Reason'), 10);
        await b.keyboard.type(reason);
        const purpose = b.getByLabel('Purpose of use');
        await tabTo(b, purpose, 3);
        await expectFocusVisible(purpose);
        expect(await purpose.inputValue()).toBe('TREAT');
        await b.keyboard.press('ArrowDown');
        expect(await purpose.inputValue()).toBe('CAREMGT');
        await tabTo(b, b.getByLabel('Duration in days'), 3);
        await retype(b, '3');
        await checkPage(b, 'keyboard-doctor-b-request-access');
        const send = b.getByRole('button', { name: 'Send the request' });
        await tabTo(b, send, 10);
        await b.keyboard.press('Enter');
        await b.getByText('Your request is sent.').waitFor();
        const sent = (await outgoingRequests()).find((request) => request.reason === reason);
        expect(sent).toMatchObject({ status: 'pending', purposeOfUse: 'CAREMGT', durationDays: 3, reportIds: null });
      });

      await step('the patient approves with the keyboard, for the new record and 36 hours', async () => {
        await signInByKeyboard(p, patient.email, patient.password);
        expect(pathname(p)).toBe('/records');
        // The navigation comes before the page's heading, which has the focus: back with Shift+Tab.
        const requestsLink = navLink(p, 'Access requests');
        await tabTo(p, requestsLink, 10, { backwards: true });
        await expectFocusVisible(requestsLink);
        await p.keyboard.press('Enter');
        await p.waitForURL((url) => url.pathname === '/requests');

        const card = p.getByRole('listitem').filter({ hasText: reason });
        await card.waitFor();
        const approve = card.getByRole('button', { name: 'Approve…' });
        await tabTo(p, approve, 20);
        await expectFocusVisible(approve);
        await p.keyboard.press('Space');
        const form = card.getByRole('form', { name: /Approve the request/ });
        // The form's heading takes the focus.
        await form.getByRole('heading', { name: /Approve the request/ }).waitFor();
        expect(await hasFocus(form.getByRole('heading', { name: /Approve the request/ }))).toBe(true);

        // The records: Tab into the radio group, the arrow key to "Only the records I tick below".
        const asked = form.getByLabel('All my records, including ones I add later (as asked)');
        await tabTo(p, asked, 5);
        await expectFocusVisible(asked);
        await p.keyboard.press('ArrowDown');
        const onlyTicked = form.getByLabel('Only the records I tick below');
        expect(await onlyTicked.isChecked()).toBe(true);
        expect(await hasFocus(onlyTicked)).toBe(true);
        const record = form.getByRole('group', { name: 'Choose records' }).getByLabel(title, { exact: false });
        await tabTo(p, record, 10);
        await expectFocusVisible(record);
        await p.keyboard.press('Space');
        expect(await record.isChecked()).toBe(true);

        const amount = form.getByLabel('Duration', { exact: true });
        await tabTo(p, amount, 10);
        await retype(p, '36');
        const unit = form.getByLabel('Unit', { exact: true });
        await tabTo(p, unit, 3);
        await expectFocusVisible(unit);
        await p.keyboard.press('ArrowDown');
        expect(await unit.inputValue()).toBe('hours');
        await checkPage(p, 'keyboard-patient-approve');

        const share = form.getByRole('button', { name: 'Approve and share' });
        await tabTo(p, share, 10);
        await expectFocusVisible(share);
        const approved = p.waitForResponse((response) => /\/approve$/.test(pathname2(response.url())));
        await p.keyboard.press('Enter');
        const answer = await approved;
        expect(answer.status()).toBe(201);
        const grant = (await answer.json()) as GrantBody;
        expect(grant).toMatchObject({
          reportIds: [reportId],
          grantee: { kind: 'doctor', id: doctorB.id },
          purposeOfUse: 'CAREMGT',
        });
        const hours = (Date.parse(grant.expiresAt) - Date.now()) / 3_600_000;
        expect(hours).toBeGreaterThan(35.5);
        expect(hours).toBeLessThanOrEqual(36);
        const confirmation = p.getByRole('status').filter({ hasText: 'You approved the request' });
        await confirmation.waitFor();
        // The confirmation takes the focus: the approve button has left the page.
        expect(await hasFocus(confirmation)).toBe(true);
        await checkPage(p, 'keyboard-patient-approved');
      });

      await step('doctor B opens the new record with the keyboard, verified against the ledger', async () => {
        const granted = navLink(b, 'Granted to me');
        await tabTo(b, granted, 15, { backwards: true });
        await b.keyboard.press('Enter');
        await b.waitForURL((url) => url.pathname === '/granted');
        const link = grantedRow(b, patient.id, 'Care management (CAREMGT)').getByRole('link', {
          name: /^Record 1 of /,
        });
        await tabTo(b, link, 20);
        await expectFocusVisible(link);
        await b.keyboard.press('Enter');
        await b.waitForURL((url) => url.pathname === `/reports/${reportId}`);
        const badge = b.locator('.verified-badge');
        await badge.waitFor();
        expect(await badge.locator('code').innerText()).toBe(reportTxId);
        expect(reportTxId).toBe((await reportAsSeenBy(doctorA, reportId)).ledger.txId);
        await checkPage(b, 'keyboard-doctor-b-report');
      });

      await expectCleanContexts([a, b, p]);
    },
    JOURNEY_TIMEOUT_MS,
  );
});

function pathname2(url: string): string {
  return new URL(url).pathname;
}
