import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOfHash, hashPassword } from '../auth/passwords.js';
import { createUser, findUserForLogin } from '../repos/users.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS, TEST_PASSWORD_COST } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';

function error(response: LightMyRequestResponse): { code: string; details?: Record<string, unknown> } {
  return response.json<{ error: { code: string; details?: Record<string, unknown> } }>().error;
}

describe.each(BACKENDS)('user passwords on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    admin = await loginAs(t.app, ADMIN);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/users', () => {
    it.each([
      ['shorter than 12 characters', 'short pass1'],
      ['among the most common passwords', 'qwerty123456'],
      ['common in another case', 'QwertyQwerty'],
      ['that is a run of digits', '123456789012'],
      ['that is one block repeated', 'abcdabcdabcd'],
      ['that contains the username, in another case', 'Weak-and-proud'],
    ])('refuses a password %s with KASSA_VALIDATION naming the field, and creates nothing', async (_why, password) => {
      const response = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'weak', password, role: 'cashier' } });
      expect(response.statusCode).toBe(400);
      expect(error(response).code).toBe('KASSA_VALIDATION');
      expect(JSON.stringify(error(response).details)).toContain('/password');
      expect(await findUserForLogin(t.database.db, 'weak')).toBeNull();
    });

    it('trims the username like other names and refuses one blank once trimmed', async () => {
      const made = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: ' trimmed ', password: 'kassa kassa!', role: 'cashier' } });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json()).toMatchObject({ username: 'trimmed' });
      const blank = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: '   ', password: 'kassa kassa!', role: 'cashier' } });
      expect(error(blank)).toMatchObject({ code: 'KASSA_NAME_BLANK', details: { field: 'username' } });
    });

    it('refuses a username another user has in another case, with the conflict naming it', async () => {
      await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'anna', password: 'kassa kassa!', role: 'cashier' } });
      const twin = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'Anna', password: 'kassa kassa!', role: 'cashier' } });
      expect(twin.statusCode).toBe(409);
      expect(error(twin)).toMatchObject({ code: 'KASSA_CONFLICT', details: { field: 'username', reason: 'taken', username: 'Anna' } });
      expect(await findUserForLogin(t.database.db, 'Anna')).toBeNull();
    });

    it('says why the schema refused a value: the rule, its limit and the field, a missing one included', async () => {
      const long = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'x'.repeat(65), password: 'kassa kassa!', role: 'cashier' } });
      expect(error(long)).toMatchObject({ code: 'KASSA_VALIDATION', details: { issues: [{ path: '/username', reason: 'maxLength', limit: 64 }] } });
      const odd = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'a b', password: 'kassa kassa!', role: 'cashier' } });
      expect(error(odd)).toMatchObject({ details: { issues: [{ path: '/username', reason: 'pattern' }] } });
      const missing = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'nopass', role: 'cashier' } });
      expect(error(missing)).toMatchObject({ details: { issues: [{ path: '/password', reason: 'required' }] } });
    });

    it('accepts a password of 12 characters that is not common', async () => {
      expect(
        (await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'strong', password: 'kassa kassa!', role: 'cashier' } })).statusCode,
      ).toBe(201);
    });
  });

  describe('PATCH /api/users/:id', () => {
    it('refuses a weak new password and keeps the old one', async () => {
      const created = (
        await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'keeper', password: 'the old password', role: 'cashier' } })
      ).json<{ id: number }>();
      for (const [password, reason] of [
        ['too short', undefined],
        ['sonyericsson', 'common'],
        ['the KEEPER of keys', 'personal'],
      ] as const) {
        const response = await admin.inject({ method: 'PATCH', url: `/api/users/${created.id}`, payload: { password } });
        expect(error(response)).toMatchObject({ code: 'KASSA_VALIDATION' });
        if (reason !== undefined) expect(error(response).details).toMatchObject({ field: 'password', reason });
      }
      await loginAs(t.app, { username: 'keeper', password: 'the old password' });
    });
  });

  describe('POST /api/auth/login', () => {
    it('makes again, at the current cost, a hash made with an older, cheaper one', async () => {
      const old = { N: TEST_PASSWORD_COST.N / 2, r: TEST_PASSWORD_COST.r, p: 1 };
      await createUser(t.database.db, { username: 'oldtimer', role: 'cashier', passwordHash: await hashPassword('an old password', old) });
      await loginAs(t.app, { username: 'oldtimer', password: 'an old password' });
      const stored = (await findUserForLogin(t.database.db, 'oldtimer'))?.passwordHash ?? '';
      expect(costOfHash(stored)).toEqual(TEST_PASSWORD_COST);
      await loginAs(t.app, { username: 'oldtimer', password: 'an old password' });
      expect((await findUserForLogin(t.database.db, 'oldtimer'))?.passwordHash).toBe(stored);
    });
  });
});
