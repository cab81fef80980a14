/**
 * The auditor's pages in Chromium against the running system: accesses and refusals
 * (filters, CSV export), a report's timeline, an emergency to review, the integrity report
 * and the system status; every page checked with axe and shot at desktop and tablet size.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
  VIEWPORT_NAMES,
  VIEWPORTS,
} from '../support/browser.js';
import { eventually } from '../support/services.js';
import { openReport, uploadReport } from '../support/uploads.js';

const pathname = (page: Page) => new URL(page.url()).pathname;

/** Axe at both sizes (no serious or critical violation) and a screenshot at each; back to desktop after. */
async function checkPage(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORT_NAMES) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await checkAccessibility(page, `auditor ${name} (${viewport})`);
    await screenshot(page, 'auditor', name, viewport);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Follows a link of the main navigation (no reload: the session stays in memory). */
async function navigate(page: Page, label: string, path: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}

/** A `datetime-local` value in the browser's own time zone. */
const localInput = (page: Page, iso: string) =>
  page.evaluate((value) => {
    const date = new Date(value);
    const two = (part: number) => String(part).padStart(2, '0');
    return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
  }, iso);

describe('the auditor’s pages in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let auditor: SignedIn;
  let patient: SignedIn;
  let reportId: string;
  let refusingDoctorName: string;
  let emergencyId: string;
  const justification = `Unconscious on arrival, no history available (${randomUUID().slice(0, 6)})`;

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    const admin = await bootstrapAdmin('hospital-a');
    let doctor: SignedIn;
    let otherDoctor: SignedIn;
    [auditor, doctor, otherDoctor, patient] = await Promise.all([
      createStaff(admin, 'auditor'),
      createStaff(admin, 'doctor'),
      createStaff(admin, 'doctor'),
      registerPatient('hospital-a'),
    ]);
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const uploaded = await uploadReport(
      doctor,
      { patientId: patient.id, type: 'lab', title: 'Full blood count' },
      { bytes: new TextEncoder().encode('%PDF-1.4 full blood count'), name: 'fbc.pdf' },
    );
    expect(uploaded.status).toBe(201);
    reportId = (uploaded.body as { id: string }).id;
    expect((await openReport(doctor, reportId)).status).toBe(200);
    // A doctor outside the care team is refused, and the refusal is on the ledger.
    expect((await openReport(otherDoctor, reportId)).status).toBe(403);
    refusingDoctorName = (
      (await callApi('/api/v1/auth/me', { headers: bearer(otherDoctor.accessToken) })).body as {
        fullName: string;
      }
    ).fullName;
    const declared = await callApi('/api/v1/emergency-access', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, justification }, bearer(otherDoctor.accessToken)),
    });
    expect(declared.status).toBe(201);
    emergencyId = (declared.body as { id: string }).id;
    // The audit trail reads the ledger's projection: wait until it holds both openings.
    await eventually(
      async () => {
        const listed = await callApi(`/api/v1/audit/accesses?patientId=${patient.id}`, {
          headers: bearer(auditor.accessToken),
        });
        return (listed.body as { items?: unknown[] }).items?.length === 2;
      },
      15_000,
      'both openings in the audit trail',
    );

    page = await newUserPage(browser);
    await signIn(page, auditor.email, auditor.password);
  });

  afterAll(async () => {
    await closeUserPages(page ? [page] : []);
    await browser?.close();
  });

  it('lists accesses and refusals, filters them by patient, outcome and time, and exports them as CSV', async () => {
    expect(pathname(page)).toBe('/audit/accesses');
    await page.getByRole('table', { name: /All accesses/ }).waitFor();
    await checkPage(page, 'accesses');

    await page.getByLabel('Patient ID', { exact: true }).fill(patient.id);
    await page.getByLabel('Outcome', { exact: true }).selectOption('refused');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('patientId') === patient.id);
    const table = page.getByRole('table', { name: /Matching accesses/ });
    await table.waitFor();
    await eventually(async () => (await table.getByRole('row').count()) === 2, 10_000, 'one refused row');
    const refused = table.getByRole('row').nth(1);
    const text = (await refused.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(refusingDoctorName);
    expect(text).toContain('Refused: no grant FORBIDDEN');
    expect(text).toContain('Doctor, Hospital A');

    // From an hour ago: still there; from tomorrow: nothing. The address holds the instant in UTC.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const from = page.getByLabel('From', { exact: true });
    await from.fill(await localInput(page, hourAgo));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.has('from'));
    const fromParameter = new URL(page.url()).searchParams.get('from')!;
    expect(fromParameter).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
    expect(Math.abs(Date.parse(fromParameter) - Date.parse(hourAgo))).toBeLessThan(60_000);
    await table.getByRole('row').nth(1).waitFor();
    await from.fill(await localInput(page, new Date(Date.now() + 86_400_000).toISOString()));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No access matches these filters.').waitFor();
    await from.fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await table.getByRole('row').nth(1).waitFor();
    await checkAccessibility(page, 'auditor accesses filtered');

    // The export: every matching row, as the API streams it, saved as a file.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^accesses.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^at,txId,blockNumber,outcome,refusalCode,reportId,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`refused,FORBIDDEN,${reportId}`);
    expect(lines[1]).toContain(patient.id);
    await page.getByText(/^Saved accesses.*\.csv/).waitFor();
    await expectNoBrowserStorage(page);
  });

  it('opens a report’s history as a timeline and verifies the stored copy', async () => {
    await page
      .getByRole('link', { name: /^lab .* \(history\)$/ })
      .first()
      .click();
    await page.waitForURL((url) => url.pathname === `/audit/reports/${reportId}`);
    const timeline = page.getByRole('list').filter({ hasText: 'Report recorded' });
    await timeline.waitFor();
    const events = await timeline.getByRole('heading', { level: 3 }).allInnerTexts();
    expect(events.map((event) => event.replace(/\s+/g, ' ').trim())).toEqual([
      'Opening refused Refused: no grant',
      'Report opened Granted',
      'Report recorded',
    ]);
    await checkPage(page, 'report-history');
    await page.getByRole('button', { name: 'Verify against the ledger' }).click();
    await page.getByText('The stored copy matches the ledger.').waitFor();

    // The lookup box goes to another report's history (an unknown one is a readable 404).
    await page.getByLabel('Report ID', { exact: true }).fill(randomUUID());
    await page.getByRole('button', { name: 'Show history' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Request ID' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('NOT_FOUND');
  });

  it('reviews an emergency access with an outcome and a note', async () => {
    await navigate(page, 'Emergencies', '/audit/emergencies');
    const card = page.getByRole('listitem').filter({ hasText: justification });
    await card.waitFor();
    // The doctor by name, and a link to what they opened while the emergency ran.
    expect(await card.innerText()).toContain(`${refusingDoctorName}, Hospital A`);
    await checkPage(page, 'emergencies');
    // No outcome chosen: the form says so.
    await card.getByRole('button', { name: 'Record review' }).click();
    await card.getByText('Choose whether the emergency access was appropriate.').waitFor();
    await card.getByRole('radio', { name: 'Inappropriate' }).check();
    await card.getByLabel('Note').fill('No record of the patient being unconscious.');
    await card.getByRole('button', { name: 'Record review' }).click();
    await page.getByText(/^Review recorded: .* was inappropriate\.$/).waitFor();
    await card.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Reviewed', exact: true }).click();
    const reviewed = page.getByRole('listitem').filter({ hasText: justification });
    await reviewed.waitFor();
    expect(await reviewed.innerText()).toContain('No record of the patient being unconscious.');
    expect(await reviewed.getByText('Inappropriate', { exact: true }).count()).toBeGreaterThan(0);
    await checkPage(page, 'emergencies-reviewed');
    const listed = await callApi('/api/v1/audit/emergencies?reviewed=true', { headers: bearer(auditor.accessToken) });
    expect((listed.body as { items: Array<{ id: string; review: { outcome: string } | null }> }).items).toContainEqual(
      expect.objectContaining({ id: emergencyId, review: expect.objectContaining({ outcome: 'inappropriate' }) }),
    );
  });

  it('runs the integrity report with its progress and counts', async () => {
    await navigate(page, 'Integrity', '/audit/integrity');
    await page.getByLabel('Patient ID (optional)', { exact: true }).fill(patient.id);
    await page.getByRole('button', { name: 'Run integrity report' }).click();
    await page.getByText('Done: 1 report checked of this patient, 1 verified, 0 mismatches.').waitFor();
    await page.getByText('Every checked report matches the ledger.').waitFor();
    expect(await page.getByText(/^Elapsed \d+:\d{2}$/).count()).toBe(1);
    await checkPage(page, 'integrity');
  });

  it('shows the system status: versions, channel, peers, IPFS and the projection', async () => {
    await navigate(page, 'System status', '/system');
    const peers = page.getByRole('table', { name: /Peers of channel/ });
    await peers.waitFor();
    expect(await peers.getByRole('row').count()).toBeGreaterThan(1);
    expect(await peers.getByText('Up', { exact: true }).count()).toBeGreaterThan(0);
    for (const heading of ['Versions', 'Document store (IPFS)', 'Audit projection'])
      await page.getByRole('heading', { name: heading }).waitFor();
    await checkPage(page, 'system-status');
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });
});
