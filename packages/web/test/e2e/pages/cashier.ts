import type { Locator, Page } from 'playwright-core';

/** The cashier screen: session, products, order, payment lines, receipt. */
export class CashierPage {
  readonly openingCash: Locator;
  readonly openSession: Locator;
  readonly search: Locator;
  readonly pay: Locator;
  readonly amount: Locator;
  readonly validate: Locator;
  readonly paymentLines: Locator;
  readonly receipt: Locator;
  readonly newOrder: Locator;

  constructor(readonly page: Page) {
    this.openingCash = page.getByRole('textbox', { name: 'Opening cash' });
    this.openSession = page.getByRole('button', { name: 'Open session' });
    this.search = page.getByRole('searchbox', { name: 'Search products' });
    this.pay = page.getByRole('button', { name: /^Pay €/ });
    // Labelled "Amount", or "Cash received" while a cash method is chosen.
    this.amount = page.getByRole('textbox', { name: /^(Amount|Cash received)$/ });
    this.validate = page.getByRole('button', { name: 'Validate' });
    this.paymentLines = page.getByRole('list', { name: 'Payment lines' }).locator(':scope > li');
    this.receipt = page.getByRole('article', { name: /^Receipt \d+/ });
    this.newOrder = page.getByRole('button', { name: 'New order' });
  }

  async ensureSession(openingCash = '50.00'): Promise<void> {
    await this.page.getByRole('heading', { level: 1 }).waitFor();
    if ((await this.openSession.count()) > 0) {
      await this.openingCash.fill(openingCash);
      await this.openSession.click();
    }
    await this.search.waitFor();
  }

  async add(product: string, times = 1): Promise<void> {
    for (let i = 0; i < times; i += 1) await this.page.getByRole('button', { name: new RegExp(`^Add ${product},`) }).click();
  }

  /** Finds a product by typing and adds the first match with Enter. */
  async addBySearch(text: string): Promise<void> {
    await this.search.fill(text);
    await this.search.press('Enter');
  }

  async startPayment(): Promise<void> {
    await this.pay.click();
    await this.page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
  }

  /** Chooses a method and pays: types the amount (or keeps what is due) and presses Enter. */
  async payWith(method: string, amount?: string): Promise<Locator> {
    const before = await this.paymentLines.count();
    await this.page.getByRole('radio', { name: method }).check();
    if (amount !== undefined) await this.amount.fill(amount);
    await this.amount.press('Enter');
    await this.paymentLines.nth(before).waitFor();
    return this.paymentLines.nth(before);
  }

  lastLine(): Locator {
    return this.paymentLines.last();
  }

  statusOf(line: Locator): Locator {
    return line.getByRole('status');
  }

  async waitForStatus(line: Locator, text: string | RegExp): Promise<void> {
    await this.statusOf(line).filter({ hasText: text }).waitFor();
  }

  /** The dialog in which a manager approves an override at the till. */
  approvalDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Manager approval' });
  }

  /** A manager types their username and PIN (or password) with the reason, and approves. */
  async approveAsManager(approval: { username: string; secret: string; reason?: string }, button = 'Approve and settle'): Promise<void> {
    const dialog = this.approvalDialog();
    await dialog.getByRole('textbox', { name: 'Manager username' }).fill(approval.username);
    await dialog.getByLabel('PIN or password').fill(approval.secret);
    if (approval.reason !== undefined) await dialog.getByRole('textbox', { name: /Reason/ }).fill(approval.reason);
    await dialog.getByRole('button', { name: button }).click();
  }

  async validateOrder(): Promise<void> {
    await this.validate.click();
    await this.receipt.waitFor();
  }
}
