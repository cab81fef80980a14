/**
 * The doctor's pages in Chromium against the running system: find a patient in care by
 * surname, upload a file with a progress bar up to 100 % and see its ledger proof, write a
 * structured case report and open it as a document verified against the ledger; request
 * access to a patient not in care (and cancel it); declare emergency access only after a
 * confirmation that says it is recorded, notified and reviewed. Every page passes axe
 * (no serious or critical violation) and is kept as a screenshot at desktop and tablet size.
 */
import { createHash } from 'node:crypto';
import { pdfDocument, randomLetters } from '../support/documents.js';
import type { Browser, Page } from 'playwright-core';
import { callApi } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
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
  VIEWPORTS,
} from '../support/browser.js';

const pathname = (page: Page) => new URL(page.url()).pathname;
/** A request cut short by navigating on (a list still loading) is no problem. */
const ALLOWED_PROBLEMS = [/net::ERR_ABORTED/];

interface Patient extends SignedIn {
  fullName: string;
  surname: string;
}

async function patientNamed(first: string): Promise<Patient> {
  const surname = `${first === 'Ada' ? 'Marlow' : 'Quennell'}${randomLetters(6)}`;
  const fullName = `${first} ${surname}`;
  return { ...(await registerPatient('hospital-a', fullName)), fullName, surname };
}

