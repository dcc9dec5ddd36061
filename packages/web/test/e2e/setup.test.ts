import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppShell } from './pages/app.js';
import { PaymentMethodsPage } from './pages/back-office.js';
import type { WatchedPage } from './support/browser.js';
import { expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

const OWNER = { username: 'owner', password: 'frituur-first-day-2026' };

/**
 * First run without demo data: the server starts on an empty database and prints a one-time setup
 * link; its page creates the first admin, who lands signed in in the back office. The link works
 * once: used again, it says so and offers the login.
 */
describe('the setup link creates the first admin, once', () => {
  let stack: Stack;
  let browser: Browser;
  let first: WatchedPage;
  let page: Page;
  let setupUrl: string;

  beforeAll(async () => {
    stack = await Stack.start({ demo: false });
    setupUrl = stack.server.setupUrl ?? '';
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('prints a setup link to the setup page of this server, and nobody can sign in before it is used', async () => {
    expect(setupUrl).toMatch(new RegExp(`^${stack.url.replace(/\./g, '\\.')}/#/setup/[A-Za-z0-9_-]{20,128}$`));
    const before = await fetch(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
    expect(before.status).toBe(409);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('KASSA_SETUP_REQUIRED');
  });

  it('without the link, the page says where to find it', async () => {
    const visitor = await openPage(await newContext(browser), stack.url);
    await visitor.page.getByRole('heading', { level: 1, name: 'Set up kassa' }).waitFor();
    await visitor.page.getByText('Open the setup link the server printed when it started').waitFor();
    expect(await visitor.page.getByRole('button', { name: 'Create the admin' }).count()).toBe(0);
    expect(visitor.errors).toEqual([]);
    await visitor.page.context().close();
  });

  it('refuses a common password beside the password field, and creates nothing', async () => {
    first = await openPage(await newContext(browser), setupUrl);
    page = first.page;
    await page.getByRole('heading', { level: 1, name: 'Set up kassa' }).waitFor();
    await page.getByText('No admin exists yet. Choose the username and password of the first admin.').waitFor();
    await page.getByRole('textbox', { name: 'Username' }).fill(OWNER.username);
    const password = page.getByLabel('Password', { exact: true });
    // Long enough for the form, but among the most common passwords: only the server knows.
    await password.fill('1q2w3e4r5t6y');
    await page.getByRole('button', { name: 'Create the admin' }).click();
    expect(await new PaymentMethodsPage(page).errorBeside(password)).toBe(
      'This password is one of the 10,000 most common ones, or one with digits or symbols around it; choose another.',
    );
    await screenshot(page, 'setup-weak-password');
    await expectAccessible(page);
    // Still no admin: the login still answers that setup is required.
    const login = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: OWNER.username, password: '1q2w3e4r5t6y' }),
    });
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('KASSA_SETUP_REQUIRED');
  });

  it('creates the first admin, who lands signed in in the back office', async () => {
    // A second person opened the same link meanwhile, before the admin exists.
    const late = await openPage(await newContext(browser), setupUrl);
    await late.page.getByRole('button', { name: 'Create the admin' }).waitFor();

    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Create the admin' }).click();
    const shell = new AppShell(page);
    await shell.nav.waitFor();
    await shell.heading('Settings').waitFor();
    await page.getByText(`Signed in as ${OWNER.username} (Admin)`).waitFor();
    expect(new URL(page.url()).hash).toBe('#/admin/settings');
    await expectAccessible(page);

    // The late one submits the same link: refused in words, nothing created.
    await late.page.getByRole('textbox', { name: 'Username' }).fill('intruder');
    await late.page.getByLabel('Password', { exact: true }).fill('another-long-passphrase');
    await late.page.getByRole('button', { name: 'Create the admin' }).click();
    await late.page.getByRole('alert').filter({ hasText: 'An admin exists already; sign in instead.' }).waitFor();
    const intruder = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'intruder', password: 'another-long-passphrase' }),
    });
    expect(intruder.status).toBe(401);
    await late.page.context().close();
  });

  it('opened again, the used link says an admin exists and offers the login, which leads to the back office', async () => {
    const again = await openPage(await newContext(browser), setupUrl);
    const shell = new AppShell(again.page);
    await again.page.getByRole('heading', { level: 1, name: 'Sign in to kassa' }).waitFor();
    await again.page.getByRole('status').filter({ hasText: 'An admin exists already; sign in instead.' }).waitFor();
    expect(await again.page.getByRole('button', { name: 'Create the admin' }).count()).toBe(0);
    await expectAccessible(again.page);
    await shell.logIn(OWNER);
    await shell.heading('Settings').waitFor();
    expect(new URL(again.page.url()).hash).toBe('#/admin/settings');
    expect(again.errors).toEqual([]);
    await again.page.context().close();
  });

  it('left no error in the browser console', () => {
    expect(first.errors).toEqual([]);
  });
});
