import type { Locator, Page } from 'playwright-core';
import { errorBeside } from '../support/forms.js';

export class SettingsPage {
  readonly ingenico: Locator;
  readonly country: Locator;
  readonly save: Locator;

  constructor(readonly page: Page) {
    this.ingenico = page.getByRole('switch', { name: 'Ingenico' });
    this.country = page.getByRole('textbox', { name: 'Country' });
    this.save = page.getByRole('button', { name: 'Save' });
  }

  /** The switch follows the server's answer, not the click: flip it, then wait for the saved state. */
  async setIngenico(on: boolean): Promise<void> {
    if ((await this.ingenico.isChecked()) !== on) await this.ingenico.click();
    await this.page.waitForFunction(([el, want]) => (el as { checked?: boolean } | null)?.checked === want, [await this.ingenico.elementHandle(), on] as const);
  }

  async setCountry(code: string): Promise<void> {
    await this.country.fill(code);
    await this.save.click();
  }

  /** The rule's message shown beside a field, found through the field's description. */
  async errorOf(field: Locator): Promise<string> {
    const ids = (await field.getAttribute('aria-describedby')) ?? '';
    const id = ids.split(' ').find((x) => x.endsWith('-error') || x === 'ingenico-error') ?? '';
    return (await this.page.locator(`[id="${id}"]`).textContent()) ?? '';
  }
}

export class JournalsPage {
  constructor(readonly page: Page) {}

  async add(name: string, type: 'Bank' | 'Cash'): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Add journal' });
    await form.getByRole('textbox', { name: 'Name' }).fill(name);
    await form.getByRole('combobox', { name: 'Type' }).selectOption({ label: type });
    await form.getByRole('button', { name: 'Add journal' }).click();
    await this.page.getByRole('row', { name: new RegExp(`^${name} ${type}`) }).waitFor();
  }
}

export class BoxesPage {
  constructor(readonly page: Page) {}

  /** Pairs a box and returns what the back office shows once: the token and the command. */
  async pair(name: string): Promise<{ token: string; command: string }> {
    await this.page.getByRole('textbox', { name: 'Box name' }).fill(name);
    await this.page.getByRole('button', { name: 'Pair box' }).click();
    const panel = this.page.getByRole('region', { name: 'Run this command on the box' });
    await panel.waitFor();
    const token = (await panel.getByTestId('box-token').textContent()) ?? '';
    const command = (await panel.getByLabel('Command', { exact: true }).textContent()) ?? '';
    return { token, command };
  }

  row(name: string): Locator {
    return this.page.getByRole('row', { name: new RegExp(`^${name} `) });
  }
}

export class DevicesPage {
  constructor(readonly page: Page) {}

  row(terminalId: string): Locator {
    return this.page.getByRole('row', { name: new RegExp(`^${terminalId} `) });
  }

  get howTo(): Locator {
    return this.page.getByRole('region', { name: 'How to connect a terminal' });
  }

  get alerts(): Locator {
    return this.page.getByRole('region', { name: 'Alerts' });
  }

  async approve(terminalId: string): Promise<void> {
    await this.page.getByRole('button', { name: `Approve terminal ${terminalId}` }).click();
  }

  async dismissAlert(terminalId: string): Promise<void> {
    await this.alerts
      .getByRole('button', { name: `Dismiss the alert of terminal ${terminalId}` })
      .first()
      .click();
  }
}