describe('the doctor’s pages in Chromium', () => {
  let browser: Browser;
  let doctor: SignedIn;
  let inCare: Patient;
  let notInCare: Patient;
  /** A record the patient not in care added themself: the doctor may not open it without a grant. */
  let ownRecordOfNotInCare: string;
  let page: Page;
  const pages: Page[] = [];

  /** axe at both sizes and a screenshot of each; back at desktop size afterwards. */
  const capture = async (name: string) => {
    for (const viewport of ['desktop', 'tablet'] as const) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      await checkAccessibility(page, `doctor: ${name} (${viewport})`);
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      await screenshot(page, 'doctor', name, viewport);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  };

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    const admin = await bootstrapAdmin('hospital-a');
    doctor = await createStaff(admin, 'doctor');
    [inCare, notInCare] = await Promise.all([patientNamed('Ada'), patientNamed('Bruno')]);
    const care = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: inCare.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(care.status).toBe(201);
    const form = new FormData();
    form.append('patientId', notInCare.id);
    form.append('type', 'lab');
    form.append('title', 'Blood count');
    form.append('file', new Blob(['Hb 14.1 g/dl'], { type: 'text/plain' }), 'blood-count.txt');
    const own = await callApi('/api/v1/reports', {
      method: 'POST',
      headers: bearer(notInCare.accessToken),
      body: form,
    });
    expect(own.status).toBe(201);
    ownRecordOfNotInCare = (own.body as { id: string }).id;

    page = await newUserPage(browser);
    pages.push(page);
    await signIn(page, doctor.email, doctor.password);
  });

  afterAll(async () => {
    await closeUserPages(pages);
    await browser?.close();
  });

  afterEach(async () => {
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page, ALLOWED_PROBLEMS);
  });

  it('starts at the patient search, and finds a patient in care by surname', async () => {
    expect(pathname(page)).toBe('/patients');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(
      expect.arrayContaining(['Patients', 'Requests', 'Granted to me']),
    );
    await capture('patients');

    // Any part of the name, in any case: the surname in lower case finds the patient.
    await page.getByLabel('Name, date of birth or patient ID').fill(inCare.surname.toLowerCase());
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const result = page.getByRole('link', { name: inCare.fullName, exact: true });
    await result.waitFor();
    const table = page.getByRole('table');
    expect(await table.locator('caption').innerText()).toContain('1 patient matches');
    expect(await table.innerText()).toContain(inCare.id);
    await capture('patients-results');

    await result.click();
    await page.getByRole('heading', { level: 1, name: inCare.fullName }).waitFor();
    expect(pathname(page)).toBe(`/patients/${inCare.id}`);
    await page.getByRole('heading', { name: 'Patient details' }).waitFor();
    await page.getByText('There are no records of this patient that you may see.').waitFor();
    for (const action of ['Upload a record', 'Write a case report', 'Request access', 'Emergency access'])
      expect(await page.getByRole('link', { name: action, exact: true }).isVisible()).toBe(true);
    await capture('patient');
  });

  it('uploads a file with a progress bar up to 100 % and shows its ledger proof, then opens it verified', async () => {
    const pdf = pdfDocument('Discharge letter');
    const digest = createHash('sha256').update(pdf).digest('hex');
    await page.goto(`/patients/${inCare.id}`);
    await page.getByRole('link', { name: 'Upload a record', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Add a record for ${inCare.fullName}` }).waitFor();
    await capture('upload');

    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'discharge-letter.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await page.getByLabel('Type of record').selectOption('report');
    await page.getByLabel('Title', { exact: true }).fill('Discharge letter');
    const uploaded = page.waitForResponse(
      (response) => pathname2(response.url()) === '/api/v1/reports' && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    await progress.waitFor();
    const answer = await uploaded;
    expect(answer.status()).toBe(201);
    expect(answer.request().headers()['idempotency-key']).toBeTruthy();
    const recorded = (await answer.json()) as { id: string; txId: string; cid: string; sha256: string };

    await page.getByRole('heading', { name: 'Recorded on the ledger' }).waitFor();
    expect(await progress.getAttribute('value')).toBe('100');
    expect(await page.locator('.progress-text').innerText()).toBe('100 %');
    const proof = page.getByRole('region', { name: 'Ledger proof of the new record' });
    const proofText = await proof.innerText();
    expect(proofText).toContain(recorded.txId);
    expect(proofText).toContain(recorded.cid);
    expect(proofText).toContain(digest);
    expect(proofText).toMatch(/Block\s+\d+/);
    await capture('upload-recorded');

    await page.getByRole('link', { name: 'Open the record', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/reports/${recorded.id}`);
    const badge = page.locator('.verified-badge');
    await badge.waitFor();
    expect(await badge.innerText()).toContain('Verified against the ledger');
    expect(await badge.innerText()).toContain(recorded.txId);
    expect(await page.getByText('Written by a clinician').first().isVisible()).toBe(true);
    const frame = page.locator('iframe.document-frame');
    expect(await frame.getAttribute('title')).toBe('Discharge letter (PDF document)');
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    await capture('report-pdf');

    // Back on the patient's page, the record is listed with its author mark.
    // Scrolled first: Chromium's PDF viewer re-lays out its frame while a click scrolls.
    const patientLink = page.getByRole('link', { name: 'Open the patient’s page' });
    await patientLink.scrollIntoViewIfNeeded();
    await patientLink.click();
    const row = page.getByRole('row').filter({ hasText: 'Discharge letter' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Written by a clinician');
  });

  it('writes a structured case report, checks its ICD-10 codes, and opens it as a rendered document', async () => {
    await page.goto(`/patients/${inCare.id}`);
    await page.getByRole('link', { name: 'Write a case report', exact: true }).click();
    await page.getByLabel('Diagnosis').waitFor();
    expect(await page.getByRole('radio', { name: 'A structured case report' }).isChecked()).toBe(true);
    await capture('case-report-form');

    await page.getByLabel('Title', { exact: true }).fill('Pneumonia, follow-up');
    await page.getByLabel('Diagnosis').fill('Community-acquired pneumonia, right lower lobe');
    await page.getByLabel('ICD-10 codes').fill('J18.9, U07');
    await page.getByLabel('Findings').fill('Crackles over the right lower lobe; CRP 48 mg/l.');
    await page.getByLabel('Content').fill('Fever for three days.\nImproved on amoxicillin.');
    await page.getByLabel('Recommendations').fill('Chest X-ray in six weeks.');
    await page.getByRole('button', { name: 'Record the case report' }).click();
    // U is not an ICD-10 chapter letter: the field says so, tied to the input, before anything is sent.
    const codes = page.getByLabel('ICD-10 codes');
    await page.getByText('U07 is not an ICD-10 code').waitFor();
    expect(await codes.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await codes.getAttribute('aria-describedby')) ?? '';
    const errorTexts = await Promise.all(describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(errorTexts.join(' ')).toContain('U07 is not an ICD-10 code');
    await capture('case-report-invalid');

    await codes.fill('j18.9, R50.9');
    const posted = page.waitForResponse(
      (response) => pathname2(response.url()) === '/api/v1/reports' && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Record the case report' }).click();
    const answer = await posted;
    expect(answer.status()).toBe(201);
    expect(answer.request().headers()['content-type']).toContain('application/json');
    const recorded = (await answer.json()) as { id: string; txId: string };
    await page.getByRole('heading', { name: 'Recorded on the ledger' }).waitFor();

    await page.getByRole('link', { name: 'Open the record', exact: true }).click();
    const document = page.getByRole('article');
    await document.getByRole('heading', { name: 'Pneumonia, follow-up' }).waitFor();
    for (const heading of ['Diagnosis', 'ICD-10 codes', 'Findings', 'Report', 'Recommendations'])
      expect(await document.getByRole('heading', { name: heading, exact: true }).isVisible()).toBe(true);
    const text = await document.innerText();
    expect(text).toContain('Community-acquired pneumonia, right lower lobe');
    expect(text).toContain('J18.9');
    expect(text).toContain('R50.9');
    expect(text).toContain('Improved on amoxicillin.');
    expect(text).not.toContain('medledger/case-report@1');
    const badge = page.locator('.verified-badge');
    await badge.waitFor();
    expect(await badge.innerText()).toContain(recorded.txId);
    expect(await page.getByText(/access receipt/).innerText()).toMatch(/[0-9a-f]{64}/);

    await page.getByRole('button', { name: 'Verify against the ledger' }).click();
    await page.getByText('Verified: every check against the ledger passed.').waitFor();
    expect(await page.locator('.verify-checks .tag-ok').count()).toBe(4);
    await capture('report-case-report');
  });

  it('explains a refused record, and requests access to a patient not in care', async () => {
    // A record the doctor has no grant for: refused, in words, with the request ID.
    await page.goto(`/reports/${ownRecordOfNotInCare}`);
    const refusal = page.getByRole('alert').filter({ hasText: 'Request ID' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('FORBIDDEN');
    await page.getByText('You have no active grant that lets you open this record.').waitFor();
    expect(await page.locator('.verified-badge').count()).toBe(0);
    await capture('report-refused');

    await page.goto('/patients');
    await page.getByLabel('Name, date of birth or patient ID').fill(notInCare.surname);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: notInCare.fullName, exact: true }).click();
    await page.getByRole('heading', { name: 'You cannot see this patient’s records' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(notInCare.fullName);
    expect(await page.getByRole('alert').innerText()).toContain('Request ID');
    await capture('patient-no-access');

    await page.getByRole('link', { name: 'Request access', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: `Request access to ${notInCare.fullName}’s records` }).waitFor();
    await page.getByRole('button', { name: 'Send the request' }).click();
    const reason = page.getByLabel('Reason');
    await page.getByText('Say why you need access').waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect((await page.getByLabel('Purpose of use').locator('option').allInnerTexts()).join(' ')).not.toContain(
      'ETREAT',
    );
    await capture('request-access');

    await reason.fill('Second opinion on the cardiology findings before surgery.');
    await page.getByLabel('Purpose of use').selectOption('CAREMGT');
    await page.getByLabel('Duration in days').fill('7');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByText('Your request is sent.').waitFor();
    const sent = await callApi('/api/v1/access-requests?direction=outgoing', { headers: bearer(doctor.accessToken) });
    const requests = (sent.body as { items: Array<Record<string, unknown>> }).items;
    expect(requests.find((request) => request.patientId === notInCare.id)).toMatchObject({
      status: 'pending',
      purposeOfUse: 'CAREMGT',
      durationDays: 7,
      reportIds: null,
    });

    await page.getByRole('link', { name: 'See your requests' }).click();
    const row = page.getByRole('row').filter({ hasText: notInCare.fullName });
    await row.getByText('Pending').waitFor();
    expect(await row.innerText()).toContain('Care management (CAREMGT)');
    await capture('requests');
    await row.getByRole('button', { name: `Cancel the request to ${notInCare.fullName}` }).click();
    await row.getByText('Cancelled').waitFor();
  });

  it('declares emergency access only after a confirmation that says it is recorded, notified and reviewed', async () => {
    const emergencies = async () => {
      const grants = await callApi('/api/v1/grants?kind=emergency', { headers: bearer(doctor.accessToken) });
      return (
        grants.body as { items: Array<{ patientId: string; status: string; purposeOfUse: string }> }
      ).items.filter((grant) => grant.patientId === notInCare.id);
    };
    await page.goto(`/patients/${notInCare.id}`);
    await page.getByRole('link', { name: 'Emergency access', exact: true }).first().click();
    const justification = page.getByLabel('Justification');
    await justification.fill('Unconscious');
    expect(await page.locator('.counter').innerText()).toContain('11 characters');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Write at least 20 characters').waitFor();
    expect(await justification.getAttribute('aria-invalid')).toBe('true');
    await capture('emergency');

    await justification.fill('Unconscious after a road accident; needs the history of allergies now.');
    await page.getByRole('button', { name: 'Continue' }).click();
    const confirmation = page.getByRole('region', { name: 'Confirm emergency access' });
    await confirmation.waitFor();
    const said = (await confirmation.innerText()).replace(/\s+/g, ' ');
    expect(said).toContain('recorded on the ledger');
    expect(said).toContain(`${notInCare.fullName} is notified`);
    expect(said).toContain('An auditor will review it');
    // Nothing is declared before the confirmation.
    expect(await emergencies()).toEqual([]);
    await capture('emergency-confirm');

    await page.getByRole('button', { name: 'Declare emergency access' }).click();
    await page.getByText('Emergency access is active until').waitFor();
    expect(await emergencies()).toEqual([expect.objectContaining({ status: 'active', purposeOfUse: 'ETREAT' })]);
    await capture('emergency-declared');

    // The patient's page now lists the record the doctor may open under the emergency grant.
    await page.getByRole('link', { name: 'Open the patient’s records' }).click();
    await page.getByRole('link', { name: 'Blood count' }).waitFor();
    expect(await page.getByText('Added by the patient').first().isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'Your access' }).innerText()).toContain('Emergency access');

    // A second declaration while one is active is explained, not just refused.
    await page.goto(`/patients/${notInCare.id}/emergency`);
    await page.getByLabel('Justification').fill('Still unconscious; second look at the medication list.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Declare emergency access' }).click();
    await page.getByText(`You already have emergency access to ${notInCare.fullName}`).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('EMERGENCY_ACTIVE');
    expect(await emergencies()).toHaveLength(1);

    await page.getByRole('link', { name: 'Granted to me' }).first().click();
    const row = page.getByRole('row').filter({ hasText: notInCare.fullName });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('Emergency');
    expect(text).toContain('Emergency treatment (ETREAT)');
    expect(text).toContain('All records');
    expect(text).toContain('Active');
    await capture('granted');
  });
});

function pathname2(url: string): string {
  return new URL(url).pathname;
}
