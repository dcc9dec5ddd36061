import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { createUser } from '../repos/users.js';
import type { Agent, TestApp } from '../test-support/app.js';
import type { BoxReport, BoxReportOptions } from '../test-support/box-reports.js';
import { reportFromBox } from '../test-support/box-reports.js';
import { buildTestApp, SETUP_TIMEOUT_MS, TEST_PASSWORD_COST, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';
const MANAGER = { username: 'mona', password: 'manager-password', pin: '1357' };
const APPROVAL = { username: MANAGER.username, secret: MANAGER.pin };

interface OrderJson {
  state: string;
  refundedCents: number;
  refunds: { uuid: string; paymentMethodId: number; amountCents: number; state: string; reason: string; approvedBy: number; createdBy: number }[];
}

describe.each(BACKENDS)('order cancellation routes on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let managerId: number;

  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
    const created = await createUser(t.database.db, {
      username: MANAGER.username,
      role: 'manager',
      passwordHash: await hashPassword(MANAGER.password, TEST_PASSWORD_COST),
      pinHash: await hashPassword(MANAGER.pin, TEST_PASSWORD_COST),
    });
    managerId = created!.id;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  let events = 0;
  const boxEvent = (paymentUuid: string, report: BoxReport, options: Omit<BoxReportOptions, 'eventId'> = {}) =>
    reportFromBox(t.app.kassa, paymentUuid, report, { eventId: `c-${(events += 1)}`, ...options });
  const pay = async (orderId: string, paymentMethodId: number, amountCents: number): Promise<string> => {
    const paymentUuid = uuid();
    const put = await shop.cashier.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: { orderId, paymentMethodId, amountCents } });
    expect(put.statusCode, put.body).toBe(201);
    return paymentUuid;
  };
  /** A draft order of 950 that took 600 by card (approved) and 350 in cash, not validated. */
  const paidDraft = async (): Promise<{ id: string }> => {
    const order = await newOrder(shop);
    await boxEvent(await pay(order.id, shop.card.id, 600), 'approved');
    await pay(order.id, shop.cash.id, 350);
    return order;
  };
  const cancel = (agent: Agent, orderId: string, cancellationUuid: string, body: object = {}) =>
    agent.inject({ method: 'PUT', url: `/api/orders/${orderId}/cancellations/${cancellationUuid}`, payload: body });
  const readOrder = async (id: string) => (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${id}` })).json<OrderJson>();
  const refundCommands = async () => {
    const rows = await t.database.db.selectFrom('box_commands').select(['kind', 'payload']).orderBy('id').execute();
    return rows.filter((r) => r.kind === 'startTransaction' && (r.payload as { transactionKind?: string }).transactionKind === 'refund').map((r) => r.payload);
  };

  it('cancels an order that took nothing without an approval, and the same uuid again returns it', async () => {
    const order = await newOrder(shop);
    const cancellation = uuid();
    const first = await cancel(shop.cashier, order.id, cancellation);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<OrderJson>()).toMatchObject({ state: 'cancelled', refunds: [] });
    const again = await cancel(shop.cashier, order.id, cancellation);
    expect(again.statusCode).toBe(200);
    expect(code(await cancel(shop.cashier, order.id, uuid()))).toBe('KASSA_ORDER_NOT_DRAFT');
  });

  it('asks a manager before cancelling an order that took money, and changes nothing without one', async () => {
    const order = await paidDraft();
    const refused = await cancel(shop.cashier, order.id, uuid());
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'KASSA_FORBIDDEN', details: { needs: 'managerApproval' } } });
    expect(code(await cancel(shop.cashier, order.id, uuid(), { approval: { username: MANAGER.username, secret: '0000' } }))).toBe('KASSA_APPROVAL_REFUSED');
    expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel` }))).toBe('KASSA_ORDER_CARD_PAID');
    expect(await readOrder(order.id)).toMatchObject({ state: 'draft', refunds: [] });
  });

  it('refunds the card through its terminal and the cash at once, once per uuid', async () => {
    const order = await paidDraft();
    const before = (await refundCommands()).length;
    const cancellation = uuid();
    const response = await cancel(shop.cashier, order.id, cancellation, { approval: APPROVAL, reason: 'customer changed their mind' });
    expect(response.statusCode, response.body).toBe(201);
    const cancelled = response.json<OrderJson>();
    expect(cancelled.state).toBe('cancelled');
    const card = cancelled.refunds.find((r) => r.paymentMethodId === shop.card.id);
    const cash = cancelled.refunds.find((r) => r.paymentMethodId === shop.cash.id);
    expect(card).toMatchObject({ amountCents: 600, state: 'pending', reason: 'customer changed their mind', approvedBy: managerId });
    expect(cash).toMatchObject({ amountCents: 350, state: 'done', approvedBy: managerId });
    const commands = await refundCommands();
    expect(commands.slice(before)).toEqual([
      { kind: 'startTransaction', paymentUuid: card!.uuid, terminalId: '12345678', amountCents: 600, transactionKind: 'refund' },
    ]);

    const again = await cancel(shop.cashier, order.id, cancellation, { approval: APPROVAL, reason: 'customer changed their mind' });
    expect(again.statusCode).toBe(200);
    expect(
      again
        .json<OrderJson>()
        .refunds.map((r) => r.uuid)
        .sort(),
    ).toEqual(cancelled.refunds.map((r) => r.uuid).sort());
    expect(await refundCommands()).toHaveLength(commands.length);

    await boxEvent(card!.uuid, 'accepted');
    await boxEvent(card!.uuid, 'approved', { result: 'Approved', amountCents: 600 });
    expect(await readOrder(order.id)).toMatchObject({ state: 'cancelled', refundedCents: 950 });
    // The orders list shows what the order took and, apart, what it gave back.
    const listed = (await shop.cashier.inject({ method: 'GET', url: `/api/orders?text=${order.id}` })).json<{ items: unknown[] }>().items;
    expect(listed).toEqual([expect.objectContaining({ id: order.id, status: 'cancelled', paidCents: 950, refundedCents: 950 })]);
    // Each refund prints a slip naming the order (it never had a receipt), with the terminal's ticket of the card refund.
    const slip = await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/refunds/${card!.uuid}/receipt` });
    expect(slip.statusCode).toBe(200);
    const printed = slip.json<{ receiptNumber: number | null; refund: { amountCents: number }; text: string }>();
    expect(printed).toMatchObject({ receiptNumber: null, refund: { amountCents: 600 } });
    expect(printed.text).toContain(`REFUND  order ${order.id.slice(0, 8)}`);
    expect(printed.text).toContain('Order cancelled');
    expect(printed.text).toMatch(/TOTAL EUR\s+-6,00/);
    const cashSlip = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/refunds/${cash!.uuid}/receipt` })).json<{ text: string }>();
    expect(cashSlip.text).toMatch(/TOTAL EUR\s+-3,50/);
  });

  it('refuses while the terminal is busy with another line, and cancels nothing', async () => {
    const order = await paidDraft();
    const other = await newOrder(shop);
    const running = await pay(other.id, shop.card.id, 100);
    const busy = await cancel(shop.admin, order.id, uuid());
    expect(code(busy)).toBe('KASSA_TERMINAL_BUSY');
    expect(await readOrder(order.id)).toMatchObject({ state: 'draft', refunds: [] });
    await boxEvent(running, 'declined', { result: 'Declined' });
  });

  it('lets a manager pay back again, as an amount, what a refused cancellation refund did not', async () => {
    const order = await paidDraft();
    const cancelled = (await cancel(shop.admin, order.id, uuid())).json<OrderJson>();
    const card = cancelled.refunds.find((r) => r.paymentMethodId === shop.card.id)!;
    await boxEvent(card.uuid, 'declined', { result: 'Declined' });
    expect(await readOrder(order.id)).toMatchObject({ refundedCents: 350 });
    expect(
      code(
        await shop.admin.inject({
          method: 'PUT',
          url: `/api/orders/${order.id}/refunds/${uuid()}`,
          payload: { paymentMethodId: shop.cash.id, reason: 'card refused', lines: [{ position: 0, quantity: 1 }] },
        }),
      ),
    ).toBe('KASSA_ORDER_NOT_VALIDATED');
    const again = await shop.admin.inject({
      method: 'PUT',
      url: `/api/orders/${order.id}/refunds/${uuid()}`,
      payload: { paymentMethodId: shop.cash.id, reason: 'card refused', amountCents: 600 },
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(await readOrder(order.id)).toMatchObject({ state: 'cancelled', refundedCents: 950 });
    expect(
      code(
        await shop.admin.inject({
          method: 'PUT',
          url: `/api/orders/${order.id}/refunds/${uuid()}`,
          payload: { paymentMethodId: shop.cash.id, reason: 'once more', amountCents: 1 },
        }),
      ),
    ).toBe('KASSA_REFUND_EXCEEDS_PAID');
  });

  it('leaves the drawer and the terminal figures of the closing even: the refunded sale counts as a sale and its refunds as refunds', async () => {
    type Preview = { expectedCashCents: number; cashSalesCents: number; cashRefundsCents: number; cards: { salesCents: number; refundsCents: number }[] };
    const preview = async () => (await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/closing-preview` })).json<Preview>();
    const before = await preview();
    const order = await paidDraft();
    const cancelled = (await cancel(shop.admin, order.id, uuid())).json<OrderJson>();
    const card = cancelled.refunds.find((r) => r.paymentMethodId === shop.card.id)!;
    await boxEvent(card.uuid, 'approved', { result: 'Approved', amountCents: 600 });
    const after = await preview();
    expect(after.expectedCashCents).toBe(before.expectedCashCents);
    expect([after.cashSalesCents - before.cashSalesCents, after.cashRefundsCents - before.cashRefundsCents]).toEqual([350, 350]);
    const cardTotals = (p: Preview) =>
      p.cards.reduce((sum, c) => ({ sales: sum.sales + c.salesCents, refunds: sum.refunds + c.refundsCents }), { sales: 0, refunds: 0 });
    expect(cardTotals(after).sales - cardTotals(before).sales).toBe(600);
    expect(cardTotals(after).refunds - cardTotals(before).refunds).toBe(600);
  });
});
