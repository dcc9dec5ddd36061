import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppShell } from './pages/app.js';
import { ApiClient } from './support/api.js';
import { expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/**
 * A manager or admin chooses what the live updates follow: every till, one shop or one POS. The
 * shops come from the POS configurations (set in the back office), archived POS are not offered,
 * and the choice reconnects the stream to that shop.
 */
describe('the admin follows one shop', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let shell: AppShell;

  beforeAll(async () => {
    stack = await Stack.start();
    const admin = await ApiClient.logIn(stack.url, stack.demo.admin);
    const methods = (await admin.get<{ items: { id: number; name: string }[] }>('/api/payment-methods')).items;
    const cash = methods.find((m) => m.name === 'Cash')!.id;
    await admin.post('/api/pos-configs', { name: 'Terrace', paymentMethodIds: [cash] });
    const old = await admin.post<{ id: number }>('/api/pos-configs', { name: 'Old bar', paymentMethodIds: [cash] });
    await admin.post(`/api/pos-configs/${old.id}/archive`, {});
    browser = await launchBrowser();
    page = (await openPage(await newContext(browser, { height: 1000 }), stack.url)).page;
    shell = new AppShell(page);
    await shell.logIn(stack.demo.admin);
  }, 120_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshot(page, 'failed-follow', { fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sets a POS’s shop in the back office, lists shops and POS in use to follow, and follows the shop chosen', async () => {
    await shell.goTo('POS configurations');
    const form = page.getByRole('form', { name: 'Shop', exact: true });
    await form.getByRole('textbox', { name: 'Shop', exact: true }).fill('  Brussels – Rue Neuve ');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').waitFor();

    const follow = page.getByRole('combobox', { name: 'Follow' });
    const options = async (): Promise<string[]> => (await follow.locator('option').allTextContents()).map((o) => o.trim());
    await expect.poll(options).toEqual(['All tills', 'Shop: Brussels – Rue Neuve', 'Shop (Brussels – Rue Neuve)', 'Terrace']);

    const stream = page.waitForRequest(
      (request) => new URL(request.url()).pathname === '/api/events' && new URL(request.url()).searchParams.get('shop') === 'Brussels – Rue Neuve',
    );
    await follow.selectOption({ label: 'Shop: Brussels – Rue Neuve' });
    await stream;
    await expect.poll(() => shell.connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
    await expectAccessible(page);
  });
});
