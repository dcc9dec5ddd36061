import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT, SCREENSHOTS } from './stack.js';

const CHROMIUM = process.env['KASSA_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Network refusals the app shows to the user on purpose (login check, an approval refused, rules refused, a weak password); not app errors. */
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (400|401|403|409|422|503)/;

/** A page that records every console error and uncaught exception, to assert the app stays clean. */
export interface WatchedPage {
  readonly page: Page;
  readonly errors: string[];
}

export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  // A request the browser gave up on (not a refusal of the API, which is an answer).
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    if (!/\/api\/events/.test(request.url()) && failure !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.url()} ${failure}`);
  });
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return { page, errors };
}

export async function newContext(browser: Browser, options: { locale?: string; width?: number; height?: number } = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: options.locale ?? 'en-GB', viewport: { width: options.width ?? 1024, height: options.height ?? 768 } });
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/**
 * A screenshot the README shows: saved with the others, and copied to docs/ (as `name`.png) when
 * KASSA_DOCS_SCREENSHOTS=1, so an ordinary run leaves the pictures in the repository alone.
 */
export async function docScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const path = await screenshot(page, name, options);
  if (process.env['KASSA_DOCS_SCREENSHOTS'] === '1') copyFileSync(path, join(REPO_ROOT, 'docs', `${name}.png`));
  return path;
}

/** The automated accessibility check: no WCAG 2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(violations).toEqual([]);
}

/** Waits until `check` holds, polling; for conditions outside the page (terminal ledger, API). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, { timeoutMs = 15_000, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
