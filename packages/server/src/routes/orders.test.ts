import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderList } from '@kassa/contract';
import { reportFromBox } from '../test-support/box-reports.js';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

describe.each(BACKENDS)('finding orders on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  const made: Record<string, string> = {};
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
    const pay = (orderId: string, paymentMethodId: number, amountCents: number, paymentUuid = uuid()) =>
      shop.cashier.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: { orderId, paymentMethodId, amountCents } });
    // open: nothing paid
    made.open = (await newOrder(shop)).id;
    // validated: paid in cash
    made.validated = (await newOrder(shop, [{ productId: shop.beer.id, quantity: 1 }])).id;
    await pay(made.validated, shop.cash.id, 250);
    await shop.cashier.inject({ method: 'POST', url: `/api/orders/${made.validated}/validate` });
    // cancelled
    made.cancelled = (await newOrder(shop)).id;
    await shop.cashier.inject({ method: 'POST', url: `/api/orders/${made.cancelled}/cancel` });
    // paid by card, approved, never validated: needs attention
    made.cardPaid = (await newOrder(shop)).id;
    const cardUuid = uuid();
    await pay(made.cardPaid, shop.card.id, 950, cardUuid);
    await reportFromBox(t.app.kassa, cardUuid, 'approved', { eventId: 'approved-1' });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string): Promise<OrderList> => {
    const response = await shop.cashier.inject({ method: 'GET', url: `/api/orders?${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<OrderList>();
  };

  it('tells each order where it stands: open, paid but not validated (flagged), validated, cancelled', async () => {
    const { items, total } = await list(`sessionId=${shop.session.id}`);
    expect(total).toBe(4);
    const byId = new Map(items.map((o) => [o.id, o]));
    expect(byId.get(made.open ?? '')).toMatchObject({ status: 'open', attention: false, paidCents: 0, posName: 'Counter', posConfigId: shop.pos.id });
    expect(byId.get(made.validated ?? '')).toMatchObject({ status: 'validated', attention: false, paidCents: 250, receiptNumber: expect.any(Number) });
    expect(byId.get(made.cancelled ?? '')).toMatchObject({ status: 'cancelled', attention: false });
    expect(byId.get(made.cardPaid ?? '')).toMatchObject({ status: 'paidNotValidated', attention: true, paidCents: 950 });
  });

  it('filters by status, attention, total, order id prefix and receipt number, and pages', async () => {
    expect((await list('status=open')).items.map((o) => o.id)).toEqual([made.open]);
    expect((await list('attention=true')).items.map((o) => o.id)).toEqual([made.cardPaid]);
    expect(new Set((await list('state=draft')).items.map((o) => o.id))).toEqual(new Set([made.open, made.cardPaid]));
    expect((await list('amountCents=250')).items.map((o) => o.id)).toEqual([made.validated]);
    expect((await list(`text=${(made.cancelled ?? '').slice(0, 8)}`)).items.map((o) => o.id)).toEqual([made.cancelled]);
    const validated = (await list('status=validated')).items[0];
    // A receipt number finds its order (and any order whose id starts with the same digits).
    expect((await list(`text=${validated?.receiptNumber}`)).items.map((o) => o.id)).toContain(made.validated);
    const first = await list('limit=3&offset=0');
    const second = await list('limit=3&offset=3');
    expect(first).toMatchObject({ total: 4, limit: 3, offset: 0 });
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((o) => o.id)).size).toBe(4);
    expect(await list('limit=3&offset=30')).toMatchObject({ items: [], total: 4 });
    expect((await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total).toBe(0);
  });

  it('refuses a bad filter with KASSA_VALIDATION', async () => {
    expect(code(await shop.cashier.inject({ method: 'GET', url: '/api/orders?status=lost' }))).toBe('KASSA_VALIDATION');
    expect(code(await shop.cashier.inject({ method: 'GET', url: '/api/orders?limit=0' }))).toBe('KASSA_VALIDATION');
  });

  it('names the open orders that stand in the way of closing the session', async () => {
    const response = await shop.cashier.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/close`, payload: { countedCashCents: 0 } });
    expect(code(response)).toBe('KASSA_SESSION_ORDERS_OPEN');
    const error = response.json<{ error: { message: string; details: { draftOrders: number; orders: string[] } } }>().error;
    expect(error.details).toEqual({ draftOrders: 2, orders: [made.open, made.cardPaid] });
    expect(error.message).toBe('Validate or cancel the 2 open orders of this session first.');
  });
});
