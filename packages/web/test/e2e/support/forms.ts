import type { Locator } from 'playwright-core';

/**
 * The refusal shown beside a form field: waits until the field is marked invalid, then reads the
 * element its description points to (the `…-error` id the field's error carries).
 */
export async function errorBeside(field: Locator): Promise<string> {
  const page = field.page();
  await page.waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await field.elementHandle());
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return (await page.locator(`[id="${ids[0] ?? 'none'}"]`).textContent()) ?? '';
}
