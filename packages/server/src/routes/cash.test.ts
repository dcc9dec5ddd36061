import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

interface OrderBody {
  state: string;
  dueCents: number;
  paidCents: number;
  runningCents: number;
  payments: { uuid: string; amountCents: number; state: string; tenderedCents: number | null; changeCents: number | null }[];
}

describe.each(BACKENDS)('cash with change on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const pay = (orderId: string, paymentMethodId: number, amountCents: number, paymentUuid = uuid()) =>
    shop.cashier.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: { orderId, paymentMethodId, amountCents } });
  const read = async (orderId: string) => (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${orderId}` })).json<OrderBody>();

  it('takes more cash than is due, counts what is due, records the change, and validates', async () => {
    const order = await newOrder(shop); // 950 cents
    const paid = await pay(order.id, shop.cash.id, 2000);
    expect(paid.statusCode).toBe(201);
    expect(paid.json()).toMatchObject({ state: 'done', amountCents: 950, tenderedCents: 2000, changeCents: 1050 });
    expect(await read(order.id)).toMatchObject({
      dueCents: 0,
      paidCents: 950,
      runningCents: 0,
      payments: [{ amountCents: 950, tenderedCents: 2000, changeCents: 1050 }],
    });
    const validated = await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` });
    expect(validated.statusCode).toBe(200);
    const receipt = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/receipt` })).json<{ text: string; payments: unknown[] }>();
    expect(receipt.payments).toEqual([{ method: 'Cash', amountCents: 950, state: 'done', tenderedCents: 2000, changeCents: 1050 }]);
    expect(receipt.text).toMatch(/Cash\s+20,00\nCHANGE\s+10,50/);
  });

  it('repeats a cash request with the same uuid without a second line', async () => {
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    expect((await pay(order.id, shop.cash.id, 1000, paymentUuid)).statusCode).toBe(201);
    const again = await pay(order.id, shop.cash.id, 1000, paymentUuid);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ amountCents: 950, changeCents: 50 });
    expect((await read(order.id)).payments).toHaveLength(1);
  });

  it('splits card and cash: the card line runs, the due and the running amount stay right, cash takes the rest with change', async () => {
    const order = await newOrder(shop);
    expect((await pay(order.id, shop.card.id, 600)).statusCode).toBe(201);
    expect(await read(order.id)).toMatchObject({ dueCents: 350, paidCents: 0, runningCents: 600 });
    const cash = await pay(order.id, shop.cash.id, 500);
    expect(cash.json()).toMatchObject({ amountCents: 350, tenderedCents: 500, changeCents: 150 });
    expect(await read(order.id)).toMatchObject({ dueCents: 0, paidCents: 350, runningCents: 600 });
    expect(code(await pay(order.id, shop.cash.id, 100))).toBe('KASSA_NOTHING_DUE');
    expect(code(await pay(order.id, shop.card.id, 1))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
    // The card line may be charging: the order cannot be cancelled.
    expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel` }))).toBe('KASSA_PAYMENT_IN_PROGRESS');
    expect(await read(order.id)).toMatchObject({ state: 'draft' });
  });

  it('refuses a card amount above what is due, and changes nothing', async () => {
    const order = await newOrder(shop);
    expect(code(await pay(order.id, shop.card.id, 951))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
    expect(await read(order.id)).toMatchObject({ dueCents: 950, payments: [] });
  });

  it('cancels a draft order paid in cash only through a cancellation, which pays the cash back as a refund line', async () => {
    const order = await newOrder(shop);
    await pay(order.id, shop.cash.id, 1000);
    expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel` }))).toBe('KASSA_ORDER_TOOK_MONEY');
    const cancelled = await shop.admin.inject({ method: 'PUT', url: `/api/orders/${order.id}/cancellations/${uuid()}`, payload: {} });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    expect(cancelled.json()).toMatchObject({
      state: 'cancelled',
      refundedCents: 950,
      refunds: [{ amountCents: 950, state: 'done', paymentMethodId: shop.cash.id }],
    });
  });
});
