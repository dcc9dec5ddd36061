import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '@kassa/iot-box';
import type { ScenarioName } from '@kassa/terminal-sim';
import { AppShell } from './pages/app.js';
import { ApiClient } from './support/api.js';
import type { WatchedPage } from './support/browser.js';
import { docScreenshot, expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import type { Lang } from './support/i18n.js';
import { BROWSER_LOCALE, euros, plain, translator, typed } from './support/i18n.js';
import { Stack } from './support/stack.js';

/** A manager who approves the refund and the cash difference at the till with a PIN. */
const MANAGER = { username: 'lotte', password: 'approves-the-whole-day', pin: '8642' };

/** Two fries (€3.50) and a cola (€2.80): €9.80, the order of every sale of the day. */
const ORDER_CENTS = 980;
const OPENING_CENTS = 10_000;
/** Cash of the day: the cash sale (9.80, paid 20.00, 10.20 back) and the cash part of the split (4.80). */
const EXPECTED_CASH_CENTS = OPENING_CENTS + ORDER_CENTS + (ORDER_CENTS - 500);
/** Counted 7.50 short: beyond the €5 threshold, a manager approves. */
const COUNTED_CASH_CENTS = EXPECTED_CASH_CENTS - 750;

/**
 * A whole day at the till, in each language the app speaks, found by what a person of that
 * language reads: open with cash, sell by card, cash with change, card and cash split, a declined
 * card retried, a cola refunded to the card, an order resumed on another device, the closing with a
 * cash difference a manager approves, and the Z report printed. Amounts are checked as each
 * language writes them.
 */
describe.each<Lang>(['en', 'nl', 'fr'])('a day at the till in %s', (lang) => {
  const t = translator(lang);
  const eur = (cents: number): string => euros(lang, cents);
  let stack: Stack;
  let box: Box;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let page: Page;

  const terminal = (scenario: ScenarioName): Promise<unknown> => stack.terminal(box, { terminalId: stack.demo.terminalId, scenario });
  const paymentLines = (): Locator => page.getByRole('list', { name: t('pos.payments') }).locator(':scope > li');
  const amountField = (): Locator => page.getByRole('textbox', { name: new RegExp(`^(${t('pos.amount')}|${t('pos.received')})$`) });
  const receipt = (): Locator => page.getByRole('article', { name: new RegExp(`^${t('pos.receiptNumber', { number: '' })}\\d+`) });
  const statusOf = (line: Locator): Locator => line.getByRole('status');
  const waitForStatus = (line: Locator, status: string): Promise<void> => statusOf(line).filter({ hasText: status }).waitFor();

  /** A new order of two fries and a cola, on the payment screen, its total checked on the way. */
  const sellFriesAndCola = async (): Promise<void> => {
    await page.goto(`${stack.url}/#/pos`);
    await page.getByRole('searchbox', { name: t('pos.search') }).waitFor();
    const fries = page.getByRole('button', { name: t('pos.addProduct', { name: 'Fries', price: eur(350) }) });
    await fries.click();
    await fries.click();
    await page.getByRole('button', { name: t('pos.addProduct', { name: 'Cola', price: eur(280) }) }).click();
    await expect.poll(async () => plain(await page.getByTestId('order-total').first().textContent())).toBe(eur(ORDER_CENTS));
    await page.getByRole('button', { name: `${t('pos.pay')} ${eur(ORDER_CENTS)}` }).click();
    await page.getByRole('heading', { level: 1, name: t('pos.paymentTitle') }).waitFor();
  };

  /** Chooses a method, types the amount (or keeps what is due) and presses Enter; the new payment line. */
  const payWith = async (method: 'Card' | 'Cash', cents?: number): Promise<Locator> => {
    const before = await paymentLines().count();
    await page.getByRole('radio', { name: method }).check();
    if (cents !== undefined) await amountField().fill(typed(lang, cents));
    await amountField().press('Enter');
    await paymentLines().nth(before).waitFor();
    return paymentLines().nth(before);
  };

  const validate = async (): Promise<void> => {
    await page.getByRole('button', { name: t('pos.validate') }).click();
    await receipt().waitFor();
  };

  /** The README's pictures exist in English already (cashier and refund tests); these add nl and fr. */
  const picture = (target: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> =>
    lang === 'en' ? screenshot(target, `day-${name}`, options) : docScreenshot(target, `${name}.${lang}`, options);

  const approvalDialog = (): Locator => page.getByRole('dialog', { name: t('pos.approvalTitle') });

  const approveAsManager = async (button: string, reason?: string): Promise<void> => {
    const dialog = approvalDialog();
    await dialog.getByRole('textbox', { name: t('pos.managerUsername') }).fill(MANAGER.username);
    await dialog.getByLabel(t('pos.managerSecret')).fill(MANAGER.pin);
    if (reason !== undefined) await dialog.getByRole('textbox', { name: t('pos.reason') }).fill(reason);
    await dialog.getByRole('button', { name: button }).click();
    await dialog.waitFor({ state: 'hidden' });
  };

  beforeAll(async () => {
    stack = await Stack.start();
    box = await stack.startBox(stack.demo.boxToken);
    await terminal('approve');
    const admin = await ApiClient.logIn(stack.url, stack.demo.admin);
    await admin.post('/api/users', { username: MANAGER.username, password: MANAGER.password, role: 'manager', pin: MANAGER.pin });
    browser = await launchBrowser();
    context = await newContext(browser, { locale: BROWSER_LOCALE[lang], height: 1000 });
    watched = await openPage(context, stack.url);
    page = watched.page;
  }, 120_000);

  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    await screenshot(page, `failed-day-${lang}-${test.task.name.slice(0, 30).replace(/\W+/g, '-')}`, { fullPage: true });
    console.log('browser errors so far:', watched.errors, 'url:', page.url());
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs the cashier in and opens the session with the cash in the drawer', async () => {
    await page.getByRole('heading', { name: t('login.title') }).waitFor();
    await new AppShell(page).logIn(stack.demo.cashier);
    await page.getByRole('heading', { level: 1, name: t('pos.openTitle') }).waitFor();
    await page.getByRole('textbox', { name: t('pos.openingCash') }).fill(typed(lang, OPENING_CENTS));
    await page.getByRole('button', { name: t('pos.open') }).click();
    await page.getByRole('heading', { level: 1, name: t('pos.products') }).waitFor();
    await page.getByRole('searchbox', { name: t('pos.search') }).waitFor();
  });

  it('sells by card: approved, validated, the receipt in euros of the language', async () => {
    await sellFriesAndCola();
    expect(plain(await page.getByTestId('due').textContent())).toBe(eur(ORDER_CENTS));
    const line = await payWith('Card');
    await waitForStatus(line, t('state.done'));
    await validate();
    await receipt().getByText(t('pos.cardholderTicket')).waitFor();
    const shown = plain(await receipt().textContent());
    expect(shown).toContain(`2 × Fries${eur(700)}`);
    expect(shown).toContain(`1 × Cola${eur(280)}`);
    expect(shown).toContain(`${t('pos.total')}${eur(ORDER_CENTS)}`);
  });

  it('refunds the cola of that sale to the card, approved by a manager on the spot', async () => {
    await page.getByRole('button', { name: t('pos.refund'), exact: true }).click();
    const form = page.getByRole('form', { name: t('pos.refundTitle') });
    await form.getByRole('spinbutton', { name: 'Cola' }).fill('1');
    await form.getByRole('combobox', { name: t('pos.refundHow') }).selectOption({ label: 'Card' });
    await form.getByRole('textbox', { name: t('pos.reason') }).fill('Cola returned unopened');
    await form.getByRole('button', { name: t('pos.refundSubmit'), exact: true }).click();
    const dialog = approvalDialog();
    await dialog.getByText(t('pos.refundApprovalText')).waitFor();
    await approveAsManager(t('pos.refundApprove'));

    const refundLine = page
      .getByRole('list', { name: t('pos.refundsDone') })
      .getByRole('listitem')
      .filter({ has: page.getByRole('status') })
      .first();
    await waitForStatus(refundLine, t('state.done'));
    const refunds = page.getByRole('table', { name: t('pos.refundsDone') });
    await refunds
      .locator('tr[data-state="done"]')
      .getByText(t('pos.refundBy', { method: 'Card' }))
      .waitFor();
    expect(plain(await refunds.textContent())).toContain(eur(-280));
    await picture(page, 'web-refund', { fullPage: true });
    await expectAccessible(page);
  });

  it('takes cash with change: the change shown in large type, and Enter validates', async () => {
    await sellFriesAndCola();
    await page.getByRole('radio', { name: 'Cash' }).check();
    await page.getByRole('button', { name: t('pos.exact', { amount: eur(ORDER_CENTS) }) }).waitFor();
    await amountField().fill(typed(lang, 2000));
    const line = await payWith('Cash');
    await waitForStatus(line, t('pos.cashReceived', { tendered: eur(2000), change: eur(1020) }));
    expect(plain(await page.getByTestId('change').textContent())).toBe(`${t('pos.change')} ${eur(1020)}`);
    expect(plain(await page.getByTestId('due').textContent())).toBe(eur(0));
    await picture(page, 'web-cash-change');
    await expectAccessible(page);
    await page.keyboard.press('Enter');
    await receipt().waitFor();
    const shown = plain(await receipt().textContent());
    expect(shown).toContain(`Cash${eur(2000)}`);
    expect(shown).toContain(`${t('pos.change')}${eur(1020)}`);
  });

  it('splits the order: part by card, the rest in cash with the exact amount', async () => {
    await sellFriesAndCola();
    const card = await payWith('Card', 500);
    await waitForStatus(card, t('state.done'));
    await expect.poll(async () => plain(await page.getByTestId('due').textContent())).toBe(eur(ORDER_CENTS - 500));
    await page.getByRole('radio', { name: 'Cash' }).check();
    await page.getByRole('button', { name: t('pos.exact', { amount: eur(ORDER_CENTS - 500) }) }).click();
    await expect.poll(() => paymentLines().count()).toBe(2);
    await waitForStatus(paymentLines().nth(1), t('pos.cashReceived', { tendered: eur(480), change: eur(0) }));
    expect(plain(await page.getByTestId('due').textContent())).toBe(eur(0));
    await validate();
    const shown = plain(await receipt().textContent());
    expect(shown).toContain(`Card${eur(500)}`);
    expect(shown).toContain(`Cash${eur(480)}`);
  });

  it('shows a declined card in words, keeps Validate disabled, and is paid after Retry', async () => {
    await terminal('decline');
    await sellFriesAndCola();
    const declined = await payWith('Card');
    await waitForStatus(declined, t('result.declined'));
    await declined.getByText(t('hint.declined')).waitFor();
    expect(await page.getByRole('button', { name: t('pos.validate') }).isDisabled()).toBe(true);
    await terminal('approve');
    await declined.getByRole('button', { name: t('pos.retry') }).click();
    // The new try takes the declined line's place.
    await paymentLines()
      .first()
      .getByText(t('pos.attempt', { n: 2 }))
      .waitFor();
    await waitForStatus(paymentLines().first(), t('state.done'));
    expect(await paymentLines().count()).toBe(1);
    await validate();
  });

  it('resumes a card-paid order never validated from a second device, flagged until validated', async () => {
    await sellFriesAndCola();
    await waitForStatus(await payWith('Card'), t('state.done'));
    // This screen walks away; the cashier signs in on another device.
    const otherDevice = await newContext(browser, { locale: BROWSER_LOCALE[lang] });
    const other = await openPage(otherDevice, stack.url);
    await new AppShell(other.page).logIn(stack.demo.cashier);
    const notice = other.page.getByText(t('orders.openInSession_one', { count: 1 }));
    await notice.waitFor();
    expect(await notice.textContent()).toContain(t('orders.attentionInSession_one', { count: 1 }));
    await other.page.getByRole('link', { name: t('orders.show') }).click();
    const flagged = other.page.locator('tr.attention');
    await flagged.getByText(t('orders.attention')).waitFor();
    expect(plain(await flagged.textContent())).toContain(eur(ORDER_CENTS));
    await picture(other.page, 'web-orders');
    await expectAccessible(other.page);
    await flagged
      .getByRole('link', { name: t('orders.resume') })
      .or(flagged.getByRole('button', { name: t('orders.resume') }))
      .click();
    await other.page.getByRole('heading', { level: 1, name: t('pos.paymentTitle') }).waitFor();
    await other.page.getByRole('button', { name: t('pos.validate') }).click();
    await other.page.getByRole('article', { name: new RegExp(`^${t('pos.receiptNumber', { number: '' })}\\d+`) }).waitFor();
    expect(other.errors).toEqual([]);
    await otherDevice.close();
  });

  it('closes the session 7.50 short: a manager approves the difference, the totals per method follow', async () => {
    await page.goto(`${stack.url}/#/pos/close`);
    await page.getByRole('heading', { level: 1, name: t('pos.closeTitle') }).waitFor();
    expect(plain(await page.getByTestId('expected-cash').textContent())).toBe(eur(EXPECTED_CASH_CENTS));
    // A count by note and coin writes the counted cash as this language types an amount.
    await page.getByText(t('closing.countByPiece')).click();
    await page.getByRole('textbox', { name: t('closing.pieces', { value: eur(10_000) }) }).fill('1');
    await page.getByRole('textbox', { name: t('closing.pieces', { value: eur(1_000) }) }).fill('1');
    expect(await page.getByRole('textbox', { name: t('pos.countedCash') }).inputValue()).toBe(typed(lang, 11_000));
    await page.getByRole('textbox', { name: t('pos.countedCash') }).fill(typed(lang, COUNTED_CASH_CENTS));
    await expect.poll(async () => plain(await page.getByTestId('cash-difference').textContent())).toContain(eur(-750));
    expect(plain(await page.getByTestId('cash-difference').textContent())).toContain(t('closing.beyondThreshold', { threshold: eur(500) }));
    await page.getByRole('button', { name: t('pos.close') }).click();
    await approvalDialog()
      .getByText(t('closing.approvalSummary', { difference: eur(-750), threshold: eur(500) }))
      .waitFor();
    await approveAsManager(t('closing.approveAndClose'), 'Counted twice');
    const totals = page.getByRole('table', { name: t('pos.totalsPerMethod') });
    await totals.waitFor();
    // Card: the sale, the card part of the split, the retried sale and the resumed one.
    expect(plain(await totals.getByRole('row', { name: /^Card/ }).textContent())).toBe(`Card4${eur(ORDER_CENTS * 3 + 500)}`);
    expect(plain(await totals.getByRole('row', { name: /^Cash/ }).textContent())).toBe(`Cash2${eur(ORDER_CENTS * 2 - 500)}`);
  });

  it('opens the Z report, which prints alone on the paper', async () => {
    await page.getByRole('link', { name: t('closing.zReport') }).click();
    const report = page.getByRole('article', { name: new RegExp(`^${t('closing.zReportOf', { id: '' })}\\d+`) });
    await report.waitFor();
    const shown = plain(await report.textContent());
    expect(shown).toContain(`${t('pos.expectedCash')}${eur(EXPECTED_CASH_CENTS)}`);
    expect(shown).toContain(`${t('pos.countedCash')}${eur(COUNTED_CASH_CENTS)}`);
    expect(shown).toContain(`${t('pos.difference')}${eur(-750)}`);
    expect(shown).toContain(`${t('closing.differenceApproved', { user: MANAGER.username })}`);
    await expectAccessible(page);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: t('closing.print') }).isVisible()).toBe(false);
    expect(await new AppShell(page).nav.isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    expect((await report.boundingBox())?.height ?? 0).toBeGreaterThan(200);
    // Everything fits the width of the 80 mm paper, in the longer words of each language too.
    const width = await report.evaluate((el) => ({ content: el.scrollWidth, paper: el.clientWidth }));
    expect(width.paper).toBe(Math.round((74 / 25.4) * 96));
    expect(width.content).toBeLessThanOrEqual(width.paper);
    await picture(page, 'web-z-report', { fullPage: true });
    // The page the printer is given: the roll's 80 mm width (226.77 pt) cut at an A4 length, and A4 when chosen
    // (to half a point: the browser rounds to its pixels; a size it cannot read falls back to Letter, 612 × 792).
    expectPageSize(await pdfPageSize(page), { width: 226.77, height: 841.89 });
    await page.emulateMedia({ media: null });
    await page.getByRole('radio', { name: t('closing.papers.a4') }).check();
    await page.emulateMedia({ media: 'print' });
    expectPageSize(await pdfPageSize(page), { width: 595.28, height: 841.89 });
    await page.emulateMedia({ media: null });
  });

  it('left no error in the browser console', () => {
    expect(watched.errors).toEqual([]);
  });
});

/** The size of the first page the browser prints, in points, as the PDF's MediaBox says (the page size the CSS asks for). */
async function pdfPageSize(page: Page): Promise<{ width: number; height: number }> {
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  const box = /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
  if (box === null) throw new Error('the printed PDF has no MediaBox');
  return { width: Number(box[3]) - Number(box[1]), height: Number(box[4]) - Number(box[2]) };
}

function expectPageSize(size: { width: number; height: number }, expected: { width: number; height: number }): void {
  expect(size.width).toBeCloseTo(expected.width, 0);
  expect(size.height).toBeCloseTo(expected.height, 0);
}
