/**
 * The account pages in Chromium against the running system, with the e-mail through a real
 * SMTP server this suite starts where the API sends: a new doctor's activation from the
 * link in their e-mail (the token leaves the address bar; a used link says what to do), the
 * forgotten password from the sign-in page to the reset e-mail and its page, the neutral
 * registration answer, and the change of password on the account page (the other sessions
 * end). Every page passes axe at desktop and tablet size and is kept as a screenshot.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import {
  bearer,
  bootstrapAdmin,
  jsonBody,
  login,
  registerPatient,
  type SignedIn,
  strongPassword,
  uniqueEmail,
} from '../support/accounts.js';
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
  VIEWPORTS,
} from '../support/browser.js';
import { subjectOf, TestSmtpServer, textOf } from '../support/smtp-server.js';

const pathname = (page: Page) => new URL(page.url()).pathname;

describe('the account pages in Chromium: activation, forgotten password, change of password', () => {
  const smtp = new TestSmtpServer();
  let browser: Browser;
  let admin: SignedIn;
  const pages: Page[] = [];

  /** axe at both sizes and a screenshot of each, one `<h1>`; back at desktop size afterwards. */
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

  /** The path and query of the link (`/activate?token=…`) in the newest e-mail of this subject to the address. */
  async function linkIn(address: string, subject: RegExp, page: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mail = smtp
        .messagesTo(address)
        .filter((received) => subject.test(subjectOf(received) ?? ''))
        .at(-1);
      const token = mail && new RegExp(`${page}\\?token=([A-Za-z0-9_-]{43})`).exec(textOf(mail))?.[1];
      if (token) return `${page}?token=${token}`;
      if (Date.now() > deadline) throw new Error(`no ${page} link reached ${address}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Fills a new password and its confirmation. */
  const choosePassword = async (page: Page, password: string, confirmation = password) => {
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Confirm the new password', { exact: true }).fill(confirmation);
  };

  beforeAll(async () => {
    await expectPortalServed();
    await smtp.start();
    browser = await launchBrowser();
    admin = await bootstrapAdmin('hospital-a');
  });

  afterEach(() => closeUserPages(pages));

  afterAll(async () => {
    await browser?.close();
    await smtp.stop();
  });

  it('a new doctor activates their account from the e-mailed link, then signs in; the link works once', async () => {
    const email = uniqueEmail('doctor');
    const created = await callApi('/api/v1/admin/users', {
      method: 'POST',
      ...jsonBody(
        { email, fullName: `Dr Ines Marlow ${randomUUID().slice(0, 4)}`, role: 'doctor', licenseNumber: 'MD-77001' },
        bearer(admin.accessToken),
      ),
    });
    expect(created.status).toBe(201);
    const link = await linkIn(email, /choose the password/, '/activate');

    const page = await openPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Activate your account' }).waitFor();
    // The token is taken out of the address bar (and so the history) at once.
    expect(new URL(page.url()).search).toBe('');
    await capture(page, 'public', 'activate');

    // Said beside the field, tied to it: the confirmation differs.
    const password = strongPassword();
    await choosePassword(page, password, `${password}-typo`);
    await page.getByRole('button', { name: 'Activate my account' }).click();
    const confirmation = page.getByLabel('Confirm the new password', { exact: true });
    expect(await confirmation.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await confirmation.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText()).toMatch(/not the same/);
    await checkAccessibility(page, 'activate with an error');

    await choosePassword(page, password);
    const answered = nextResponse(page, '/api/v1/auth/activate');
    await page.getByRole('button', { name: 'Activate my account' }).click();
    expect((await answered).status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Your account is active' }).waitFor();
    await page.getByText(`Sign in with ${email}`).waitFor();
    await capture(page, 'public', 'activated');
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signIn(page, email, password);
    expect(pathname(page)).toMatch(/^\/patients/);
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);

    // The same link again: refused, in words, with what to do.
    const again = await openPage();
    await again.goto(link);
    await choosePassword(again, strongPassword());
    await again.getByRole('button', { name: 'Activate my account' }).click();
    const alert = again.getByRole('alert').filter({ hasText: 'Request ID' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('INVALID_LINK');
    await again.getByText(/ask your hospital’s MedLedger administrator to send you a new activation e-mail/).waitFor();
    await capture(again, 'public', 'activate-used-link');
    expectNoBrowserProblems(again);
  });

  it('a patient who forgot their password asks for a link from the sign-in page and chooses a new one', async () => {
    const patient = await registerPatient();
    const other = await login(patient.email, patient.password);
    const page = await openPage();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL((url) => url.pathname === '/forgot-password');
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await capture(page, 'public', 'forgot-password');
    await page.getByLabel('E-mail', { exact: true }).fill(patient.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your e-mail' }).waitFor();
    await page.getByText(/If this address belongs to an active account/).waitFor();
    await capture(page, 'public', 'forgot-password-sent');

    const link = await linkIn(patient.email, /reset your password/, '/reset-password');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await capture(page, 'public', 'reset-password');
    const password = strongPassword();
    await choosePassword(page, password);
    const answered = nextResponse(page, '/api/v1/auth/password-reset/confirm');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    expect((await answered).status()).toBe(204);
    await page.getByRole('heading', { level: 1, name: 'Your password is changed' }).waitFor();
    await capture(page, 'public', 'reset-password-done');
    // Every session of the account ended; the new password signs in.
    expect((await callApi('/api/v1/auth/me', { headers: bearer(other.accessToken) })).status).toBe(401);
    await signIn(page, patient.email, password);
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });

  it('registration answers the same for an address that has an account, in words true either way', async () => {
    const patient = await registerPatient();
    const page = await openPage();
    await page.goto('/register');
    await page.getByLabel('Full name', { exact: true }).fill('Someone Else');
    await page.getByLabel('Date of birth', { exact: true }).fill('1990-01-01');
    await page.getByLabel('E-mail', { exact: true }).fill(patient.email);
    await page.getByLabel('Password', { exact: true }).fill(strongPassword());
    await page.locator('select option').first().waitFor({ state: 'attached' });
    const answered = nextResponse(page, '/api/v1/auth/register');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    expect((await answered).status()).toBe(202);
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    await page.getByText(/If it already had an account/).waitFor();
    await capture(page, 'public', 'register-accepted');
    // Nothing changed: the owner's password still signs in.
    expect((await login(patient.email, patient.password)).id).toBe(patient.id);
    expectNoBrowserProblems(page);
  });

  it('a signed-in user changes their password on the account page; their other sessions end', async () => {
    const patient = await registerPatient();
    const other = await login(patient.email, patient.password);
    const page = await openPage();
    await signIn(page, patient.email, patient.password);
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByRole('heading', { level: 2, name: 'Change password' }).waitFor();
    await capture(page, 'patient', 'account');

    const password = strongPassword();
    await page.getByLabel('Current password', { exact: true }).fill('not my password at all');
    await choosePassword(page, password);
    await page.getByRole('button', { name: 'Change password' }).click();
    const current = page.getByLabel('Current password', { exact: true });
    await page.getByText('This is not your current password.').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    await checkAccessibility(page, 'account with a wrong current password');

    await current.fill(patient.password);
    const answered = nextResponse(page, '/api/v1/auth/password');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect((await answered).status()).toBe(204);
    await page.getByText('Your password is changed. Every other session of yours was signed out.').waitFor();
    await capture(page, 'patient', 'account-password-changed');
    expect((await callApi('/api/v1/auth/me', { headers: bearer(other.accessToken) })).status).toBe(401);
    // This session goes on.
    await page.getByRole('banner').getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/sessions');
    await page.getByRole('table').waitFor();
    expect((await login(patient.email, password)).id).toBe(patient.id);
    await expectNoBrowserStorage(page);
    expectNoBrowserProblems(page);
  });
});
