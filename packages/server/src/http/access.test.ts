import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, CASHIER, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly access: string;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Fills path parameters with values of the right shape; access is checked before anything is read. */
function concrete(path: string): string {
  const uuid = '00000000-0000-4000-8000-000000000000';
  const idIsUuid = path.startsWith('/api/orders/') || path.startsWith('/api/boxes/');
  return path.replace('{uuid}', uuid).replace('{id}', idIsUuid ? uuid : '1');
}

describe('the HTTP surface: OpenAPI document, access rules, error shape', () => {
  let t: TestApp;
  let cashier: Agent;
  let operations: Operation[];
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    cashier = await loginAs(t.app, CASHIER);
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { 'x-kassa-access'?: string }>>;
    }>();
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((method) => ({
        method: method.toUpperCase(),
        path,
        access: item[method]?.['x-kassa-access'] ?? 'undocumented',
      })),
    );
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  it('documents who may call each operation', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((o) => !['public', 'user', 'admin'].includes(o.access))).toEqual([]);
    expect(
      operations
        .filter((o) => o.access === 'public')
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual(['GET /api/healthz', 'GET /api/openapi.json', 'GET /api/setup', 'POST /api/auth/login', 'POST /api/boxes/pair', 'POST /api/setup']);
  });

  it('answers 401 KASSA_UNAUTHENTICATED on every non-public route without a session', async () => {
    const answers = await Promise.all(
      operations
        .filter((o) => o.access !== 'public')
        .map(async (o) => {
          const response = await t.app.inject({
            method: o.method as 'GET',
            url: concrete(o.path),
            payload: o.method === 'GET' || o.method === 'DELETE' ? undefined : {},
          });
          return `${o.method} ${o.path} ${response.statusCode} ${response.json<{ error: { code: string } }>().error.code}`;
        }),
    );
    expect(answers.filter((a) => !a.endsWith('401 KASSA_UNAUTHENTICATED'))).toEqual([]);
  });

  it('answers 403 KASSA_FORBIDDEN to a cashier on every admin route', async () => {
    const admin = operations.filter((o) => o.access === 'admin');
    expect(admin.length).toBeGreaterThan(10);
    const answers = await Promise.all(
      admin.map(async (o) => {
        const response = await cashier.inject({
          method: o.method as 'GET',
          url: concrete(o.path),
          payload: o.method === 'GET' || o.method === 'DELETE' ? undefined : {},
        });
        return `${o.method} ${o.path} ${response.statusCode} ${response.json<{ error: { code: string } }>().error.code}`;
      }),
    );
    expect(answers.filter((a) => !a.endsWith('403 KASSA_FORBIDDEN'))).toEqual([]);
  });

  it('lets a cashier reach every user route (no 401 or 403)', async () => {
    const answers = await Promise.all(
      operations
        .filter((o) => o.access === 'user' && o.path !== '/api/events' && o.path !== '/api/auth/logout')
        .map(async (o) => {
          const response = await cashier.inject({ method: o.method as 'GET', url: concrete(o.path), payload: o.method === 'GET' ? undefined : {} });
          return { operation: `${o.method} ${o.path}`, status: response.statusCode };
        }),
    );
    expect(answers.filter((a) => a.status === 401 || a.status === 403)).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  });

  it('answers malformed bodies and parameters on every route with a 4xx in the one error shape, never a 5xx', async () => {
    const admin = await loginAs(t.app, ADMIN);
    const badBodies: unknown[] = [[], 'text', 42, { unknown: true }, { name: { nested: 1 }, amountCents: -1, id: 1e30 }];
    const badIds = ['-1', 'abc', '1.5', '99999999999999999999', '%00'];
    const targets = operations.filter((o) => o.path !== '/api/events' && o.path !== '/api/auth/logout' && o.path !== '/api/auth/login');
    const answers: string[] = [];
    for (const o of targets) {
      const urls = o.path.includes('{') ? badIds.map((bad) => o.path.replace(/\{[a-z]+\}/, bad)) : [o.path];
      for (const url of urls) {
        const payloads = o.method === 'GET' || o.method === 'DELETE' ? [undefined] : badBodies;
        for (const payload of payloads) {
          const response = await admin.inject({
            method: o.method as 'POST',
            url,
            ...(payload === undefined ? {} : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
          });
          const body = String(response.headers['content-type'] ?? '').includes('json') ? response.json<{ error?: { code?: string } }>() : {};
          if (response.statusCode >= 500 || (response.statusCode >= 400 && body.error?.code === undefined))
            answers.push(`${o.method} ${url} ${JSON.stringify(payload)} → ${response.statusCode}`);
        }
      }
    }
    expect(answers).toEqual([]);
  });

  it('GET /api/openapi.json describes the payments API with its schemas and the one error shape', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    const put = document.paths['/api/payments/{uuid}'].put;
    expect(put.requestBody.content['application/json'].schema.required).toEqual(['orderId', 'paymentMethodId', 'amountCents']);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '201', '401', '403', '409']));
    expect(put.security).toEqual([{ session: [] }]);
  });

  it('answers an unknown API path with 404 KASSA_NOT_FOUND in the one error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'KASSA_NOT_FOUND', message: expect.any(String) } });
  });

  it('answers malformed JSON with 400 KASSA_VALIDATION, not a 5xx', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('KASSA_VALIDATION');
  });

  it('answers a malformed percent-encoding and an over-long path parameter in the one error shape', async () => {
    const badUrl = await t.app.inject({ method: 'GET', url: '/api/payments/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toEqual({ error: { code: 'KASSA_VALIDATION', message: expect.any(String) } });
    const longParam = await t.app.inject({ method: 'GET', url: `/api/payments/${'a'.repeat(2000)}` });
    expect(longParam.statusCode).toBe(414);
    expect(longParam.json()).toEqual({ error: { code: 'KASSA_VALIDATION', message: expect.any(String) } });
  });

  it('answers a body that is not JSON with 415 KASSA_UNSUPPORTED_MEDIA', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('KASSA_UNSUPPORTED_MEDIA');
  });

  it('shows a page pointing to the API and its OpenAPI document at / when no web build is installed', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('/api/openapi.json');
  });
});
