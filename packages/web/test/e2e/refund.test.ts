import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '@kassa/iot-box';
import { AppShell } from './pages/app.js';
import { CashierPage } from './pages/cashier.js';
import { ApiClient } from './support/api.js';
import { docScreenshot, expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/** A manager who approves refunds at the till with a PIN. */
const MANAGER = { username: 'ruben', password: 'approves-refunds-daily', pin: '1357' };

/**
 * A customer brings a cola back: from the validated order's receipt the cashier refunds that line to
 * the card, with a manager's approval on the spot; the emulated terminal runs a refund
 * (TransactionType 20), the refund line follows it live, and the refund receipt prints.
 */
describe('the cashier refunds a returned line to the card', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let till: CashierPage;
  let box: Box;

  beforeAll(async () => {
    stack = await Stack.start();
    box = await stack.startBox(stack.demo.boxToken);
    const admin = await ApiClient.logIn(stack.url, stack.demo.admin);
    await admin.post('/api/users', { username: MANAGER.username, password: MANAGER.password, role: 'manager', pin: MANAGER.pin });
    browser = await launchBrowser();
    page = (await openPage(await newContext(browser, { height: 1100 }), stack.url)).page;
    till = new CashierPage(page);
    await new AppShell(page).logIn(stack.demo.cashier);
  }, 120_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshot(page, 'failed-refund', { fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('refunds one cola by card (its method marked while the terminal is offline): approved by a manager, run by the terminal as a refund, with its receipt', async () => {
    let lane = await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve', manualKeys: true });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 2);
    await till.addBySearch('col');
    await till.startPayment();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    lane.press('card');
    await till.waitForStatus(line, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(line, 'Approved');
    await till.validateOrder();
    const sold = lane.ledger.map((e) => [e.kind, e.signedCents, e.result]);

    // The terminal goes off: "Pay back by" marks its method, as the payment screen and the device
    // picker do; back on, the mark goes.
    await lane.close();
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const form = page.getByRole('form', { name: 'Refund' });
    const card = form.getByRole('combobox', { name: 'Pay back by' }).locator('option', { hasText: 'Card' });
    await expect.poll(async () => (await card.textContent())?.trim(), { timeout: 10_000 }).toBe('Card — terminal offline');
    lane = await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve', manualKeys: true });
    await expect.poll(async () => (await card.textContent())?.trim(), { timeout: 10_000 }).toBe('Card');

    await form.getByRole('spinbutton', { name: 'Cola' }).fill('1');
    await form.getByRole('combobox', { name: 'Pay back by' }).selectOption({ label: 'Card' });
    await form.getByRole('textbox', { name: /Reason/ }).fill('Cola returned unopened');
    await form.getByRole('button', { name: 'Refund', exact: true }).click();

    // A cashier refunds with a manager's approval on the spot.
    const dialog = till.approvalDialog();
    await dialog.getByText('A refund needs a manager.').waitFor();
    await dialog.getByRole('textbox', { name: 'Manager username' }).fill(MANAGER.username);
    await dialog.getByLabel('PIN or password').fill(MANAGER.pin);
    await dialog.getByRole('button', { name: 'Approve and refund' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const refundLine = page
      .getByRole('list', { name: 'Refunds' })
      .getByRole('listitem')
      .filter({ has: page.getByRole('status') })
      .first();
    await till.waitForStatus(refundLine, 'Insert or tap the card');
    // While the terminal runs the refund it stands in the way of closing the till, a link to its order.
    const closing = await page.context().newPage();
    await closing.goto(`${stack.url}/#/pos/close`);
    await closing
      .getByRole('list', { name: '1 refund is still running or unknown' })
      .getByRole('link', { name: /^Order #\d+: €2\.80 back by Card$/ })
      .waitFor();
    await closing.close();
    lane.press('card');
    await till.waitForStatus(refundLine, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(refundLine, 'Approved');
    expect([...sold, ...lane.ledger.map((e) => [e.kind, e.signedCents, e.result])]).toEqual([
      ['purchase', 980, 'Approved'],
      ['refund', -280, 'Approved'],
    ]);
    // The receipt follows the refund live: approved, it shows without a state.
    await page.getByRole('table', { name: 'Refunds' }).locator('tr[data-state="done"]').getByText('Refund by Card').waitFor();
    await expectAccessible(page);
    await docScreenshot(page, 'web-refund', { fullPage: true });

    await page.getByRole('button', { name: 'Refund receipt' }).click();
    const receipt = page.getByRole('article', { name: 'Refund receipt' });
    await receipt.getByText('Cardholder ticket').waitFor();
    expect(await receipt.textContent()).toMatch(/1 × Cola.*-€2\.80.*Paid back.*-€2\.80.*Card.*Reason: Cola returned unopened.*REFUND/s);
    await expectAccessible(page);
  });

  it('cancels an order paid by card and cash: a manager approves, the terminal refunds the card, the cash goes back from the drawer', async () => {
    const lane = await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve', manualKeys: true });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 2);
    await till.startPayment();
    const card = await till.payWith('Card', '3.00');
    await till.waitForStatus(card, 'Insert or tap the card');
    lane.press('card');
    await till.waitForStatus(card, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(card, 'Approved');
    await till.payWith('Cash');

    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByText(/Cancel this order and pay back €\d/).waitFor();
    await page.getByRole('button', { name: 'Cancel and pay back' }).click();
    await till.approvalDialog().getByText('Cancelling an order that took money needs a manager.').waitFor();
    await till.approveAsManager({ username: MANAGER.username, secret: MANAGER.pin, reason: 'Customer changed their mind' }, 'Cancel and pay back');
    await page.getByRole('heading', { name: 'Order cancelled' }).waitFor();

    const refunds = page.getByRole('list', { name: 'Refunds' });
    const cardRefund = refunds.getByRole('listitem', { name: /^Card / });
    await till.waitForStatus(cardRefund, 'Insert or tap the card');
    lane.press('card');
    await till.waitForStatus(cardRefund, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(cardRefund, 'Approved');
    await page.getByText(/Everything is paid back/).waitFor();
    expect(lane.ledger.map((e) => [e.kind, e.signedCents, e.result]).slice(-2)).toEqual([
      ['purchase', 300, 'Approved'],
      ['refund', -300, 'Approved'],
    ]);
    await expectAccessible(page);
    await screenshot(page, 'cancel-order-refunds', { fullPage: true });

    // The customer's slip: the order had no receipt, so the slip names the order, with the terminal's ticket.
    await refunds
      .getByRole('listitem')
      .filter({ has: page.getByRole('listitem', { name: /^Card / }) })
      .getByRole('button', { name: 'Refund receipt' })
      .click();
    const slip = page.getByRole('article', { name: 'Refund receipt' });
    await slip.getByText('Cardholder ticket').waitFor();
    expect(await slip.textContent()).toMatch(/Refund of cancelled order [0-9a-f]{8}.*Paid back.*-€3\.00.*Card.*REFUND/s);
    await page.getByRole('button', { name: 'Back to the order' }).click();
    await page.getByRole('heading', { name: 'Order cancelled' }).waitFor();

    // The till's orders list shows what the cancelled order took and, under it, what it gave back.
    await page.goto(`${stack.url}/#/pos/orders`);
    const row = page.getByRole('row').filter({ hasText: 'Cancelled' }).first();
    await row.getByText(/^Refunded €\d+\.\d\d$/).waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    const paid = cells.find((c) => c.includes('Refunded')) ?? '';
    expect(paid).toMatch(/^(€\d+\.\d\d)Refunded \1$/);
    // …and leads back to its refunds, where each slip can be printed again.
    await row.getByRole('link', { name: 'Refunds' }).click();
    await page.getByRole('heading', { name: 'Order cancelled' }).waitFor();
    expect(await page.getByRole('list', { name: 'Refunds' }).getByRole('button', { name: 'Refund receipt' }).count()).toBe(2);
  });

  it('finds the refunded sale on the back office orders screen by session and by time, the filters kept in the address', async () => {
    const context = await newContext(browser);
    const admin = (await openPage(context, stack.url)).page;
    await new AppShell(admin).logIn(stack.demo.admin);
    await admin.goto(`${stack.url}/#/orders`);
    const session = admin.getByRole('combobox', { name: 'Session' });
    const option = session.getByRole('option', { name: /^Session \d+ · / }).first();
    await option.waitFor({ state: 'attached' });
    const sessionId = /^Session (\d+)/.exec((await option.textContent()) ?? '')?.[1] ?? '';
    await session.selectOption(sessionId);
    await admin.waitForURL(new RegExp(`session=${sessionId}`));
    const rows = admin.getByRole('table', { name: 'Orders' }).getByRole('row');
    await rows.filter({ hasText: 'Validated' }).first().waitFor();
    // Until a time before the day began: nothing; the filters stay in the address across a reload.
    await admin.getByLabel('Until').fill('2020-01-01T08:00');
    await admin.waitForURL(/to=2020-01-01T08%3A00/);
    await admin.getByText('No order matches.').waitFor();
    await admin.reload();
    expect(await admin.getByLabel('Until').inputValue()).toBe('2020-01-01T08:00');
    expect(await admin.getByRole('combobox', { name: 'Session' }).inputValue()).toBe(sessionId);
    await admin.getByText('No order matches.').waitFor();
    // From that time on: the day's orders again.
    await admin.getByLabel('Until').fill('');
    await admin.getByLabel('From').fill('2020-01-01T08:00');
    await admin.waitForURL(/from=2020-01-01T08%3A00/);
    await rows.filter({ hasText: 'Validated' }).first().waitFor();
    await expectAccessible(admin);
    await context.close();
  });
});