export class PaymentMethodsPage {
  readonly form: Locator;
  readonly name: Locator;
  readonly kind: Locator;
  readonly journal: Locator;
  readonly terminal: Locator;
  readonly device: Locator;
  readonly save: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('form', { name: /payment method/ });
    this.name = this.form.getByRole('textbox', { name: 'Name' });
    this.kind = this.form.getByRole('combobox', { name: 'Kind' });
    this.journal = this.form.getByRole('combobox', { name: 'Journal' });
    this.terminal = this.form.getByRole('combobox', { name: 'Use a payment terminal' });
    this.device = this.form.getByRole('combobox', { name: 'Payment terminal device' });
    this.save = this.form.getByRole('button', { name: 'Save' });
  }

  /** The refusal shown beside a field (its accessible description holds the rule's message). */
  errorBeside(field: Locator): Promise<string> {
    return errorBeside(field);
  }

  async deviceOptions(): Promise<string[]> {
    return this.device.locator('option').allTextContents();
  }

  /** The device options a person cannot pick (terminals not approved). */
  async disabledDeviceOptions(): Promise<string[]> {
    return this.device.locator('option:disabled').allTextContents();
  }

  async edit(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit ${name}` }).click();
    await this.page.getByRole('heading', { name: 'Edit payment method' }).waitFor();
  }

  row(name: string): Locator {
    return this.page.getByRole('row', { name: new RegExp(`^${name} `) });
  }
}

export class ProductsPage {
  constructor(readonly page: Page) {}

  row(name: string): Locator {
    return this.page.getByRole('table', { name: 'Products' }).getByRole('row', { name: new RegExp(`^${name} `) });
  }

  /** Changes a product's price (text as typed on the till, e.g. "3.80") through its Edit form. */
  async changePrice(name: string, price: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit ${name}` }).click();
    const form = this.page.getByRole('form', { name: `Edit ${name}` });
    await form.getByRole('textbox', { name: 'Price incl. VAT' }).fill(price);
    await form.getByRole('button', { name: 'Save' }).click();
    await this.page.getByRole('form', { name: 'Add product' }).waitFor();
  }
}

export class PosConfigsPage {
  constructor(readonly page: Page) {}

  async addMethod(pos: string, method: string): Promise<void> {
    const form = this.page.getByRole('form', { name: pos });
    await form.getByRole('checkbox', { name: method }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  }
}

export class PaymentsPage {
  readonly search: Locator;
  readonly state: Locator;
  readonly table: Locator;
  readonly pager: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole('searchbox', { name: 'Search payments' });
    this.pager = page.getByRole('navigation', { name: 'Pages of payments' });
    this.state = page.getByRole('combobox', { name: 'State' });
    this.table = page.getByRole('table', { name: 'Payments' });
  }

  async filterState(label: string): Promise<void> {
    await this.state.selectOption({ label });
    await this.table.getByRole('row').nth(1).filter({ hasText: label }).waitFor();
  }

  async openFirst(): Promise<void> {
    await this.table
      .getByRole('link', { name: /^Details/ })
      .first()
      .click();
    await this.page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
  }

  historyRow(event: string): Locator {
    return this.page
      .getByRole('table', { name: 'History' })
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: event, exact: true }) });
  }
}

/** Users and roles: adding a user, and lifting a login lock. */
export class UsersPage {
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('form', { name: 'Add user' });
  }

  row(username: string): Locator {
    return this.page.getByRole('table', { name: 'Users and roles' }).getByRole('row', { name: new RegExp(`^${username} `) });
  }

  /** The text of one column of a user's row: 0 role, 1 active, 2 PIN, 3 sign-in. */
  cell(username: string, column: number): Locator {
    return this.row(username).getByRole('cell').nth(column);
  }

  /** Fills the form and submits it; the answer (a new row, or an alert) is for the caller to wait for. */
  async add(user: { username: string; password: string; role: 'Cashier' | 'Manager' | 'Admin'; pin?: string }): Promise<void> {
    await this.form.getByRole('textbox', { name: 'Username' }).fill(user.username);
    await this.form.getByLabel('Password', { exact: true }).fill(user.password);
    await this.form.getByRole('combobox', { name: 'Role' }).selectOption({ label: user.role });
    if (user.pin !== undefined) await this.form.getByLabel('Approval PIN', { exact: true }).fill(user.pin);
    await this.form.getByRole('button', { name: 'Add user' }).click();
  }

  unlock(username: string): Locator {
    return this.page.getByRole('button', { name: `Unlock sign-in ${username}` });
  }
}
