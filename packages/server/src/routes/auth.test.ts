import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../auth/tokens.js';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, CASHIER, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';

const PROXY = '10.9.9.9';
const TIGHT_LOCKOUT = {
  username: { freeFailures: 3, baseLockMs: 60_000, maxLockMs: 600_000 },
  address: { freeFailures: 6, baseLockMs: 60_000, maxLockMs: 600_000 },
  device: { freeFailures: 3, baseLockMs: 60_000, maxLockMs: 600_000 },
};

function code(response: LightMyRequestResponse): string {
  return response.json<{ error: { code: string } }>().error.code;
}

function deviceCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'kassa_device');
  if (cookie === undefined) throw new Error('no device cookie');
  return `kassa_device=${cookie.value}`;
}

describe.each(BACKENDS)('auth routes on %s', (backend) => {
  let t: TestApp;
  let n = 0;
  /** A username of its own per test, so the counters of one test do not meet another's. */
  const makeUser = async (role: 'admin' | 'cashier' = 'cashier'): Promise<{ username: string; password: string; id: number }> => {
    n += 1;
    const user = { username: `user${n}`, password: `a long secret ${n}`, role };
    const admin = await loginAs(t.app, ADMIN);
    const created = await admin.inject({ method: 'POST', url: '/api/users', payload: user, remoteAddress: '10.0.0.250' });
    if (created.statusCode !== 201) throw new Error(created.body);
    return { ...user, id: created.json<{ id: number }>().id };
  };
  const attempt = (credentials: { username: string; password: string }, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: credentials.username, password: credentials.password },
      remoteAddress,
      headers,
    });

  beforeAll(async () => {
    // Behind a listed proxy, as in production; requests from any other peer use the socket address.
    t = await buildTestApp(backend, { loginLimit: { max: 1000, windowMs: 60_000 }, loginLockout: TIGHT_LOCKOUT, trustProxy: [PROXY, '10.8.0.0/16'] });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/auth/login', () => {
    it('sets an HttpOnly SameSite=Lax session cookie and returns the user and a CSRF token', async () => {
      const response = await attempt(ADMIN, '10.0.0.1');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ user: { username: ADMIN.username, role: 'admin', active: true }, csrfToken: expect.any(String) });
      const cookie = response.cookies.find((c) => c.name === 'kassa_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie?.secure).toBeFalsy();
      expect(response.cookies.find((c) => c.name === 'kassa_device')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth/login' });
    });

    it('refuses a wrong password with KASSA_BAD_CREDENTIALS', async () => {
      const response = await attempt({ ...ADMIN, password: 'wrong' }, '10.0.0.2');
      expect(response.statusCode).toBe(401);
      expect(code(response)).toBe('KASSA_BAD_CREDENTIALS');
    });

    it('refuses a body with unknown fields as KASSA_VALIDATION', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { ...ADMIN, admin: true }, remoteAddress: '10.0.0.3' });
      expect(response.statusCode).toBe(400);
      expect(code(response)).toBe('KASSA_VALIDATION');
    });

    it('marks the cookie Secure when a listed proxy says the request came over https', async () => {
      const response = await attempt(ADMIN, PROXY, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.168.1.4' });
      expect(response.cookies.find((c) => c.name === 'kassa_session')?.secure).toBe(true);
    });

    it('believes X-Forwarded-Proto from no one else', async () => {
      const response = await attempt(ADMIN, '10.0.0.5', { 'x-forwarded-proto': 'https' });
      expect(response.cookies.find((c) => c.name === 'kassa_session')?.secure).toBeFalsy();
    });
  });

  describe('login limits', () => {
    it('locks a username after its free failures, from however many addresses, and refuses before checking the password', async () => {
      const user = await makeUser();
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await attempt({ ...user, password: 'guess' }, `10.1.0.${i + 1}`)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401]);
      const locked = await attempt(user, '10.1.0.99');
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ error: { code: 'KASSA_RATE_LIMITED', details: { scope: 'username', retryAfterMs: expect.any(Number) } } });
    });

    it('does not let a forged X-Forwarded-For from an unlisted peer change the address or escape the limit', async () => {
      const users = [await makeUser(), await makeUser(), await makeUser(), await makeUser()];
      // One peer sprays passwords over four usernames (two tries each, under their own limit),
      // claiming a new address each time.
      const statuses = [];
      for (let i = 0; i < 8; i += 1) {
        const target = users[i % 4] ?? users[0];
        statuses.push(
          (await attempt({ username: target?.username ?? '', password: `guess ${i}` }, '10.2.0.1', { 'x-forwarded-for': `172.16.0.${i + 1}` })).statusCode,
        );
      }
      // The seventh failure locks the one real address: the forged headers were not believed.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 429]);
      const blocked = await attempt(users[0] ?? ADMIN, '10.2.0.1', { 'x-forwarded-for': '172.16.0.200' });
      expect(blocked.json()).toMatchObject({ error: { code: 'KASSA_RATE_LIMITED', details: { scope: 'address' } } });
      // The user, from an address of their own, still logs in: the attacker's address is not theirs.
      expect((await attempt(users[0] ?? ADMIN, '10.2.0.2')).statusCode).toBe(200);
    });

    it('believes X-Forwarded-For from a listed proxy: each client behind it has its own address counter', async () => {
      const user = await makeUser();
      for (let i = 0; i < 7; i += 1) await attempt({ username: `nobody${i}`, password: 'guess' }, '10.8.1.1', { 'x-forwarded-for': '192.168.7.7' });
      expect((await attempt(user, '10.8.1.1', { 'x-forwarded-for': '192.168.7.7' })).statusCode).toBe(429);
      expect((await attempt(user, '10.8.1.1', { 'x-forwarded-for': '192.168.7.8' })).statusCode).toBe(200);
    });

    it('lets the user in from a browser that logged in as them before, while the username is locked for everyone else', async () => {
      const user = await makeUser();
      const till = deviceCookie(await attempt(user, '10.3.0.1'));
      for (let i = 0; i < 4; i += 1) await attempt({ ...user, password: 'guess' }, `10.3.1.${i + 1}`);
      expect(code(await attempt(user, '10.3.2.1'))).toBe('KASSA_RATE_LIMITED');
      // The till's device cookie judges it on its own counter, not the username's.
      expect((await attempt(user, '10.3.0.1', { cookie: till })).statusCode).toBe(200);
      // A device cookie of another user is no help.
      const someone = await makeUser();
      const theirs = deviceCookie(await attempt(someone, '10.3.0.2'));
      expect(code(await attempt(user, '10.3.0.2', { cookie: theirs }))).toBe('KASSA_RATE_LIMITED');
    });

    it('doubles the lock with each further failure once the free ones are spent', async () => {
      let now = Date.now();
      const clocked = await buildTestApp(backend, { loginLockout: TIGHT_LOCKOUT, now: () => new Date(now) });
      try {
        const tryAt = (password: string) =>
          clocked.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: CASHIER.username, password }, remoteAddress: '10.4.0.1' });
        const retryAfter = async (password: string) =>
          (await tryAt(password)).json<{ error: { details: { retryAfterMs: number } } }>().error.details.retryAfterMs;
        for (let i = 0; i < 4; i += 1) expect((await tryAt('guess')).statusCode).toBe(401);
        expect(await retryAfter(CASHIER.password)).toBe(60_000);
        now += 60_001;
        expect((await tryAt('guess')).statusCode).toBe(401);
        expect(await retryAfter(CASHIER.password)).toBe(120_000);
        now += 120_001;
        expect((await tryAt(CASHIER.password)).statusCode).toBe(200);
      } finally {
        await clocked.close();
      }
    });

    it('counts failures across server processes that share the database', async () => {
      if (backend === 'pglite') return;
      const user = await makeUser();
      const other = await buildTestApp('postgres', { schema: t.database.schema, loginLockout: TIGHT_LOCKOUT });
      try {
        const tryOn = (app: typeof t.app) =>
          app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'guess' }, remoteAddress: '10.5.0.1' });
        const statuses = [
          (await tryOn(t.app)).statusCode,
          (await tryOn(other.app)).statusCode,
          (await tryOn(t.app)).statusCode,
          (await tryOn(other.app)).statusCode,
        ];
        expect(statuses).toEqual([401, 401, 401, 401]);
        expect(code(await tryOn(t.app))).toBe('KASSA_RATE_LIMITED');
      } finally {
        await other.close();
      }
    });
  });

  describe('POST /api/users/:id/unlock', () => {
    it('lets an admin lift a user’s lock at once', async () => {
      const user = await makeUser();
      for (let i = 0; i < 4; i += 1) await attempt({ ...user, password: 'guess' }, `10.6.0.${i + 1}`);
      expect(code(await attempt(user, '10.6.1.1'))).toBe('KASSA_RATE_LIMITED');
      const admin = await loginAs(t.app, ADMIN);
      const listed = (await admin.inject({ method: 'GET', url: '/api/users' })).json<{ items: { username: string; lockedUntil: string | null }[] }>().items;
      expect(listed.find((u) => u.username === user.username)?.lockedUntil).toEqual(expect.any(String));
      expect(listed.find((u) => u.username === ADMIN.username)?.lockedUntil).toBeNull();
      expect((await admin.inject({ method: 'POST', url: `/api/users/${user.id}/unlock` })).statusCode).toBe(204);
      expect((await attempt(user, '10.6.1.1')).statusCode).toBe(200);
    });

    it('is for admins only and answers 404 for an unknown user', async () => {
      const user = await makeUser();
      const cashier = await loginAs(t.app, CASHIER);
      expect(code(await cashier.inject({ method: 'POST', url: `/api/users/${user.id}/unlock` }))).toBe('KASSA_FORBIDDEN');
      const admin = await loginAs(t.app, ADMIN);
      expect(code(await admin.inject({ method: 'POST', url: '/api/users/999999/unlock' }))).toBe('KASSA_NOT_FOUND');
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
      expect(code(response)).toBe('KASSA_UNAUTHENTICATED');
    });
  });

  describe('POST /api/auth/logout', () => {
    it('refuses a state change without the CSRF token with KASSA_CSRF and keeps the session', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      const refused = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cashier.cookie } });
      expect(refused.statusCode).toBe(403);
      expect(code(refused)).toBe('KASSA_CSRF');
      const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cashier.cookie, 'x-csrf-token': 'forged' } });
      expect(code(wrong)).toBe('KASSA_CSRF');
      expect((await cashier.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    });

    it('ends the session so the cookie no longer works', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      expect((await cashier.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
      expect((await cashier.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    });
  });

  describe('sessions at rest', () => {
    it('stores only hashes of the session and CSRF tokens', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      const rows = await t.database.db.selectFrom('auth_sessions').selectAll().execute();
      const values = rows.flatMap((row) => Object.values(row).map(String));
      expect(values).not.toContain(cashier.csrfToken);
      expect(values).not.toContain(cashier.cookie.slice('kassa_session='.length));
      expect(rows.map((row) => row.csrf_token_hash)).toContain(sha256(cashier.csrfToken));
    });

    it('takes the CSRF token only from the session it belongs to', async () => {
      const one = await loginAs(t.app, CASHIER);
      const two = await loginAs(t.app, CASHIER);
      const crossed = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: one.cookie, 'x-csrf-token': two.csrfToken } });
      expect(code(crossed)).toBe('KASSA_CSRF');
    });
  });

  describe('GET /api/healthz', () => {
    it('answers ok with the database kind, without a session', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', database: backend });
    });
  });
});
