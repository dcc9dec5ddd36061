import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSetup, setupLink } from '../services/setup.js';
import { BACKENDS } from '../test-support/databases.js';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS } from '../test-support/app.js';

const FIRST = { username: 'owner', password: 'a-long-password' };

describe.each(BACKENDS)('first run on %s', (backend) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await buildTestApp(backend, { users: false });
    token = (await openSetup(t.app.kassa)) ?? '';
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  it('gives a one-time link to the web app with the token in the fragment', () => {
    expect(setupLink('https://pos.example', token)).toBe(`https://pos.example/#/setup/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('answers every route that needs a user with KASSA_SETUP_REQUIRED, and the login too', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: true });
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(me.statusCode).toBe(409);
    expect(me.json().error.code).toBe('KASSA_SETUP_REQUIRED');
    expect((await t.app.inject({ method: 'GET', url: '/api/payments' })).json().error.code).toBe('KASSA_SETUP_REQUIRED');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: FIRST })).json().error.code).toBe('KASSA_SETUP_REQUIRED');
  });

  describe('POST /api/setup', () => {
    it('refuses a wrong token with KASSA_SETUP_TOKEN and a short password with KASSA_VALIDATION, creating nobody', async () => {
      const wrong = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...FIRST, token: 'x'.repeat(43) } });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('KASSA_SETUP_TOKEN');
      const short = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...FIRST, password: 'short', token } });
      expect(short.json().error.code).toBe('KASSA_VALIDATION');
      expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: true });
    });

    it('creates the first admin from the link and logs it in; then the link and any other one are spent', async () => {
      const other = (await openSetup(t.app.kassa)) ?? '';
      const created = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { ...FIRST, token } });
      expect(created.statusCode).toBe(200);
      expect(created.json()).toMatchObject({ user: { username: 'owner', role: 'admin', active: true }, csrfToken: expect.any(String) });
      const cookie = created.cookies.find((c) => c.name === 'kassa_session');
      expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: `kassa_session=${cookie?.value}` } })).statusCode).toBe(200);

      expect((await t.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: false });
      for (const used of [token, other]) {
        const again = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { username: 'intruder', password: 'another-password', token: used } });
        expect(again.json().error.code).toBe('KASSA_SETUP_DONE');
      }
      expect(await openSetup(t.app.kassa)).toBeNull();
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/me' })).json().error.code).toBe('KASSA_UNAUTHENTICATED');
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: FIRST })).statusCode).toBe(200);
    });
  });
});
