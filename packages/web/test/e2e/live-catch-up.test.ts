import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Box } from '@kassa/iot-box';
import type { TerminalHandle } from '@kassa/terminal-sim';
import { AppShell } from './pages/app.js';
import { CashierPage } from './pages/cashier.js';
import { ApiClient } from './support/api.js';
import type { WatchedPage } from './support/browser.js';
import { eventually, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/**
 * A settled payment is never shown as running: whatever gap the screen went through (offline, a
 * server restart, a stream that stays silent, a hidden tab), the line catches up with the truth by
 * itself.
 */
describe('the payment screen catches up after any gap', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let page: Page;
  let till: CashierPage;
  let shell: AppShell;
  let box: Box;
  let admin: ApiClient;

  const orderId = (): string => decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');

  /** A card payment of fries, waiting for the card on a terminal whose keys the test presses. */
  const startCardPayment = async (): Promise<{ lane: TerminalHandle; uuid: string }> => {
    const lane = await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve', manualKeys: true });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 1);
    await till.startPayment();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Insert or tap the card');
    const uuid = (await admin.order(orderId())).payments[0]?.uuid ?? '';
    return { lane, uuid };
  };

  /** The terminal approves, and the server knows it. */
  const approveOnTerminal = async (lane: TerminalHandle, uuid: string): Promise<void> => {
    lane.press('card');
    // The PIN key counts once the terminal asks for it; until then a press is ignored.
    await eventually(
      async () => {
        lane.press('pin-ok');
        return (await admin.payment(uuid)).payment.state === 'done' ? true : undefined;
      },
      { what: 'the server to record the approval' },
    );
  };

  /** The line says Approved, Cancel is gone, and the order can be validated. */
  const expectApprovedOnScreen = async (): Promise<void> => {
    const line = till.lastLine();
    await till.waitForStatus(line, 'Approved');
    expect(await line.getByRole('button', { name: 'Cancel payment' }).count()).toBe(0);
    await till.validateOrder();
  };

  /** From now on the event stream opens but never says anything: the screen hears no events. */
  let silenced = false;
  const silenceTheStream = async (): Promise<void> => {
    silenced = true;
    await page.route('**/api/events**', (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 600000\n\n' }));
  };

  /**
   * Cuts the event stream for real: Chromium's offline mode leaves an open EventSource running (the
   * events would still arrive), so new streams are refused at the network and the open one is
   * closed as a dropped connection closes it (closed, then its error event).
   */
  const cutTheStream = async (): Promise<void> => {
    await page.route('**/api/events**', (route) => route.abort('internetdisconnected'));
    await page.evaluate(() => {
      for (const source of (window as unknown as { kassaStreams: EventSource[] }).kassaStreams) {
        source.close();
        source.dispatchEvent(new Event('error'));
      }
    });
  };

  beforeAll(async () => {
    stack = await Stack.start();
    box = await stack.startBox(stack.demo.boxToken);
    admin = await ApiClient.logIn(stack.url, stack.demo.admin);
    browser = await launchBrowser();
    context = await newContext(browser);
    // Every EventSource the app opens is kept where the test can cut it (cutTheStream).
    await context.addInitScript(() => {
      const streams: EventSource[] = [];
      const Native = window.EventSource;
      (window as unknown as { kassaStreams: EventSource[] }).kassaStreams = streams;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          streams.push(this);
        }
      };
    });
    watched = await openPage(context, stack.url);
    page = watched.page;
    till = new CashierPage(page);
    shell = new AppShell(page);
    await shell.logIn(stack.demo.cashier);
  }, 120_000);

  beforeEach(async () => {
    await page.unrouteAll();
    await page.goto(`${stack.url}/#/pos`);
    await page.evaluate(() => localStorage.removeItem('kassa.pos.order'));
    await page.goto(`${stack.url}/#/pos`);
    // A full load, so a stream silenced by an earlier test is opened again for real.
    if (silenced) await page.reload();
    silenced = false;
  });

  afterEach(async (context) => {
    await page.context().setOffline(false);
    if (context.task.result?.state !== 'fail') return;
    await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`, { fullPage: true });
    console.log('browser errors so far:', watched.errors, 'url:', page.url());
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows Approved without Cancel once back online, when the terminal approved while the browser was offline', async () => {
    const { lane, uuid } = await startCardPayment();
    await context.setOffline(true);
    await cutTheStream();
    await expect.poll(() => shell.connection.getAttribute('data-state')).toBe('offline');
    expect(await shell.connection.textContent()).toMatch(/^Offline since \d/);
    await approveOnTerminal(lane, uuid);
    // The screen really missed it: no event came, and it cannot read while offline.
    await page.waitForTimeout(1_500);
    expect(await till.statusOf(till.lastLine()).first().textContent()).toBe('Insert or tap the card');
    await page.unroute('**/api/events**');
    await context.setOffline(false);
    // What the screen tried to read while offline failed, as it should have.
    const offlineFailures = watched.errors.filter((e) => e.includes('ERR_INTERNET_DISCONNECTED'));
    watched.errors.splice(0, watched.errors.length, ...watched.errors.filter((e) => !offlineFailures.includes(e)));
    await expectApprovedOnScreen();
    await expect.poll(() => shell.connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
  });

  it('shows Approved without Cancel once the server is back, when the terminal approved while the server was restarting', { timeout: 60_000 }, async () => {
    const { lane } = await startCardPayment();
    const approvedBefore = lane.ledger.length;
    await stack.stopServer();
    try {
      await expect.poll(() => shell.connection.getAttribute('data-state')).not.toBe('live');
      // The box runs the payment with the terminal on its own; it keeps the answer until the server is back.
      lane.press('card');
      await eventually(
        () => {
          lane.press('pin-ok');
          return lane.ledger.length > approvedBefore ? true : undefined;
        },
        { what: 'the terminal to approve' },
      );
      expect(lane.ledger.at(-1)?.result).toBe('Approved');
    } finally {
      await stack.startServerAgain();
    }
    await expectApprovedOnScreen();
    await expect.poll(() => shell.connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
    // What the screen tried to read while the server was down failed, as it should have.
    watched.errors.splice(0, watched.errors.length, ...watched.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED')));
  });

  it('re-reads a running payment when no event about it arrives for a few seconds', async () => {
    const { lane, uuid } = await startCardPayment();
    await silenceTheStream();
    await page.reload();
    await till.waitForStatus(till.lastLine(), 'Insert or tap the card');
    await approveOnTerminal(lane, uuid);
    await expectApprovedOnScreen();
  });

  it('re-reads what it shows when the tab becomes visible again after being hidden during the approval', async () => {
    const { lane, uuid } = await startCardPayment();
    await silenceTheStream();
    await page.reload();
    await till.waitForStatus(till.lastLine(), 'Insert or tap the card');
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await approveOnTerminal(lane, uuid);
    await setHidden(false);
    await expectApprovedOnScreen();
  });

  it('no longer shows the terminal’s prompts once the payment is approved', async () => {
    await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'pin-then-approve' });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 1);
    await till.startPayment();
    const line = await till.payWith('Card');
    await till.waitForStatus(line, 'Approved');
    const order = await admin.order(orderId());
    const history = (await admin.payment(order.payments[0]?.uuid ?? '')).history;
    // The terminal did say something during the payment ("wrong PIN, try again")…
    expect(history.some((h) => h.event === 'message')).toBe(true);
    // …which the approved line no longer shows.
    expect(await line.getByRole('list', { name: 'Terminal messages' }).count()).toBe(0);
    await till.validateOrder();
  });

  it('says why a line was not paid, Retry tries again in the same line, and a new payment has its own line', async () => {
    await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'decline' });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 1);
    await till.startPayment();
    const first = await till.payWith('Card');
    await till.waitForStatus(first, 'Declined');
    await first.getByText('The card was declined: ask for another card, or pay another way.').waitFor();
    await first.getByRole('button', { name: 'Retry' }).click();
    const second = till.paymentLines.first();
    await second.getByText('Try 2').waitFor();
    await till.waitForStatus(second, 'Declined');
    expect(await till.paymentLines.count()).toBe(1);
    await second.getByText('The card was declined: ask for another card, or pay another way.').waitFor();
    await second.getByRole('button', { name: 'Retry' }).waitFor();
    // A new payment the cashier starts with the same method is a line of its own, not "Try 3": the
    // declined line stays beside it.
    const separate = await till.payWith('Card');
    await till.waitForStatus(separate, 'Declined');
    expect(await till.paymentLines.count()).toBe(2);
    expect(await separate.getByText(/^Try \d/).count()).toBe(0);
    await second.getByText('Try 2').waitFor();
    await till.payWith('Cash');
    await till.validateOrder();
  });

  it('marks a method whose terminal is offline on the payment screen, live', { timeout: 60_000 }, async () => {
    const lane = await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve' });
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 1);
    await till.startPayment();
    const card = page.getByRole('radio', { name: 'Card' });
    await card.waitFor();
    expect(await card.getAttribute('aria-label')).toBeNull();
    await expect.poll(() => page.locator('label.method', { has: card }).textContent()).toBe('Card');
    await lane.close();
    await expect.poll(() => page.locator('label.method', { has: card }).textContent(), { timeout: 20_000 }).toBe('Card — terminal offline');
    await stack.terminal(box, { terminalId: stack.demo.terminalId, scenario: 'approve' });
    await expect.poll(() => page.locator('label.method', { has: card }).textContent(), { timeout: 20_000 }).toBe('Card');
    await till.payWith('Cash');
    await till.validateOrder();
  });

  it('types and shows amounts in the language of the cashier: 1,20 then the rest prefilled as 2,30 in Dutch, exact to the cent', async () => {
    await page.goto(`${stack.url}/#/pos`);
    await till.ensureSession();
    await till.add('Fries', 1);
    await till.startPayment();
    await shell.chooseLanguage('Nederlands');
    const amount = page.locator('form.new-payment input[inputmode="decimal"]');
    await page.getByRole('radio', { name: 'Cash' }).check();
    await amount.fill('1,20');
    await amount.press('Enter');
    await expect.poll(() => amount.inputValue()).toBe('2,30');
    await expect.poll(() => page.getByTestId('due').textContent()).toBe('€\u00a02,30');
    await amount.press('Enter');
    await expect.poll(async () => (await admin.order(orderId())).paidCents).toBe(350);
    await shell.chooseLanguage('English');
    await till.validateOrder();
  });

  it('left no error in the browser console', () => {
    expect(watched.errors).toEqual([]);
  });
});
