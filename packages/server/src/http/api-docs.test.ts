import { ERROR_CATALOGUE } from '@kassa/contract';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS } from '../test-support/app.js';
import { API_DOCS_CSP } from './api-docs.js';
import { errorCodesFor } from './openapi-responses.js';

interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value: { error: { code: string } } }>;
}
interface Operation {
  tags?: string[];
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describe('the API reference at /api/docs and its OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  let operations: { name: string; operation: Operation }[];
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Document>();
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((method) => ({ name: `${method.toUpperCase()} ${path}`, operation: item[method]! })),
    );
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  it('GET /api/docs answers an HTML page that loads its scripts from this server, under its own CSP', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toBe(API_DOCS_CSP);
    const scripts = [...response.body.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/api\/docs\/static\//);
      expect(body!.trim()).toBe('');
    }
    expect(response.body).not.toMatch(/https?:\/\//);
    const script = await t.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-security-policy']).toBe(API_DOCS_CSP);
    const initializer = await t.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('./json');
  });

  it('the reference shows the same document as /api/openapi.json', async () => {
    const shown = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(shown.json()).toEqual(document);
  });

  it("the rest of the API keeps its own headers: the reference's CSP stays under /api/docs", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
    expect(response.headers['content-security-policy']).not.toBe(API_DOCS_CSP);
  });

  it('has no "Default Response": every response is described by its status', () => {
    const undescribed = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses)
        .filter(([, r]) => r.description === 'Default Response' || r.description === '')
        .map(([status]) => `${name} ${status}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('tags every operation with an area the document describes', () => {
    const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description ?? '']));
    for (const { name, operation } of operations) {
      expect(operation.tags?.length, name).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(described.get(tag), `${name}: tag "${tag}"`).toMatch(/\S/);
    }
  });

  it('names this server in servers and links the curl guide in its description', () => {
    expect(document.servers).toEqual([{ url: 'http://kassa.test', description: 'this server' }]);
    expect(document.info.description).toContain('docs/api-guide.md');
    expect(document.info.description).toContain('/api/payments/$PAY');
  });

  it('gives every answer with a body an example, the payment as written by hand', () => {
    const missing = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses).flatMap(([status, r]) =>
        Object.values(r.content ?? {})
          .filter((m) => m.example === undefined && m.examples === undefined)
          .map(() => `${name} ${status}`),
      ),
    );
    expect(missing).toEqual([]);
    const put = document.paths['/api/payments/{uuid}']!['put']!;
    expect(put.responses['201']!.content!['application/json']!.example).toMatchObject({ amountCents: 1000, state: 'done' });
    const read = document.paths['/api/payments/{uuid}']!['get']!;
    expect(read.responses['200']!.content!['application/json']!.example).toMatchObject({ payment: { amountCents: 1000 }, history: expect.any(Array) });
  });

  it("shows real values, not the sampler's placeholders, for pairing a box", () => {
    const answer = (path: string, status: string) => document.paths[path]!['post']!.responses[status]!.content!['application/json']!.example;
    expect(answer('/api/boxes/pairing-codes', '201')).toEqual({
      code: '483-921',
      expiresAt: expect.stringMatching(/^2026-/),
      command: 'kassa-iotbox pair --server https://pos.example.com --code 483-921',
    });
    expect(answer('/api/boxes/pair', '201')).toEqual({
      boxId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token: expect.stringMatching(/^[0-9a-f-]{36}\.\S{20,}$/),
    });
    expect(answer('/api/boxes', '201')).toMatchObject({ box: { name: 'Counter box' }, command: expect.stringContaining('kassa-iotbox --server https://') });
    for (const path of ['/api/boxes/pairing-codes', '/api/boxes/pair', '/api/boxes']) expect(JSON.stringify(answer(path, '201'))).not.toContain('"string"');
  });

  it('lists only the codes a route names as its own: pairing a box', () => {
    const codesOf = (path: string, status: string) => Object.keys(document.paths[path]!['post']!.responses[status]!.content!['application/json']!.examples!);
    expect(codesOf('/api/boxes/pair', '422')).toEqual(['KASSA_PAIRING_CODE']);
    expect(document.paths['/api/boxes/pair']!['post']!.responses['422']!.description).toBe('Breaks a business rule. Codes: KASSA_PAIRING_CODE.');
    // A route that needs a user answers 409 KASSA_SETUP_REQUIRED too, before the first admin exists.
    expect(codesOf('/api/boxes/pairing-codes', '409')).toEqual(['KASSA_CONFLICT', 'KASSA_SETUP_REQUIRED']);
    // Statuses every route has keep the whole catalogue's codes of that status.
    expect(codesOf('/api/boxes/pair', '400')).toEqual(errorCodesFor(400));
  });

  it('shows the error shape with the codes of each error status', () => {
    const put = document.paths['/api/payments/{uuid}']!['put']!;
    const conflict = put.responses['409']!;
    expect(conflict.description).toContain('KASSA_TERMINAL_BUSY');
    const examples = conflict.content!['application/json']!.examples!;
    expect(Object.keys(examples).sort()).toEqual(errorCodesFor(409).sort());
    expect(examples['KASSA_IDEMPOTENCY_MISMATCH']!.value).toEqual({
      error: { code: 'KASSA_IDEMPOTENCY_MISMATCH', message: ERROR_CATALOGUE.KASSA_IDEMPOTENCY_MISMATCH.message },
    });
  });
});

describe('the API reference in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: process.env['KASSA_CHROMIUM'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('shows the operations by area, asking nothing of any other host and breaking no rule of its CSP', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/api/docs`);
    await page.getByRole('heading', { name: /kassa API/ }).waitFor({ timeout: 30_000 });
    for (const tag of ['payments', 'orders', 'IoT boxes']) await page.locator(`h3[data-tag="${tag}"]`).waitFor();
    await page.getByText('/api/payments/{uuid}').first().waitFor();
    expect(requests.filter((url) => !url.startsWith(base) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    if (process.env['KASSA_DOCS_SCREENSHOT']) await page.screenshot({ path: process.env['KASSA_DOCS_SCREENSHOT'], fullPage: false });
    await page.close();
  }, 60_000);
});
