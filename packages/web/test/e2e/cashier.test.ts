import type { User } from '@kassa/contract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Box } from '@kassa/iot-box';
import type { ScriptStep, TerminalHandle } from '@kassa/terminal-sim';
import { AppShell } from './pages/app.js';
import { PaymentsPage } from './pages/back-office.js';
import { CashierPage } from './pages/cashier.js';
import { ApiClient } from './support/api.js';
import type { WatchedPage } from './support/browser.js';
import { eventually, expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/** After the card, the terminal reports processing and waits for a key, so a cancel then comes too late. */
const PROCESSING_HELD: ScriptStep[] = [
  { stage: 'WaitingForCard' },
  { waitFor: 'card' },
  { stage: 'CardDetected' },
  { stage: 'WaitingForPin' },
  { stage: 'WaitingForTransaction' },
  { waitFor: 'pin-ok' },
  { result: 'Approved' },
];

/** A manager who approves overrides at the till with a PIN. */
const MANAGER = { username: 'manon', password: 'approves-every-override', pin: '2468' };

/**
 * The cashier sells with the demo's Lane/5000 (an emulated terminal behind a real box), watching
 * every payment state live in a real browser.
 */
describe('the cashier sells and sees every payment state live', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let page: Page;
  let till: CashierPage;
  let box: Box;
  let admin: ApiClient;
  let manager: User;

  const terminal = (scenario: 'approve' | 'decline' | 'no-answer' | 'disconnect-after-card' | ScriptStep[], manualKeys = false): Promise<TerminalHandle> =>
    stack.terminal(box, { terminalId: stack.demo.terminalId, scenario, manualKeys });

  const orderId = (): string => decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');

  /** A new order of two fries and a cola (€9.80: VAT 6%), on the payment screen. */
  const sellFriesAndCola = async (): Promise<void> => {
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 2);
    await till.addBySearch('col');
    await expect.poll(() => page.getByTestId('order-total').first().textContent()).toBe('€9.80');
    await till.startPayment();
  };

  beforeAll(async () => {
    stack = await Stack.start();
    box = await stack.startBox(stack.demo.boxToken);
    admin = await ApiClient.logIn(stack.url, stack.demo.admin);
    manager = await admin.post<User>('/api/users', { username: MANAGER.username, password: MANAGER.password, role: 'manager', pin: MANAGER.pin });
    browser = await launchBrowser();
    context = await newContext(browser);
    watched = await openPage(context, stack.url);
    page = watched.page;
    till = new CashierPage(page);
    await new AppShell(page).logIn(stack.demo.cashier);
  }, 120_000);

  beforeEach(async () => {
    // Each test starts a new sale, even when an earlier one stopped in the middle of its own.
    await page.goto(`${stack.url}/#/pos`);
    await page.evaluate(() => localStorage.removeItem('kassa.pos.order'));
    await page.goto(`${stack.url}/#/pos`);
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`, { fullPage: true });
    console.log('browser errors so far:', watched.errors, 'url:', page.url());
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sells two fries and a cola and is paid by card, approved, with the cardholder ticket on the receipt', async () => {
    const lane = await terminal('approve', true);
    await sellFriesAndCola();
    await page.getByText('VAT 6% on €9.80').waitFor();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    expect(await till.validate.isDisabled()).toBe(true);
    await screenshot(page, 'payment-in-progress');
    await expectAccessible(page);

    lane.press('card');
    await till.waitForStatus(line, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(line, 'Approved');
    await till.validateOrder();
    await till.receipt.getByText('Cardholder ticket').waitFor();
    expect(await till.receipt.textContent()).toMatch(/2 × Fries.*€7\.00.*1 × Cola.*€2\.80.*Total.*€9\.80.*VAT 6% on €9\.80.*€0\.55.*Card.*€9\.80/);
    await screenshot(page, 'receipt', { fullPage: true });
    await expectAccessible(page);

    // Printed, only the receipt remains, at the width of 80 mm paper.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print receipt' }).isVisible()).toBe(false);
    const width = (await till.receipt.boundingBox())?.width ?? 0;
    expect(Math.round(width)).toBe(Math.round((74 / 25.4) * 96));
    await page.emulateMedia({ media: 'screen' });
  });

  it('takes cash with change: the change in large type, and Enter validates the order', async () => {
    await sellFriesAndCola();
    await page.getByRole('radio', { name: 'Cash' }).check();
    await page.getByRole('button', { name: 'Exact €9.80' }).waitFor();
    await till.amount.fill('20.00');
    await page.getByText('Change €10.20').waitFor();
    const line = await till.payWith('Cash', '20.00');
    await till.waitForStatus(line, 'Cash received €20.00 · change €10.20');
    expect(await page.getByTestId('change').textContent()).toContain('€10.20');
    expect(await page.getByTestId('due').textContent()).toBe('€0.00');
    await expect.poll(() => till.validate.evaluate((button) => button === document.activeElement)).toBe(true);
    await screenshot(page, 'cash-change');
    await expectAccessible(page);
    await page.keyboard.press('Enter');
    await till.receipt.waitFor();
    expect(await till.receipt.textContent()).toMatch(/Cash.*€20\.00.*Change.*€10\.20/);
  });

  it('splits a card and cash: the running card shows in progress, and a quick tender pays the rest', async () => {
    const lane = await terminal('approve', true);
    await sellFriesAndCola();
    const card = await till.payWith('Card', '5.00');
    await till.waitForStatus(card, 'Insert or tap the card');
    expect(await page.getByTestId('in-progress').textContent()).toBe('€5.00');
    expect(await page.getByTestId('due').textContent()).toBe('€4.80');
    await page.getByRole('radio', { name: 'Cash' }).check();
    await page.getByRole('button', { name: '€5.00', exact: true }).click();
    await expect.poll(() => till.paymentLines.count()).toBe(2);
    await till.waitForStatus(till.paymentLines.nth(1), 'Cash received €5.00 · change €0.20');
    lane.press('card');
    await till.waitForStatus(card, 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(card, 'Approved');
    await till.validateOrder();
  });

  it('shows a decline in words, keeps Validate disabled, and is paid after Retry, a new payment in the same line', async () => {
    await terminal('decline');
    await sellFriesAndCola();
    const declined = await till.payWith('Card');
    await till.waitForStatus(declined, 'Declined');
    expect(await till.validate.isDisabled()).toBe(true);
    // A declined card was not charged: nobody may settle it by hand.
    expect(await declined.getByRole('button', { name: /Force done|Mark failed/ }).count()).toBe(0);

    await terminal('approve');
    await declined.getByRole('button', { name: 'Retry' }).click();
    await till.paymentLines.first().getByText('Try 2').waitFor();
    await till.waitForStatus(till.paymentLines.first(), 'Approved');
    expect(await till.paymentLines.count()).toBe(1);
    const order = await admin.order(orderId());
    expect(order.payments.map((p) => p.state)).toEqual(['retry', 'done']);
    expect(new Set(order.payments.map((p) => p.uuid)).size).toBe(2);
    await till.validateOrder();
  });

  it('cancels while the terminal waits for the card: "cancelling…" until the terminal stops it', async () => {
    await terminal('approve', true);
    await sellFriesAndCola();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    await line.getByRole('button', { name: 'Cancel payment' }).click();
    await till.waitForStatus(line, 'Stopped');
    const detail = await admin.payment((await admin.order(orderId())).payments[0]?.uuid ?? '');
    expect(detail.history.map((h) => h.toState)).toContain('waitingCancel');
    expect(detail.payment.state).toBe('retry');

    await till.payWith('Cash');
    await till.validateOrder();
  });

  it('refuses the cancel once the terminal is processing the card, and ends approved', async () => {
    const lane = await terminal(PROCESSING_HELD, true);
    await sellFriesAndCola();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    lane.press('card');
    await till.waitForStatus(line, 'Processing…');
    await line.getByRole('button', { name: 'Cancel payment' }).click();
    await line.getByText('The terminal would not cancel').waitFor();
    lane.press('pin-ok');
    await till.waitForStatus(line, 'Approved');
    await till.validateOrder();
  });

  it('settles as done through recovery when the terminal drops the line after reading the card', async () => {
    await terminal('disconnect-after-card');
    await sellFriesAndCola();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Approved');
    const uuid = (await admin.order(orderId())).payments[0]?.uuid ?? '';
    const detail = await admin.payment(uuid);
    expect(detail.history.map((h) => h.toState)).toContain('unknown');
    expect(detail.payment.state).toBe('done');
    await till.validateOrder();
  });

  it('resumes the same running payment live after a reload and on a second screen', async () => {
    const lane = await terminal('approve', true);
    await sellFriesAndCola();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    const url = page.url();

    await page.reload();
    await till.waitForStatus(till.lastLine(), 'Insert or tap the card');
    expect(page.url()).toBe(url);
    const second = await openPage(context, url);
    const secondTill = new CashierPage(second.page);
    await secondTill.waitForStatus(secondTill.lastLine(), 'Insert or tap the card');

    lane.press('card');
    await secondTill.waitForStatus(secondTill.lastLine(), 'Enter PIN');
    lane.press('pin-ok');
    await till.waitForStatus(till.lastLine(), 'Approved');
    await secondTill.waitForStatus(secondTill.lastLine(), 'Approved');
    expect(await till.paymentLines.count()).toBe(1);
    expect(second.errors).toEqual([]);
    await second.page.close();
    await till.validateOrder();
    await eventually(() => (lane.ledger.length >= 1 ? true : undefined), { what: 'the terminal to record the payment' });
  });

  it('speaks Dutch and French, with amounts in each language', async () => {
    const shell = new AppShell(page);
    await till.ensureSession();
    await shell.chooseLanguage('Nederlands');
    await page.getByRole('heading', { level: 1, name: 'Producten' }).waitFor();
    await page.getByRole('button', { name: 'Fries toevoegen, € 3,50' }).waitFor();
    await screenshot(page, 'cashier-nl');
    await shell.chooseLanguage('Français');
    await page.getByRole('heading', { level: 1, name: 'Produits' }).waitFor();
    await page.getByRole('button', { name: 'Ajouter Fries, 3,50 €' }).waitFor();
    await expectAccessible(page);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Produits' }).waitFor();
    await shell.chooseLanguage('English');
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  });

  it('shows when the screen is offline, and comes back live by itself', async () => {
    const shell = new AppShell(page);
    await till.ensureSession();
    await expect.poll(() => shell.connection.getAttribute('data-state')).toBe('live');
    await context.setOffline(true);
    await expect.poll(() => shell.connection.getAttribute('data-state')).toBe('offline');
    expect(await shell.connection.textContent()).toMatch(/^Offline since \d/);
    await context.setOffline(false);
    await expect.poll(() => shell.connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await till.ensureSession();
    await till.add('Beer');
    await screenshot(page, 'cashier-phone', { fullPage: true });
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Clear order' }).click();
    await page.setViewportSize({ width: 1024, height: 768 });
  });

  it('resolves a payment the terminal never answers by hand with a manager’s approval: a wrong PIN is refused, the right one settles', async () => {
    await terminal('no-answer');
    await sellFriesAndCola();
    const line = await till.payWith('Card');
    const panel = line.getByRole('region', { name: 'We are checking with the terminal' });
    await panel.waitFor({ timeout: 30_000 });
    await panel.getByRole('button', { name: 'Check again' }).click();
    // "Check again" always answers on screen: asked, or why not.
    await panel.locator('[role="status"]:has-text("Asked."), [role="alert"]').first().waitFor();
    // A cashier settles nothing by hand alone: the button asks for a manager.
    await panel.getByRole('button', { name: 'Force done' }).click();
    const dialog = till.approvalDialog();
    await dialog.waitFor();
    await till.approveAsManager({ username: MANAGER.username, secret: '0000', reason: 'Terminal ticket shows approved' });
    await dialog.getByRole('alert').filter({ hasText: 'Approval refused' }).waitFor();
    const paymentUuid = (await admin.order(orderId())).payments[0]?.uuid ?? '';
    expect((await admin.payment(paymentUuid)).payment.state).toBe('unknown');
    await screenshot(page, 'manager-approval');
    await expectAccessible(page);
    await till.approveAsManager({ username: MANAGER.username, secret: MANAGER.pin });
    await till.waitForStatus(line, 'Done (settled by hand)');
    await line.getByText(`Approved by ${MANAGER.username}`).waitFor();
    expect(await dialog.count()).toBe(0);
    const detail = await admin.payment(paymentUuid);
    expect(detail.payment).toMatchObject({ state: 'forceDone', settleReason: 'Terminal ticket shows approved', approvedBy: manager.id });
    expect(detail.payment.settledBy).not.toBe(manager.id);
    expect(detail.history.at(-1)).toMatchObject({
      event: 'forceDone',
      userId: detail.payment.settledBy,
      data: { approvedBy: { id: manager.id, username: MANAGER.username } },
    });
    await till.validateOrder();
  });

  it('lets the admin find each payment with every step, who settled it by hand and why, and its tickets', async () => {
    const office = await openPage(await newContext(browser), `${stack.url}/#/admin/payments`);
    await new AppShell(office.page).logIn(stack.demo.admin);
    const payments = new PaymentsPage(office.page);
    await payments.filterState('Done (settled by hand)');
    await payments.openFirst();
    await office.page.getByText('Settled by hand by cashier: Terminal ticket shows approved').waitFor();
    await office.page.getByText(`Approved on the spot by the manager ${MANAGER.username}`).waitFor();
    await payments.historyRow('lost').waitFor();
    expect(await payments.historyRow('forceDone').textContent()).toMatch(/cashier.*forceDone.*Terminal ticket shows approved/);
    await screenshot(office.page, 'payment-history', { fullPage: true });
    await expectAccessible(office.page);

    await office.page.getByRole('link', { name: 'All payments' }).click();
    await payments.filterState('Approved');
    // The demo's few approved payments fit on the first page: no page before or after it.
    const approved = await payments.table.getByRole('link', { name: /^Details/ }).count();
    expect(await payments.pager.getByRole('status').textContent()).toBe(`1–${approved} of ${approved}`);
    expect(await payments.pager.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    expect(await payments.pager.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await payments.openFirst();
    await office.page.getByRole('figure').filter({ hasText: 'CARDHOLDER COPY' }).waitFor();
    // The state is said once: the badge, without the same word beside it.
    expect(await office.page.locator('dt:text-is("State") + dd').textContent()).toBe('Approved');
    expect(office.errors).toEqual([]);
    await office.page.context().close();
  });

  it('finds a card-paid order never validated from another device, flagged in red, and resumes it there', async () => {
    await terminal('approve');
    await sellFriesAndCola();
    await till.waitForStatus(await till.payWith('Card'), 'Approved');
    const id = orderId();
    // This screen walks away; the cashier logs in on another device.
    const otherDevice = await newContext(browser);
    const other = await openPage(otherDevice, stack.url);
    await new AppShell(other.page).logIn(stack.demo.cashier);
    const notice = other.page.getByText('This session has 1 open order.');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('1 of them has a card payment that was never validated.');
    await other.page.getByRole('link', { name: 'Show them' }).click();
    const row = other.page.locator(`tr[data-order="${id}"]`);
    await row.getByText('Card paid, not validated').waitFor();
    expect(await row.getAttribute('class')).toBe('attention');
    expect(other.page.url()).toContain('attention=true');
    await screenshot(other.page, 'orders');
    await expectAccessible(other.page);
    // Closing names the order in the way, with a link to resume it.
    await other.page.goto(`${stack.url}/#/pos/close`);
    await other.page.getByRole('heading', { name: '1 open order stands in the way' }).waitFor();
    await other.page.getByRole('link', { name: new RegExp(`^Order ${id.slice(0, 8)}`) }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
    await other.page.getByRole('button', { name: 'Validate' }).click();
    await other.page.getByRole('article', { name: /^Receipt \d+/ }).waitFor();
    expect(other.errors).toEqual([]);
    await otherDevice.close();
  });

  it('closes the session with the totals per payment method', async () => {
    await page.goto(`${stack.url}/#/pos/close`);
    // Counted 7.50 € short of the expected cash: beyond the 5 € threshold, a manager approves.
    const expected = (await page.getByTestId('expected-cash').textContent()) ?? '';
    const expectedCents = Math.round(Number(expected.replace(/[^0-9.]/g, '')) * 100);
    expect(expectedCents).toBeGreaterThan(750);
    await page.getByRole('textbox', { name: 'Counted cash' }).fill(((expectedCents - 750) / 100).toFixed(2));
    await expect.poll(() => page.getByTestId('cash-difference').textContent()).toMatch(/7\.50/);
    expect(await page.getByTestId('cash-difference').textContent()).toContain('a manager must approve');
    await page.getByRole('table', { name: 'Card totals per method and terminal' }).waitFor();
    await page.getByRole('button', { name: 'Close session' }).click();
    await till.approvalDialog().waitFor();
    await till.approveAsManager({ username: MANAGER.username, secret: MANAGER.pin, reason: 'Counted twice: 7.50 short' }, 'Approve and close');
    const totals = page.getByRole('table', { name: 'Totals per payment method' });
    await totals.waitFor();
    expect(await totals.getByRole('row', { name: /^Card/ }).textContent()).toMatch(/^Card8€73\.60$/);
    expect(await totals.getByRole('row', { name: /^Cash/ }).textContent()).toMatch(/^Cash3€24\.40$/);
    await screenshot(page, 'session-closed');
    await expectAccessible(page);

    // The Z report keeps the figures and who approved the difference, and prints on the receipt printer.
    await page.getByRole('link', { name: 'Z report' }).click();
    const report = page.getByRole('article', { name: /^Z report of session/ });
    await report.waitFor();
    expect(await report.textContent()).toContain(`Difference approved by ${MANAGER.username}: Counted twice: 7.50 short`);
    expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toMatch(/^\/api\/sessions\/[0-9]+\/report\.csv$/);
    await expectAccessible(page);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print Z report' }).isVisible()).toBe(false);
    await screenshot(page, 'z-report', { fullPage: true });
    await page.emulateMedia({ media: null });
    await page.getByRole('radio', { name: 'A4' }).check();
    expect(await report.getAttribute('class')).toBe('z-report paper-a4');
  });

  it('lets a manager find the Z report under Sessions and reopen the last session of its POS', async () => {
    const office = await openPage(await newContext(browser), stack.url);
    await new AppShell(office.page).logIn(MANAGER);
    await office.page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    const sessionsTable = office.page.getByRole('table', { name: 'Sessions' });
    // The session closed above, 7.50 short, with its Z report.
    const closedRow = sessionsTable.getByRole('row').filter({ hasText: '-€7.50' });
    await closedRow.waitFor();
    expect(await closedRow.getByRole('link', { name: 'Z report' }).getAttribute('href')).toMatch(/^#\/pos\/report\/[0-9]+$/);
    await expectAccessible(office.page);
    await closedRow.getByRole('button', { name: 'Reopen' }).click();
    await office.page
      .getByRole('status')
      .filter({ hasText: /is open again/ })
      .waitFor();
    expect(office.errors).toEqual([]);
    await office.page.context().close();
  });

  it('left no error in the browser console', () => {
    expect(watched.errors).toEqual([]);
  });
});
