import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppShell } from './pages/app.js';
import { BoxesPage, DevicesPage, JournalsPage, PaymentMethodsPage, PosConfigsPage, ProductsPage, SettingsPage, UsersPage } from './pages/back-office.js';
import type { WatchedPage } from './support/browser.js';
import { expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { Stack } from './support/stack.js';

/**
 * The seed document's configuration, walked by an admin in a real browser against the real server,
 * with a real box and an emulated Lane/5000. The steps build on each other, in order.
 */
describe('the back office walks the seed document', () => {
  let stack: Stack;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let app: AppShell;

  beforeAll(async () => {
    stack = await Stack.start();
    browser = await launchBrowser();
    watched = await openPage(await newContext(browser), stack.url);
    page = watched.page;
    app = new AppShell(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows an accessible login screen and signs the admin in', async () => {
    await app.username.waitFor();
    await expectAccessible(page);
    await app.logIn(stack.demo.admin);
    await expect.poll(() => app.connection.textContent()).toContain('Live');
  });

  it('offers "Use a payment terminal" only while the Ingenico setting is on', async () => {
    const methods = new PaymentMethodsPage(page);
    await app.goTo('Payment methods');
    // The demo's card method uses Ingenico; the setting can go off only once no method does.
    await methods.edit('Card');
    await methods.terminal.selectOption({ label: 'No terminal' });
    await methods.save.click();
    await methods.row('Card').filter({ hasText: 'No terminal' }).waitFor();

    const settings = new SettingsPage(page);
    await app.goTo('Settings');
    await settings.setIngenico(false);
    await app.goTo('Payment methods');
    await page.getByText('To use a payment terminal, switch on Settings').waitFor();
    expect(await methods.terminal.count()).toBe(0);

    await app.goTo('Settings');
    await settings.setIngenico(true);
    await expectAccessible(page);
    await screenshot(page, 'settings');
    await app.goTo('Payment methods');
    await methods.terminal.waitFor();
  });

  it('refuses a company outside Belgium, the Netherlands and Luxembourg while Ingenico is on, with the rule', async () => {
    const settings = new SettingsPage(page);
    await app.goTo('Settings');
    await settings.setCountry('FR');
    await expect.poll(() => settings.errorOf(settings.country)).toMatch(/Ingenico/);
    await settings.setCountry('BE');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  });

  it('creates the Bank journal', async () => {
    await app.goTo('Journals');
    await new JournalsPage(page).add('Bank Ingenico', 'Bank');
  });

  it('pairs a box, shows its one-time token and command, and sees it come online', async () => {
    await app.goTo('IoT boxes');
    const boxes = new BoxesPage(page);
    const { token, command } = await boxes.pair('Counter box');
    expect(token.length).toBeGreaterThan(16);
    expect(command).toContain('kassa-iotbox');
    expect(command).toContain(token);
    await screenshot(page, 'boxes');
    await stack.startBox(token);
    await boxes.row('Counter box').getByText('Online').waitFor();
    await expectAccessible(page);
  });

  it('sees an emulated Lane/5000 that dials the box appear in Devices live, without reloading', async () => {
    await app.goTo('Devices');
    const devices = new DevicesPage(page);
    await devices.howTo.getByText('9000 as port number').waitFor();
    expect(await devices.row('87654321').count()).toBe(0);
    const box = stack.boxes[0];
    if (box === undefined) throw new Error('no box');
    await stack.terminal(box, { terminalId: '87654321', model: 'lane5000' });
    const row = devices.row('87654321');
    await row.getByText('Online').waitFor();
    await expect.poll(() => row.textContent()).toMatch(/Lane\/5000.*Ingenico.*216S87654321.*127\.0\.0\.1.*Counter box.*New, waiting for approval/);
    await screenshot(page, 'devices');
    await expectAccessible(page);
  });

  it('offers a new terminal to a payment method only once the admin approved it on Devices', async () => {
    await app.goTo('Payment methods');
    const methods = new PaymentMethodsPage(page);
    await methods.terminal.selectOption({ label: 'Ingenico' });
    expect(await methods.disabledDeviceOptions()).toEqual(['Lane/5000 · 87654321 — New, waiting for approval']);

    await app.goTo('Devices');
    const devices = new DevicesPage(page);
    await devices.approve('87654321');
    await devices.row('87654321').getByText('Approved').waitFor();
    await page.reload();
    await devices.row('87654321').getByText('Approved').waitFor();
    expect(await page.getByRole('button', { name: 'Approve terminal 87654321' }).count()).toBe(0);
  });

  it("shows a device that claims an online terminal's id as an alert, live, which the admin dismisses", async () => {
    const devices = new DevicesPage(page);
    const box = stack.boxes[0];
    if (box === undefined) throw new Error('no box');
    stack.impostor(box, '87654321');
    await devices.alerts.getByText(/127\.0\.0\.2.*claimed terminal 87654321 while it was online/).waitFor();
    // The real terminal keeps its place.
    await devices.row('87654321').getByText('Online').waitFor();
    await expect.poll(() => devices.row('87654321').textContent()).toMatch(/127\.0\.0\.1.*Approved/);
    await screenshot(page, 'device-alert');
    await expectAccessible(page);
    await devices.dismissAlert('87654321');
    await expect.poll(() => devices.alerts.count()).toBe(0);
  });

  it('creates the Ingenico payment method, each rule refusing a wrong choice beside its field', async () => {
    await app.goTo('Payment methods');
    const methods = new PaymentMethodsPage(page);
    await methods.name.fill('Card counter');
    await methods.kind.selectOption({ label: 'Bank card' });
    await methods.journal.selectOption({ label: 'Cash (Cash)' });
    await methods.terminal.selectOption({ label: 'Ingenico' });
    // Only Ingenico payment terminals are offered.
    expect(await methods.deviceOptions()).toEqual(['Choose a device', 'Lane/5000 · 12345678 — terminal offline', 'Lane/5000 · 87654321']);

    await methods.save.click();
    expect(await methods.errorBeside(methods.journal)).toBe('A payment method that uses a terminal needs a journal of type Bank.');

    await methods.journal.selectOption({ label: 'Bank Ingenico (Bank)' });
    await methods.save.click();
    expect(await methods.errorBeside(methods.device)).toBe('An Ingenico payment method needs a payment terminal device.');

    await methods.kind.selectOption({ label: 'Cash' });
    await methods.journal.selectOption({ label: 'Cash (Cash)' });
    await methods.device.selectOption({ label: 'Lane/5000 · 87654321' });
    await methods.save.click();
    expect(await methods.errorBeside(methods.terminal)).toBe('A cash payment method cannot use a payment terminal.');
    await screenshot(page, 'payment-method-rule');
    await expectAccessible(page);

    await methods.kind.selectOption({ label: 'Bank card' });
    await methods.journal.selectOption({ label: 'Bank Ingenico (Bank)' });
    await methods.device.selectOption({ label: 'Lane/5000 · 87654321' });
    await methods.save.click();
    await methods.row('Card counter').filter({ hasText: '87654321' }).waitFor();
  });

  it('adds the payment method to the POS', async () => {
    await app.goTo('POS configurations');
    await new PosConfigsPage(page).addMethod('Shop', 'Card counter');
    await page.reload();
    await expect.poll(() => page.getByRole('form', { name: 'Shop' }).getByRole('checkbox', { name: 'Card counter' }).isChecked()).toBe(true);
  });

  it('refuses a blank POS name and a POS without a method beside the field, with the server’s reason in words', async () => {
    await app.goTo('POS configurations');
    const form = page.getByRole('form', { name: 'Add POS configuration' });
    const name = form.getByRole('textbox', { name: 'Name' });
    await name.fill('   ');
    await form.getByRole('checkbox', { name: 'Card counter' }).check();
    await form.getByRole('button', { name: 'Add POS configuration' }).click();
    await expect.poll(() => new PaymentMethodsPage(page).errorBeside(name)).toBe('The name cannot be blank.');
    await name.fill('Shop');
    await form.getByRole('button', { name: 'Add POS configuration' }).click();
    await expect.poll(() => new PaymentMethodsPage(page).errorBeside(name)).toBe('The name “Shop” is used already.');
    await name.fill('Terrace');
    await form.getByRole('checkbox', { name: 'Card counter' }).uncheck();
    await form.getByRole('button', { name: 'Add POS configuration' }).click();
    await form.getByText('Choose at least one payment method.').waitFor();
    expect(await form.getByRole('group', { name: 'Payment methods' }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);
  });

  it('shows a page not found for an unknown address, with the way back', async () => {
    await page.goto(`${stack.url}/#/admin/nowhere`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.getByText('There is no page at /admin/nowhere.').waitFor();
    await page.getByRole('link', { name: 'Back to the start page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  });

  it('changes the price of a product', async () => {
    const products = new ProductsPage(page);
    await app.goTo('Products');
    await products.changePrice('Cola', '3.10');
    await expect.poll(() => products.row('Cola').textContent()).toContain('3.10');
    await page.reload();
    await expect.poll(() => products.row('Cola').textContent()).toContain('3.10');
  });

  it('adds a manager with an approval PIN; the manager gets the till and their own PIN, not the back office', async () => {
    const users = new UsersPage(page);
    await app.goTo('Users');
    const mia = { username: 'mia', password: 'mia-approves-overrides' };
    await users.add({ ...mia, role: 'Manager', pin: '4321' });
    await users.row(mia.username).waitFor();
    expect(await users.row(mia.username).getByRole('combobox').inputValue()).toBe('manager');
    expect(await users.cell(mia.username, 2).textContent()).toBe('Yes');
    await expectAccessible(page);
    await users
      .row(mia.username)
      .getByRole('button', { name: `Remove PIN ${mia.username}` })
      .click();
    await expect.poll(() => users.cell(mia.username, 2).textContent()).toBe('No');

    const manager = await openPage(await newContext(browser), stack.url);
    const shell = new AppShell(manager.page);
    await shell.logIn(mia);
    expect(await shell.nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await shell.goTo('My PIN');
    const form = manager.page.getByRole('form', { name: 'My approval PIN' });
    await form.getByLabel('Current password').fill(mia.password);
    await form.getByLabel('Approval PIN', { exact: true }).fill('8642');
    await form.getByRole('button', { name: 'Save PIN' }).click();
    await form.getByRole('status').filter({ hasText: 'PIN saved.' }).waitFor();
    await expectAccessible(manager.page);
    await page.reload();
    await expect.poll(() => users.cell(mia.username, 2).textContent()).toBe('Yes');
    expect(manager.errors).toEqual([]);
  });

  it('left no error in the browser console', () => {
    expect(watched.errors).toEqual([]);
  });
});
