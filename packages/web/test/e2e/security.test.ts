import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppShell } from './pages/app.js';
import { UsersPage } from './pages/back-office.js';
import { launchBrowser, newContext } from './support/browser.js';
import { Stack, WEB_DIST } from './support/stack.js';

/** Every console message and every CSP violation the page reports, whatever its kind. */
interface Recorded {
  readonly console: string[];
  readonly violations: () => Promise<string[]>;
}

async function record(page: Page): Promise<Recorded> {
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  // Injected by the browser itself (DevTools protocol), so the page's CSP does not stop it.
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => w.__violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return { console, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
}

const csp = (lines: readonly string[]): string[] => lines.filter((line) => /Content Security Policy|Refused to/i.test(line));

/**
 * The app under its Content-Security-Policy in a real browser: it logs in, streams live events,
 * shows its styles and screens with no violation reported, and no other site can frame it.
 */
describe('the web app under its security headers', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let framer: Server;

  beforeAll(async () => {
    stack = await Stack.start();
    browser = await launchBrowser();
    context = await newContext(browser);
    // Another origin (another port) that tries to show the app in a frame.
    framer = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><title>framer</title><iframe id="victim" src="${stack.url}/" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => framer?.close(() => resolve()));
    await browser?.close();
    await stack?.close();
  });

  it('builds a page with no inline script or style for the CSP to allow', () => {
    const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('logs in, goes live and shows its screens with no CSP violation', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const recorded = await record(page);
    const response = await page.goto(stack.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const app = new AppShell(page);
    await app.logIn(stack.demo.admin);
    // The event stream connects under connect-src 'self'.
    await expect.poll(() => app.connection.textContent()).toContain('Live');
    // The stylesheet applies under style-src 'self': the layout is not the browser's default.
    const styled = await page.evaluate(() => ({
      sheets: document.styleSheets.length,
      rules: [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
      font: getComputedStyle(document.body).fontFamily,
    }));
    expect(styled.sheets).toBeGreaterThan(0);
    expect(styled.rules).toBeGreaterThan(10);
    expect(styled.font).not.toBe('');
    for (const screen of ['Settings', 'Devices', 'Payment methods', 'Payments', 'Users']) await app.goTo(screen);
    await app.page.getByRole('link', { name: 'Cashier screen' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await recorded.violations()).toEqual([]);
    expect(csp(recorded.console)).toEqual([]);
    await page.close();
  });

  it('cannot be framed by another site', async () => {
    const page = await context.newPage();
    const recorded = await record(page);
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    await expect.poll(() => csp(recorded.console).join('\n'), { timeout: 15_000 }).toContain('frame-ancestors');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // The frame holds the browser's error page, never the app.
    expect(await frame?.locator('#root').count()).toBe(0);
    expect(frame?.url()).not.toBe(`${stack.url}/`);
    await page.close();
  });

  it('lets an admin lift a user’s login lock and refuses a common password, with the reason', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(stack.url);
    const app = new AppShell(page);
    if (await app.username.isVisible()) await app.logIn(stack.demo.admin);
    await app.goTo('Users');
    const users = new UsersPage(page);
    await users.add({ username: 'weakling', password: 'qwerty123456', role: 'Cashier' });
    await users.form.getByRole('alert').filter({ hasText: 'one of the 10,000 most common' }).waitFor();
    await users.add({ username: 'lockme', password: 'a long enough secret', role: 'Cashier' });
    await users.row('lockme').waitFor();
    for (let i = 0; i < 6; i += 1) {
      await fetch(`${stack.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'lockme', password: `guess ${i}` }),
      });
    }
    await page.reload();
    await users.row('lockme').filter({ hasText: 'Locked until' }).waitFor();
    await users.unlock('lockme').click();
    await users.row('lockme').filter({ hasText: 'Open' }).waitFor();
    expect(await users.unlock('lockme').count()).toBe(0);
    const login = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lockme', password: 'a long enough secret' }),
    });
    expect(login.status).toBe(200);
    await page.close();
  });
});
