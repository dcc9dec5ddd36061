import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, CASHIER, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

/**
 * A cashier's own POS is one an admin listed for them: without the list a cashier could open a
 * session on any free POS and then act on the orders and payments of its earlier sessions.
 */
describe.each(BACKENDS)('the POS a cashier may open, on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let terrace: { id: number };
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
    const made = await shop.admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Terrace', paymentMethodIds: [shop.cash.id] } });
    expect(made.statusCode, made.body).toBe(201);
    terrace = made.json<{ id: number }>();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const credentials = { username: 'noor', password: 'a till of her own 2026' };

  it('lets a cashier with no list open any POS, and one with a list only the POS listed', async () => {
    const created = await shop.admin.inject({ method: 'POST', url: '/api/users', payload: { ...credentials, role: 'cashier', posConfigIds: [shop.pos.id] } });
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json<{ id: number; posConfigIds: number[] }>();
    expect(user.posConfigIds).toEqual([shop.pos.id]);
    const noor = await loginAs(t.app, credentials);
    expect((await noor.inject({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ user: { posConfigIds: [shop.pos.id] } });

    const refused = await noor.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: terrace.id, openingCashCents: 0 } });
    expect([refused.statusCode, code(refused)]).toEqual([403, 'KASSA_FORBIDDEN']);
    expect(refused.json()).toMatchObject({ error: { details: { needs: 'ownPos', posConfigId: terrace.id } } });
    const sessions = (await shop.admin.inject({ method: 'GET', url: '/api/sessions' })).json<{ items: { posConfigId: number }[] }>().items;
    expect(sessions.filter((s) => s.posConfigId === terrace.id)).toEqual([]);

    // Listed for the terrace, she opens it (her sessions end: she signs in again).
    const changed = await shop.admin.inject({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { posConfigIds: [shop.pos.id, terrace.id] } });
    expect(changed.json()).toMatchObject({ posConfigIds: [shop.pos.id, terrace.id].sort((a, b) => a - b) });
    expect((await noor.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const again = await loginAs(t.app, credentials);
    const opened = await again.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: terrace.id, openingCashCents: 0 } });
    expect(opened.statusCode, opened.body).toBe(201);
  });

  it('refuses a list naming a POS that does not exist, and changes nothing', async () => {
    const before = (await shop.admin.inject({ method: 'GET', url: '/api/users' })).json<{ items: { username: string }[] }>().items;
    const refused = await shop.admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'ghost', password: 'a till of her own 2026', role: 'cashier', posConfigIds: [999_999] },
    });
    expect([refused.statusCode, code(refused)]).toEqual([400, 'KASSA_VALIDATION']);
    expect(refused.json()).toMatchObject({ error: { details: { field: 'posConfigIds' } } });
    expect((await shop.admin.inject({ method: 'GET', url: '/api/users' })).json<{ items: unknown[] }>().items).toEqual(before);
    const duplicate = await shop.admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'ghost', password: 'a till of her own 2026', role: 'cashier', posConfigIds: [shop.pos.id, shop.pos.id] },
    });
    expect(code(duplicate)).toBe('KASSA_VALIDATION');
  });

  it('keeps a cashier without a list, and managers, free to open any POS', async () => {
    const users = (await shop.admin.inject({ method: 'GET', url: '/api/users' })).json<{ items: { username: string; posConfigIds: number[] }[] }>().items;
    expect(users.find((u) => u.username === CASHIER.username)?.posConfigIds).toEqual([]);
  });
});
