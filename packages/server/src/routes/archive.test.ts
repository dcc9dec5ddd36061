import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

interface MethodJson {
  id: number;
  name: string;
  archived: boolean;
}

describe.each(BACKENDS)('archiving and deleting payment methods and POS configurations on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const newMethod = async (name: string): Promise<MethodJson> => {
    const made = await shop.admin.inject({
      method: 'POST',
      url: '/api/payment-methods',
      payload: { name, kind: 'bank', journalId: shop.card.journalId, terminal: 'none', deviceId: null },
    });
    expect(made.statusCode, made.body).toBe(201);
    return made.json<MethodJson>();
  };
  const offer = (methodIds: number[]) =>
    shop.admin.inject({ method: 'PUT', url: `/api/pos-configs/${shop.pos.id}`, payload: { name: shop.pos.name, paymentMethodIds: methodIds } });
  const pay = (orderId: string, paymentMethodId: number) =>
    shop.cashier.inject({ method: 'PUT', url: `/api/payments/${uuid()}`, payload: { orderId, paymentMethodId, amountCents: 100 } });
  const methods = async () => (await shop.cashier.inject({ method: 'GET', url: '/api/payment-methods' })).json<{ items: MethodJson[] }>().items;

  it('archives a used payment method: kept and named, offered nowhere, refused for payments; it comes back when restored', async () => {
    const voucher = await newMethod('Voucher');
    expect((await offer([shop.card.id, shop.cash.id, voucher.id])).statusCode).toBe(200);
    expect((await pay((await newOrder(shop)).id, voucher.id)).statusCode).toBe(201);

    expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/payment-methods/${voucher.id}/archive` }))).toBe('KASSA_FORBIDDEN');
    const archived = await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${voucher.id}/archive` });
    expect(archived.json()).toMatchObject({ id: voucher.id, name: 'Voucher', archived: true });
    expect((await methods()).find((m) => m.id === voucher.id)).toMatchObject({ archived: true });
    expect(code(await pay((await newOrder(shop)).id, voucher.id))).toBe('KASSA_METHOD_NOT_IN_POS');

    const deleted = await shop.admin.inject({ method: 'DELETE', url: `/api/payment-methods/${voucher.id}` });
    expect([deleted.statusCode, code(deleted)]).toEqual([409, 'KASSA_METHOD_IN_USE']);
    expect(deleted.json()).toMatchObject({ error: { details: { paymentLines: 1, posConfigIds: [shop.pos.id] } } });

    expect((await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${voucher.id}/restore` })).json()).toMatchObject({ archived: false });
    expect((await pay((await newOrder(shop)).id, voucher.id)).statusCode).toBe(201);
  });

  it('refuses to add an archived method to a POS configuration', async () => {
    const coupon = await newMethod('Coupon');
    await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${coupon.id}/archive` });
    const refused = await offer([shop.card.id, shop.cash.id, coupon.id]);
    expect(code(refused)).toBe('KASSA_METHOD_ARCHIVED');
    expect(
      (await shop.admin.inject({ method: 'GET', url: `/api/pos-configs/${shop.pos.id}` })).json<{ paymentMethodIds: number[] }>().paymentMethodIds,
    ).not.toContain(coupon.id);
  });

  it('refuses to archive the only method in use of a POS configuration in use, naming it, and to delete a method a POS offers', async () => {
    const token = await newMethod('Token');
    const stall = (await shop.admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Market stall', paymentMethodIds: [token.id] } })).json<{
      id: number;
    }>();

    const refused = await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${token.id}/archive` });
    expect([refused.statusCode, code(refused)]).toEqual([409, 'KASSA_POS_LAST_METHOD']);
    expect(refused.json()).toMatchObject({ error: { details: { posConfigIds: [stall.id], posConfigNames: 'Market stall' } } });
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('Market stall');
    expect((await methods()).find((m) => m.id === token.id)).toMatchObject({ archived: false });

    const deleted = await shop.admin.inject({ method: 'DELETE', url: `/api/payment-methods/${token.id}` });
    expect([deleted.statusCode, code(deleted)]).toEqual([409, 'KASSA_METHOD_IN_USE']);
    expect(deleted.json()).toMatchObject({ error: { details: { posConfigIds: [stall.id], posConfigNames: 'Market stall' } } });

    // An archived POS needs no method; it comes back only with one in use.
    expect((await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${stall.id}/archive` })).statusCode).toBe(200);
    expect((await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${token.id}/archive` })).json()).toMatchObject({ archived: true });
    expect(code(await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${stall.id}/restore` }))).toBe('KASSA_POS_NO_METHOD');
    await shop.admin.inject({ method: 'POST', url: `/api/payment-methods/${token.id}/restore` });
    expect((await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${stall.id}/restore` })).json()).toMatchObject({ archived: false });
  });

  it('deletes a payment method nothing used', async () => {
    const gift = await newMethod('Gift card');
    const deleted = await shop.admin.inject({ method: 'DELETE', url: `/api/payment-methods/${gift.id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await methods()).map((m) => m.id)).not.toContain(gift.id);
    expect(code(await shop.admin.inject({ method: 'DELETE', url: `/api/payment-methods/${gift.id}` }))).toBe('KASSA_NOT_FOUND');
  });

  it('archives a POS configuration only while no session is open, opens no session on it, and deletes only one never used', async () => {
    expect(code(await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${shop.pos.id}/archive` }))).toBe('KASSA_POS_SESSION_OPEN');

    const terrace = (
      await shop.admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Terrace', paymentMethodIds: [shop.cash.id] } })
    ).json<{ id: number }>();
    expect((await shop.admin.inject({ method: 'DELETE', url: `/api/pos-configs/${terrace.id}` })).statusCode).toBe(204);

    const kiosk = (await shop.admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Kiosk', paymentMethodIds: [shop.cash.id] } })).json<{
      id: number;
    }>();
    expect((await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${kiosk.id}/archive` })).json()).toMatchObject({ id: kiosk.id, archived: true });
    const listed = (await shop.cashier.inject({ method: 'GET', url: '/api/pos-configs' })).json<{ items: { id: number; archived: boolean }[] }>().items;
    expect(listed.find((c) => c.id === kiosk.id)).toMatchObject({ archived: true });
    expect(code(await shop.cashier.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: kiosk.id, openingCashCents: 0 } }))).toBe(
      'KASSA_POS_ARCHIVED',
    );

    expect((await shop.admin.inject({ method: 'POST', url: `/api/pos-configs/${kiosk.id}/restore` })).json()).toMatchObject({ archived: false });
    expect((await shop.cashier.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: kiosk.id, openingCashCents: 0 } })).statusCode).toBe(201);
    const refused = await shop.admin.inject({ method: 'DELETE', url: `/api/pos-configs/${kiosk.id}` });
    expect([refused.statusCode, code(refused)]).toEqual([409, 'KASSA_POS_IN_USE']);
    expect(refused.json()).toMatchObject({ error: { details: { sessions: 1 } } });
  });
});
