/**
 * Two-step sign-in in Chromium against the running system: a new doctor's first sign-in
 * leads to the enrolment and nowhere else (a QR code from a data URL, the key as text, a
 * code to confirm, the recovery codes with "I have saved them"), then the portal opens;
 * later sign-ins ask for the code (or a recovery code) after the password; a patient finds
 * the optional enrolment under "Two-step sign-in". Every page passes axe at desktop and
 * tablet size and is kept as a screenshot.
 */
import type { Browser, Page } from 'playwright-core';
import { bootstrapAdmin, createStaffAccount, registerPatient, type SignedIn } from '../support/accounts.js';
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
import {
  currentStep,
  knownSecondFactor,
  nextTotpCode,
  rememberSecondFactor,
  totpCodeAt,
} from '../support/second-factor.js';

const pathname = (page: Page) => new URL(page.url()).pathname;

describe('two-step sign-in in Chromium', () => {
  let browser: Browser;
  let doctor: { email: string; password: string };
  let recoveryCodes: string[] = [];
  const pages: Page[] = [];

  /** axe at both sizes and a screenshot of each; back at desktop size afterwards. */
  const capture = async (page: Page, role: string, name: string) => {
    for (const viewport of ['desktop', 'tablet'] as const) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      await checkAccessibility(page, `${role}: ${name} (${viewport})`);
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      await screenshot(page, role, name, viewport);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  };

  const openPage = async () => {
    const page = await newUserPage(browser);
    pages.push(page);
    return page;
  };

  const passwordStep = async (page: Page, account: { email: string; password: string }) => {
    await page.goto('/sign-in');
    await page.getByLabel('E-mail', { exact: true }).fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  /** A 6-digit code the API certainly refuses now. */
  const wrongCode = (secret: string) => {
    const near = new Set([-1, 0, 1, 2].map((delta) => totpCodeAt(secret, currentStep() + delta)));
    return ['000000', '111111', '222222'].find((code) => !near.has(code))!;
  };

  beforeAll(async () => {
    await expectPortalServed();
    browser = await launchBrowser();
    doctor = await createStaffAccount(await bootstrapAdmin('hospital-a'), 'doctor');
  });

  afterAll(async () => {
    await closeUserPages(pages);
    await browser?.close();
  });

  it('sends a doctor without a second factor to the enrolment, and nowhere else until it is done', async () => {
    const page = await openPage();
    await passwordStep(page, doctor);
    await page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }).waitFor();
    expect(pathname(page)).toBe('/second-factor');
    // Nothing else: no navigation, and any other page comes back here.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.goto('/patients');
    await page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }).waitFor();
    expect(pathname(page)).toBe('/second-factor');
    await capture(page, 'doctor', 'second-factor-start');

    await page.getByRole('button', { name: 'Set up my authenticator app' }).click();
    await page.getByRole('heading', { level: 1, name: 'Scan the QR code' }).waitFor();
    const qrCode = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qrCode.waitFor();
    expect(await qrCode.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(
      await qrCode.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(100);
    const secret = (await page.locator('.totp-secret').innerText()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    rememberSecondFactor(doctor.email, secret);
    const codeField = page.getByLabel('Code from the app', { exact: true });
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    await capture(page, 'doctor', 'second-factor-scan');

    await codeField.fill(wrongCode(secret));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_SECOND_FACTOR_CODE' }).waitFor();
    await codeField.fill(await nextTotpCode(doctor.email));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Save your recovery codes' }).waitFor();
    recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    await capture(page, 'doctor', 'second-factor-recovery-codes');

    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(pathname(page)).toBe('/patients');
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });

  it('asks for the code after the password; a wrong one is refused, the right one signs in', async () => {
    const page = await openPage();
    await passwordStep(page, doctor);
    await page.getByRole('heading', { level: 1, name: 'Enter your authentication code' }).waitFor();
    const codeField = page.getByLabel('Authentication code', { exact: true });
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    expect(await page.getByRole('button', { name: 'Use a recovery code instead' }).isVisible()).toBe(true);
    await capture(page, 'doctor', 'sign-in-code');

    await codeField.fill(wrongCode(knownSecondFactor(doctor.email)!));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_SECOND_FACTOR_CODE' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('That code is not right');
    await capture(page, 'doctor', 'sign-in-code-refused');
    await codeField.fill(await nextTotpCode(doctor.email));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(pathname(page)).toBe('/patients');
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);

    // The suites' own sign-in helper takes the same two steps.
    const again = await openPage();
    await signIn(again, doctor.email, doctor.password);
    expect(pathname(again)).toBe('/patients');
  });

  it('signs in with a recovery code instead, once', async () => {
    const page = await openPage();
    await passwordStep(page, doctor);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByRole('heading', { level: 1, name: 'Enter a recovery code' }).waitFor();
    await capture(page, 'doctor', 'sign-in-recovery-code');
    await page.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    const second = await openPage();
    await passwordStep(second, doctor);
    await second.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await second.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[0]!);
    await second.getByRole('button', { name: 'Verify', exact: true }).click();
    await second.getByRole('alert').filter({ hasText: 'INVALID_SECOND_FACTOR_CODE' }).waitFor();
    expectNoBrowserProblems(second);
  });

  it('offers a patient the optional two-step sign-in from the account menu', async () => {
    const patient: SignedIn = await registerPatient('hospital-a');
    const page = await openPage();
    await signIn(page, patient.email, patient.password);
    await page.getByRole('link', { name: 'Two-step sign-in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-step sign-in' }).waitFor();
    await page.getByRole('button', { name: 'Set up my authenticator app' }).waitFor();
    await capture(page, 'patient', 'second-factor');
    await page.getByRole('button', { name: 'Set up my authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
    const secret = (await page.locator('.totp-secret').innerText()).replace(/\s+/g, '');
    rememberSecondFactor(patient.email, secret);
    await page.getByLabel('Code from the app', { exact: true }).fill(await nextTotpCode(patient.email));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Two-step sign-in is on').waitFor();
    expect(await page.getByText('You have 10 recovery codes left.').isVisible()).toBe(true);
    await capture(page, 'patient', 'second-factor-on');
    // The patient's next sign-in asks for the code too.
    const next = await openPage();
    await signIn(next, patient.email, patient.password);
    expect(pathname(next)).toBe('/records');
    expectNoBrowserProblems(page);
  });
});
