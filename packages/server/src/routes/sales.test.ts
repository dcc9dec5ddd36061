import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFromBox } from '../test-support/box-reports.js';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

describe('sales routes', () => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await buildTestApp('postgres');
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('PUT /api/orders/:id', () => {
    it('computes lines, total and VAT in cents, grouped by rate with VAT included in prices', async () => {
      const id = uuid();
      const response = await shop.cashier.inject({
        method: 'PUT',
        url: `/api/orders/${id}`,
        payload: {
          sessionId: shop.session.id,
          lines: [
            { productId: shop.fries.id, quantity: 2 },
            { productId: shop.beer.id, quantity: 1 },
          ],
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        id,
        state: 'draft',
        totalCents: 950,
        dueCents: 950,
        vat: [
          { rate: 21, grossCents: 250, vatCents: 43 },
          { rate: 6, grossCents: 700, vatCents: 40 },
        ],
        vatCents: 83,
        lines: [
          { name: 'Fries', quantity: 2, unitPriceCents: 350, totalCents: 700 },
          { name: 'Beer', quantity: 1, unitPriceCents: 250, totalCents: 250 },
        ],
      });
    });

    it('returns the existing order with 200 when the same uuid is sent again', async () => {
      const id = uuid();
      const body = { sessionId: shop.session.id, lines: [{ productId: shop.beer.id, quantity: 3 }] };
      expect((await shop.cashier.inject({ method: 'PUT', url: `/api/orders/${id}`, payload: body })).statusCode).toBe(201);
      const again = await shop.cashier.inject({ method: 'PUT', url: `/api/orders/${id}`, payload: body });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id, totalCents: 750 });
    });

    it('refuses an unknown product with 404 and an order without lines with KASSA_VALIDATION', async () => {
      expect(
        code(
          await shop.cashier.inject({
            method: 'PUT',
            url: `/api/orders/${uuid()}`,
            payload: { sessionId: shop.session.id, lines: [{ productId: 9999, quantity: 1 }] },
          }),
        ),
      ).toBe('KASSA_NOT_FOUND');
      expect(code(await shop.cashier.inject({ method: 'PUT', url: `/api/orders/${uuid()}`, payload: { sessionId: shop.session.id, lines: [] } }))).toBe(
        'KASSA_VALIDATION',
      );
    });

    it('refuses an order id that is not a uuid with KASSA_VALIDATION', async () => {
      expect(
        code(
          await shop.cashier.inject({
            method: 'PUT',
            url: '/api/orders/not-a-uuid',
            payload: { sessionId: shop.session.id, lines: [{ productId: shop.beer.id, quantity: 1 }] },
          }),
        ),
      ).toBe('KASSA_VALIDATION');
    });
  });

  describe('POST /api/orders/:id/validate and GET /api/orders/:id/receipt', () => {
    it('refuses to validate while a card payment is running (KASSA_PAYMENT_IN_PROGRESS), validates once it is done, and prints the cardholder ticket', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await shop.cashier.inject({
        method: 'PUT',
        url: `/api/payments/${paymentUuid}`,
        payload: { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 },
      });
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` }))).toBe('KASSA_PAYMENT_IN_PROGRESS');
      await reportFromBox(t.app.kassa, paymentUuid, 'approved', {
        eventId: 'e-1',
        tickets: [
          { type: 2, header: null, text: 'VISA **** 0042 APPROVED', footer: null },
          { type: 1, header: null, text: 'MERCHANT COPY', footer: null },
        ],
      });
      const validated = await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` });
      expect(validated.json()).toMatchObject({ state: 'paid', dueCents: 0, receiptNumber: expect.any(Number) });
      const receipt = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/receipt` })).json<{
        cardholderTickets: string[];
        text: string;
        totalCents: number;
      }>();
      expect(receipt.totalCents).toBe(950);
      expect(receipt.cardholderTickets).toEqual(['VISA **** 0042 APPROVED']);
      expect(receipt.text).toContain('TOTAL EUR');
      expect(receipt.text).not.toContain('MERCHANT COPY');
    });

    it('refuses to validate an order that is not fully paid with KASSA_ORDER_UNPAID', async () => {
      const order = await newOrder(shop);
      await shop.cashier.inject({
        method: 'PUT',
        url: `/api/payments/${uuid()}`,
        payload: { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 500 },
      });
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` }))).toBe('KASSA_ORDER_UNPAID');
      expect(code(await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/receipt` }))).toBe('KASSA_CONFLICT');
    });

    it('cancels a draft order that took no money, and lists orders of the session', async () => {
      const order = await newOrder(shop);
      expect((await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel` })).json()).toMatchObject({ state: 'cancelled' });
      const listed = (await shop.cashier.inject({ method: 'GET', url: `/api/orders?sessionId=${shop.session.id}&limit=100` })).json<{
        items: { id: string; state: string }[];
      }>();
      expect(listed.items.find((o) => o.id === order.id)?.state).toBe('cancelled');
    });
  });

  describe('POS sessions', () => {
    it('refuses a second open session of the same POS with KASSA_SESSION_ALREADY_OPEN', async () => {
      const response = await shop.cashier.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: shop.pos.id, openingCashCents: 0 } });
      expect(response.statusCode).toBe(409);
      expect(code(response)).toBe('KASSA_SESSION_ALREADY_OPEN');
    });

    it('refuses to close while orders are open, then closes with totals per payment method and the cash difference', async () => {
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/close`, payload: { countedCashCents: 10_000 } }))).toBe(
        'KASSA_SESSION_ORDERS_OPEN',
      );
      const orders = (await shop.cashier.inject({ method: 'GET', url: `/api/orders?sessionId=${shop.session.id}&limit=100` })).json<{
        items: { id: string; state: string }[];
      }>().items;
      for (const order of orders.filter((o) => o.state === 'draft')) {
        const detail = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json<{ dueCents: number; totalCents: number }>();
        if (detail.dueCents > 0)
          await shop.cashier.inject({
            method: 'PUT',
            url: `/api/payments/${uuid()}`,
            payload: { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: detail.dueCents },
          });
        expect((await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` })).statusCode).toBe(200);
      }
      // Counted 1.20 € over what the drawer should hold: within the threshold, so no manager is needed.
      const { expectedCashCents } = (await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/closing-preview` })).json<{
        expectedCashCents: number;
      }>();
      const closed = await shop.cashier.inject({
        method: 'POST',
        url: `/api/sessions/${shop.session.id}/close`,
        payload: { countedCashCents: expectedCashCents + 120 },
      });
      expect(closed.statusCode).toBe(200);
      const closing = closed.json<{
        state: string;
        closing: { totals: { methodName: string; totalCents: number }[]; expectedCashCents: number; cashDifferenceCents: number };
      }>();
      expect(closing.state).toBe('closed');
      const card = closing.closing.totals.find((m) => m.methodName === 'Card');
      const cash = closing.closing.totals.find((m) => m.methodName === 'Cash');
      expect(card?.totalCents).toBe(950);
      expect(closing.closing.expectedCashCents).toBe(10_000 + (cash?.totalCents ?? 0));
      expect(closing.closing.cashDifferenceCents).toBe(120);
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}` })).json()).toMatchObject({ state: 'closed' });
    });

    it('refuses an order in a closed session with KASSA_SESSION_CLOSED', async () => {
      expect(
        code(
          await shop.cashier.inject({
            method: 'PUT',
            url: `/api/orders/${uuid()}`,
            payload: { sessionId: shop.session.id, lines: [{ productId: shop.beer.id, quantity: 1 }] },
          }),
        ),
      ).toBe('KASSA_SESSION_CLOSED');
    });
  });
});
