import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppShell } from './pages/app.js';
import type { WatchedPage } from './support/browser.js';
import { expectAccessible, launchBrowser, newContext, openPage, screenshot } from './support/browser.js';
import { errorBeside } from './support/forms.js';
import type { Lang } from './support/i18n.js';
import { BROWSER_LOCALE, euros, plain, translator } from './support/i18n.js';
import { Stack } from './support/stack.js';

/**
 * The back office in Dutch and in French: each refusal of the payment-method, POS, user and product
 * forms shows beside the field it is about, in the admin's language; amounts are typed and shown
 * as that language writes them. (English and the payment-method rules on journal and kind are in
 * back-office.test.ts.)
 */
describe.each<Lang>(['nl', 'fr'])('the back office forms refuse in %s, beside the field', (lang) => {
  const t = translator(lang);
  const eur = (cents: number): string => euros(lang, cents);
  let stack: Stack;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let shell: AppShell;

  const refusal = async (field: Locator): Promise<string> => plain(await errorBeside(field));
  const goTo = async (navKey: string, titleKey: string): Promise<void> => {
    await shell.nav.getByRole('link', { name: t(navKey), exact: true }).click();
    await shell.heading(t(titleKey)).waitFor();
  };

  beforeAll(async () => {
    stack = await Stack.start();
    browser = await launchBrowser();
    watched = await openPage(await newContext(browser, { locale: BROWSER_LOCALE[lang], height: 1000 }), stack.url);
    page = watched.page;
    shell = new AppShell(page);
    await shell.logIn(stack.demo.admin);
    await shell.heading(t('settings.title')).waitFor();
  }, 120_000);

  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    await screenshot(page, `failed-forms-${lang}-${test.task.name.slice(0, 30).replace(/\W+/g, '-')}`, { fullPage: true });
    console.log('browser errors so far:', watched.errors, 'url:', page.url());
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('payment method: a blank name, a name taken, the device picker marking an offline terminal, and the terminal another method uses', async () => {
    await goTo('nav.methods', 'methods.title');
    const form = page.getByRole('form', { name: t('methods.add') });
    const name = form.getByRole('textbox', { name: t('app.name') });
    const save = form.getByRole('button', { name: t('app.save') });
    await name.fill('   ');
    await form.getByRole('combobox', { name: t('methods.kind') }).selectOption({ label: t('methods.kindBank') });
    await form.getByRole('combobox', { name: t('methods.journal') }).selectOption({ label: `Bank (${t('journals.bank')})` });
    await save.click();
    expect(await refusal(name)).toBe(t('errors.KASSA_NAME_BLANK'));

    // Names are unique whatever their case.
    await name.fill('card');
    await save.click();
    await expect.poll(() => refusal(name)).toBe(plain(t('errors.KASSA_NAME_TAKEN', { name: 'card' })));

    // The demo's Card method uses the Lane/5000 already: one terminal, one method.
    await name.fill(lang === 'nl' ? 'Kaart toog' : 'Carte comptoir');
    await form.getByRole('combobox', { name: t('methods.terminal'), exact: true }).selectOption({ label: t('methods.terminalIngenico') });
    const device = form.getByRole('combobox', { name: t('methods.device'), exact: true });
    // No box runs in this test: the demo's terminal is offline, and the picker says so.
    expect(plain(await device.locator('option').nth(1).textContent())).toContain(t('pos.terminalOffline'));
    await device.selectOption({ index: 1 });
    await save.click();
    expect(await refusal(device)).toBe(plain(t('errors.KASSA_DEVICE_IN_USE', { paymentMethodName: 'Card' })));
    expect(await name.getAttribute('aria-invalid')).toBe('false');
    await screenshot(page, `form-error-device-${lang}`);
    await expectAccessible(page);
  });

  it('POS: a blank name, a name taken, and no payment method', async () => {
    await goTo('nav.pos', 'posConfigs.title');
    const form = page.getByRole('form', { name: t('posConfigs.add') });
    const name = form.getByRole('textbox', { name: t('app.name') });
    const add = form.getByRole('button', { name: t('posConfigs.add') });
    await name.fill('   ');
    await form.getByRole('checkbox', { name: 'Cash' }).check();
    await add.click();
    expect(await refusal(name)).toBe(t('errors.KASSA_NAME_BLANK'));
    await name.fill('SHOP');
    await add.click();
    await expect.poll(() => refusal(name)).toBe(plain(t('errors.KASSA_NAME_TAKEN', { name: 'SHOP' })));
    await name.fill(lang === 'nl' ? 'Terras' : 'Terrasse');
    await form.getByRole('checkbox', { name: 'Cash' }).uncheck();
    await add.click();
    const methods = form.getByRole('group', { name: t('posConfigs.methods') });
    await form.getByText(t('errors.KASSA_POS_NO_METHOD')).waitFor();
    expect(await methods.getAttribute('aria-invalid')).toBe('true');
    expect(plain(await methods.getByText(t('errors.KASSA_POS_NO_METHOD')).textContent())).toBe(plain(t('errors.KASSA_POS_NO_METHOD')));
    await expectAccessible(page);
  });

  it('user: a blank username, one with a space inside (the schema’s reason), one taken in another case, a common, a predictable and a personal password', async () => {
    await goTo('nav.users', 'users.title');
    const form = page.getByRole('form', { name: t('users.add') });
    const username = form.getByRole('textbox', { name: t('users.username') });
    const password = form.getByLabel(t('users.password'), { exact: true });
    const add = form.getByRole('button', { name: t('users.add') });
    await username.fill('   ');
    await password.fill('a-long-enough-passphrase');
    await add.click();
    expect(await refusal(username)).toBe(plain(t('errors.KASSA_NAME_BLANK')));
    // The schema's reason, in the admin's language, beside the field.
    await username.fill('ca shier');
    await add.click();
    await expect.poll(() => refusal(username)).toBe(plain(t('errors.fieldReason', { field: t('fields.username'), reason: t('validation.usernamePattern') })));
    // Trimmed like other names, and taken whatever its case.
    await username.fill(' Cashier');
    await add.click();
    await expect.poll(() => refusal(username)).toBe(plain(t('errors.usernameTaken', { username: 'Cashier' })));
    await username.fill('noor');
    await password.fill('123456qwerty');
    await add.click();
    expect(await refusal(password)).toBe(plain(t('users.passwordCommon')));
    expect(await username.getAttribute('aria-invalid')).toBe('false');
    await expectAccessible(page);
    // Twelve characters, not in the list, but the first thing a guesser tries.
    await password.fill('123456789012');
    await add.click();
    await expect.poll(() => refusal(password)).toBe(plain(t('users.passwordPredictable')));
    await password.fill('Noor-sells-on-saturdays');
    await add.click();
    await expect.poll(() => refusal(password)).toBe(plain(t('users.passwordPersonal')));
    await password.fill('sells-on-saturdays');
    await add.click();
    await page
      .getByRole('table', { name: t('users.title') })
      .getByRole('row', { name: /^noor / })
      .waitFor();
  });

  it('product: a blank name, a name taken, a price that is no amount; "6,30" is 6,30 €', async () => {
    await goTo('nav.products', 'products.title');
    const form = page.getByRole('form', { name: t('products.add') });
    const name = form.getByRole('textbox', { name: t('app.name') });
    const price = form.getByRole('textbox', { name: t('products.price') });
    const add = form.getByRole('button', { name: t('products.add') });
    await name.fill('   ');
    await price.fill('6,30');
    await add.click();
    expect(await refusal(name)).toBe(t('errors.KASSA_NAME_BLANK'));
    await name.fill('fries');
    await add.click();
    await expect.poll(() => refusal(name)).toBe(plain(t('errors.KASSA_NAME_TAKEN', { name: 'fries' })));
    await name.fill('Stoofvleessaus');
    await price.fill('6.3.0');
    await add.click();
    expect(await refusal(price)).toBe(plain(t('pos.badAmount')));
    await price.fill('6,30');
    await add.click();
    const row = page.getByRole('table', { name: t('products.title') }).getByRole('row', { name: /^Stoofvleessaus / });
    await row.waitFor();
    expect(plain(await row.getByRole('cell').first().textContent())).toBe(eur(630));
    // Edited, the price comes back as the admin types it.
    await page.getByRole('button', { name: t('products.editTitle', { name: 'Stoofvleessaus' }) }).click();
    expect(
      await page
        .getByRole('form', { name: t('products.editTitle', { name: 'Stoofvleessaus' }) })
        .getByRole('textbox', { name: t('products.price') })
        .inputValue(),
    ).toBe('6,30');
    await page.getByRole('button', { name: t('app.cancel') }).click();
  });

  it('sells the new product at the till: the order totals 6,30 € as the language writes it', async () => {
    await shell.nav.getByRole('link', { name: t('nav.cashier') }).click();
    await shell.heading(t('pos.openTitle')).waitFor();
    await page.getByRole('textbox', { name: t('pos.openingCash') }).fill('50,00');
    await page.getByRole('button', { name: t('pos.open') }).click();
    const product = page.getByRole('button', { name: t('pos.addProduct', { name: 'Stoofvleessaus', price: eur(630) }) });
    await product.click();
    await expect.poll(async () => plain(await page.getByTestId('order-total').first().textContent())).toBe(eur(630));
    await product.click();
    await expect.poll(async () => plain(await page.getByTestId('order-total').first().textContent())).toBe(eur(1260));
    await page.getByRole('button', { name: `${t('pos.pay')} ${eur(1260)}` }).click();
    await page.getByRole('heading', { level: 1, name: t('pos.paymentTitle') }).waitFor();
    await page.getByRole('radio', { name: 'Cash' }).check();
    await page.getByRole('textbox', { name: t('pos.received') }).fill('20,5');
    await page.getByText(`${t('pos.change')} ${eur(790)}`).waitFor();
  });

  it('journal: a blank name, a name taken, and a journal its methods use is not removed', async () => {
    await goTo('nav.journals', 'journals.title');
    const form = page.getByRole('form', { name: t('journals.add') });
    const name = form.getByRole('textbox', { name: t('app.name') });
    const add = form.getByRole('button', { name: t('journals.add') });
    await name.fill('   ');
    await add.click();
    expect(await refusal(name)).toBe(t('errors.KASSA_NAME_BLANK'));
    await name.fill('BANK');
    await add.click();
    await expect.poll(() => refusal(name)).toBe(plain(t('errors.KASSA_NAME_TAKEN', { name: 'BANK' })));
    await page.getByRole('button', { name: `${t('app.remove')} Bank` }).click();
    const alerts = async (): Promise<string[]> => (await page.getByRole('alert').allTextContents()).map(plain);
    await expect.poll(alerts).toContain(plain(t('errors.KASSA_JOURNAL_IN_USE')));
    await expectAccessible(page);
  });

  it('archiving: the only method of a POS in use is refused naming that POS; a method a POS offers is not deleted; an unused POS is', async () => {
    await goTo('nav.pos', 'posConfigs.title');
    const form = page.getByRole('form', { name: t('posConfigs.add') });
    await form.getByRole('textbox', { name: t('app.name') }).fill('Kiosk');
    await form.getByRole('checkbox', { name: 'Cash' }).check();
    await form.getByRole('button', { name: t('posConfigs.add') }).click();
    await page.getByRole('form', { name: 'Kiosk' }).waitFor();

    await goTo('nav.methods', 'methods.title');
    await page.getByRole('button', { name: `${t('archive.archive')} Cash` }).click();
    await page
      .getByRole('group', { name: t('archive.archive') })
      .getByRole('button', { name: t('archive.archive') })
      .click();
    const alerts = async (): Promise<string[]> => (await page.getByRole('alert').allTextContents()).map(plain);
    await expect.poll(alerts).toContain(plain(t('errors.KASSA_POS_LAST_METHOD', { posConfigNames: 'Kiosk' })));
    await page.getByRole('button', { name: `${t('app.remove')} Cash` }).click();
    await page
      .getByRole('group', { name: t('app.remove') })
      .getByRole('button', { name: t('app.remove') })
      .click();
    await expect.poll(alerts).toContain(plain(t('errors.KASSA_METHOD_IN_USE')));
    await expectAccessible(page);

    // A POS no session ever opened on is deleted, after a confirmation.
    await goTo('nav.pos', 'posConfigs.title');
    await page.getByRole('button', { name: `${t('app.remove')} Kiosk` }).click();
    await page
      .getByRole('group', { name: t('app.remove') })
      .getByRole('button', { name: t('app.remove') })
      .click();
    await page.getByRole('form', { name: 'Kiosk' }).waitFor({ state: 'detached' });
  });

  it('left no error in the browser console', () => {
    expect(watched.errors).toEqual([]);
  });
});
