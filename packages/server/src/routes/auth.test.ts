import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, CASHIER, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';

describe('auth routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Behind a trusted proxy, as in production; requests without X-Forwarded-* use the socket address.
    t = await buildTestApp('postgres', { loginLimit: { max: 3, windowMs: 60_000 }, trustProxy: true });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/auth/login', () => {
    it('sets an HttpOnly SameSite=Lax session cookie and returns the user and a CSRF token', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN, remoteAddress: '10.0.0.1' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ user: { username: ADMIN.username, role: 'admin', active: true }, csrfToken: expect.any(String) });
      const cookie = response.cookies.find((c) => c.name === 'kassa_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie?.secure).toBeFalsy();
    });

    it('refuses a wrong password with KASSA_BAD_CREDENTIALS', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { ...ADMIN, password: 'wrong' }, remoteAddress: '10.0.0.2' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('KASSA_BAD_CREDENTIALS');
    });

    it('refuses a body with unknown fields as KASSA_VALIDATION', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { ...ADMIN, admin: true }, remoteAddress: '10.0.0.3' });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('KASSA_VALIDATION');
    });

    it('answers 429 KASSA_RATE_LIMITED once a client address has used up its attempts', async () => {
      const attempt = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { ...CASHIER, password: 'guess' }, remoteAddress: '10.0.0.9' });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await attempt()).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await attempt();
      expect(limited.json().error.code).toBe('KASSA_RATE_LIMITED');
      const other = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: CASHIER, remoteAddress: '10.0.0.10' });
      expect(other.statusCode).toBe(200);
    });

    it('counts attempts across server processes that share the database', async () => {
      const other = await buildTestApp('postgres', { schema: t.database.schema, loginLimit: { max: 3, windowMs: 60_000 }, trustProxy: true });
      try {
        const attempt = (app: typeof t.app) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { ...CASHIER, password: 'guess' }, remoteAddress: '10.0.0.77' });
        const statuses = [(await attempt(t.app)).statusCode, (await attempt(other.app)).statusCode, (await attempt(t.app)).statusCode, (await attempt(other.app)).statusCode];
        expect(statuses).toEqual([401, 401, 401, 429]);
      } finally {
        await other.close();
      }
    });

    it('marks the cookie Secure when a trusted proxy says the request came over https', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN, remoteAddress: '10.0.0.4', headers: { 'x-forwarded-proto': 'https' } });
      expect(response.cookies.find((c) => c.name === 'kassa_session')?.secure).toBe(true);
    });
  });

  describe('GET /api/auth/me', () => {
    it('returns the logged-in user with the CSRF token of the session', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      const response = await cashier.inject({ method: 'GET', url: '/api/auth/me' });
      expect(response.json()).toEqual({ user: expect.objectContaining({ username: CASHIER.username, role: 'cashier' }), csrfToken: cashier.csrfToken });
    });

    it('answers 401 KASSA_UNAUTHENTICATED without a session', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('KASSA_UNAUTHENTICATED');
    });
  });

  describe('POST /api/auth/logout', () => {
    it('refuses a state change without the CSRF token with KASSA_CSRF and keeps the session', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      const refused = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cashier.cookie } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('KASSA_CSRF');
      const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cashier.cookie, 'x-csrf-token': 'forged' } });
      expect(wrong.json().error.code).toBe('KASSA_CSRF');
      expect((await cashier.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    });

    it('ends the session so the cookie no longer works', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      expect((await cashier.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
      expect((await cashier.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    });
  });

  describe('GET /api/healthz', () => {
    it('answers ok with the database kind, without a session', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', database: 'postgres' });
    });
  });
});
