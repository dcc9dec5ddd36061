import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Box } from '@kassa/iot-box';
import { AppShell } from './pages/app.js';
import { CashierPage } from './pages/cashier.js';
import { expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/**
 * A terminal that stops talking in the middle of a payment: after the till's silence limit (set to
 * 10 s in this browser) the line says what to check on the terminal and offers "Ask the terminal",
 * which has the box ask the terminal at once, long before the box's own limit (here 5 minutes). The
 * ask always ends on screen within the till's patience: the answer, the box's refusal, or none.
 */
describe('the cashier asks a silent terminal', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let till: CashierPage;
  let box: Box;

  beforeAll(async () => {
    stack = await Stack.start();
    box = await stack.startBox(stack.demo.boxToken, { transactionTimeoutMs: 300_000 });
    browser = await launchBrowser();
    page = (await openPage(await newContext(browser), stack.url)).page;
    till = new CashierPage(page);
    await new AppShell(page).logIn(stack.demo.cashier);
    await page.evaluate(() => localStorage.setItem('kassa.pos.silentTerminalSeconds', '10'));
  }, 120_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshot(page, 'failed-silent-terminal', { fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('explains what to check; "Ask the terminal" always answers on screen: no answer after 20 s, then the terminal offline', async () => {
    await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'no-answer' });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 2);
    await till.startPayment();
    const line = await till.payWith('Card');
    const panel = line.getByRole('group', { name: 'The terminal is silent.' });
    await panel.waitFor({ timeout: 30_000 });
    await panel.getByText('Is it on, and does its screen show this payment').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'silent-terminal', { fullPage: true });
    await panel.getByRole('button', { name: 'Ask the terminal' }).click();
    // The box takes the answer as lost and asks; the emulated terminal holds the question about a
    // transaction it never finishes, so nothing comes: the line is "checking", and the same ask
    // ends on screen, in the checking panel, with "no answer" after the till's patience (20 s).
    await line.and(page.locator('[data-state="unknown"]')).waitFor({ timeout: 15_000 });
    await panel.waitFor({ state: 'detached' });
    const checking = line.getByRole('region', { name: 'We are checking with the terminal' });
    await checking.getByText(/^No answer from the terminal after 20 s\./).waitFor({ timeout: 30_000 });
    await screenshot(page, 'silent-terminal-no-answer', { fullPage: true });

    // The terminal goes off: "Check again" gets the box's refusal at once, in words.
    await stack.terminals.get(stack.demo.terminalId)?.close();
    await checking.getByRole('button', { name: 'Check again' }).click();
    await checking.getByText(/^The terminal is offline: the box cannot ask it now/).waitFor({ timeout: 10_000 });
    await expectAccessible(page);
    await screenshot(page, 'check-again-terminal-offline', { fullPage: true });
  }, 120_000);
});
