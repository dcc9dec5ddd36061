import type { ClosingPreview, PosSession, ZReport } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { createUser } from '../repos/users.js';
import type { BoxReport, BoxReportOptions } from '../test-support/box-reports.js';
import { reportFromBox } from '../test-support/box-reports.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { buildTestApp, loginAs, SETUP_TIMEOUT_MS, TEST_PASSWORD_COST, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

type ErrorJson = { error?: { code?: string; details?: Record<string, unknown> } };
const code = (response: { json: () => unknown }): string => (response.json() as ErrorJson).error?.code ?? 'no error';
const details = (response: { json: () => unknown }): Record<string, unknown> => (response.json() as ErrorJson).error?.details ?? {};
const MANAGER = { username: 'lena', password: 'manager-password', pin: '8642' };

/**
 * What stands in the way of closing beyond draft orders: refund lines still running or unknown, and
 * orders that kept money they should have given back; where refunds belong when the till is closed;
 * and refund lines settled by hand in the review of the closing and the Z report.
 */
describe.each(BACKENDS)('closing blockers and refunds of the session on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let manager: Agent;

  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
    await createUser(t.database.db, {
      username: MANAGER.username,
      role: 'manager',
      passwordHash: await hashPassword(MANAGER.password, TEST_PASSWORD_COST),
      pinHash: await hashPassword(MANAGER.pin, TEST_PASSWORD_COST),
    });
    manager = await loginAs(t.app, { username: MANAGER.username, password: MANAGER.password });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  let events = 0;
  const boxEvent = (paymentUuid: string, report: BoxReport, options: Omit<BoxReportOptions, 'eventId'> = {}) =>
    reportFromBox(t.app.kassa, paymentUuid, report, { eventId: `b-${(events += 1)}`, ...options });
  const pay = async (orderId: string, paymentMethodId: number, amountCents: number, sessionAgent = shop.cashier): Promise<string> => {
    const paymentUuid = uuid();
    const put = await sessionAgent.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: { orderId, paymentMethodId, amountCents } });
    expect(put.statusCode, put.body).toBe(201);
    return paymentUuid;
  };
  /** A validated order of 950, paid by card on the terminal. */
  const cardSale = async (): Promise<{ id: string }> => {
    const order = await newOrder(shop);
    await boxEvent(await pay(order.id, shop.card.id, 950), 'approved');
    expect((await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` })).statusCode).toBe(200);
    return order;
  };
  const refund = (orderId: string, refundUuid: string, body: object) =>
    manager.inject({ method: 'PUT', url: `/api/orders/${orderId}/refunds/${refundUuid}`, payload: body });
  const preview = async (id = shop.session.id): Promise<ClosingPreview> => {
    const response = await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${id}/closing-preview` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ClosingPreview>();
  };
  const close = (body: object, id = shop.session.id) => manager.inject({ method: 'POST', url: `/api/sessions/${id}/close`, payload: body });

  it('refuses to close while a card refund runs or is unknown, lists it, and reviews it once a manager settles it by hand', async () => {
    const order = await cardSale();
    const refundUuid = uuid();
    expect((await refund(order.id, refundUuid, { paymentMethodId: shop.card.id, reason: 'beer was flat', amountCents: 250 })).statusCode).toBe(201);

    expect((await preview()).blockers.refunds).toEqual([
      { uuid: refundUuid, orderId: order.id, receiptNumber: expect.any(Number), methodName: 'Card', amountCents: 250, state: 'pending' },
    ]);
    const running = await close({ countedCashCents: 10_000 });
    expect(code(running)).toBe('KASSA_SESSION_REFUNDS_RUNNING');
    expect(details(running)).toEqual({ refunds: [refundUuid], orders: [order.id] });

    await boxEvent(refundUuid, 'accepted');
    await boxEvent(refundUuid, 'lost');
    expect((await preview()).blockers.refunds).toMatchObject([{ uuid: refundUuid, state: 'unknown' }]);
    expect(code(await close({ countedCashCents: 10_000 }))).toBe('KASSA_SESSION_REFUNDS_RUNNING');

    const settled = await manager.inject({ method: 'POST', url: `/api/payments/${refundUuid}/mark-failed`, payload: { reason: 'terminal shows no refund' } });
    expect(settled.statusCode, settled.body).toBe(200);
    const after = await preview();
    expect(after.blockers).toEqual({ orders: [], refunds: [] });
    expect(after.settledByHand).toEqual([
      expect.objectContaining({
        uuid: refundUuid,
        refund: true,
        state: 'failed',
        amountCents: 250,
        settledBy: MANAGER.username,
        reason: 'terminal shows no refund',
      }),
    ]);
  });

  it('flags a cancelled order whose card refund was refused, in the list, on the order and in the way of closing, until it is paid back', async () => {
    const order = await newOrder(shop);
    await boxEvent(await pay(order.id, shop.card.id, 950), 'approved');
    const cancelled = await manager.inject({ method: 'PUT', url: `/api/orders/${order.id}/cancellations/${uuid()}`, payload: {} });
    expect(cancelled.statusCode, cancelled.body).toBe(201);
    const cardRefund = cancelled.json<{ refunds: { uuid: string }[] }>().refunds[0]!.uuid;
    // While its refund runs, the refund stands in the way; the order is not flagged yet.
    expect((await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json()).toMatchObject({ attention: false });
    expect((await preview()).blockers).toMatchObject({ orders: [], refunds: [{ uuid: cardRefund, orderId: order.id }] });
    await boxEvent(cardRefund, 'declined', { result: 'Declined' });

    const listed = await shop.cashier.inject({ method: 'GET', url: `/api/orders?attention=true&sessionId=${shop.session.id}` });
    expect(listed.json<{ items: { id: string; attention: boolean }[] }>().items).toEqual([expect.objectContaining({ id: order.id, attention: true })]);
    expect((await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json()).toMatchObject({ state: 'cancelled', attention: true });
    expect((await preview()).blockers.orders).toEqual([
      { id: order.id, state: 'cancelled', attention: true, totalCents: 950, paidCents: 950, refundedCents: 0, receiptNumber: null },
    ]);
    const refused = await close({ countedCashCents: 10_000 });
    expect(code(refused)).toBe('KASSA_SESSION_ATTENTION');
    expect(details(refused)).toEqual({ orders: [order.id] });

    expect((await refund(order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'card refund refused', amountCents: 950 })).statusCode).toBe(201);
    expect((await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json()).toMatchObject({ attention: false, refundedCents: 950 });
    expect((await preview()).blockers).toEqual({ orders: [], refunds: [] });
  });

  it('closes once nothing stands in the way; the Z report (JSON and CSV) lists the refund settled by hand as a refund', async () => {
    const closed = await close({ countedCashCents: 10_000 - 950 });
    expect(closed.statusCode, closed.body).toBe(200);
    const report = (await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report` })).json<ZReport>();
    expect(report.cashRefundsCents).toBe(950);
    expect(report.settledByHand).toEqual([expect.objectContaining({ refund: true, state: 'failed', amountCents: 250 })]);
    const csv = await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report.csv` });
    expect(csv.body.split('\r\n').filter((line) => line.startsWith('settled by hand'))).toEqual([
      expect.stringMatching(/^settled by hand,refund failed receipt \d+ by lena approved by lena: terminal shows no refund,Card,12345678,,250,2\.50$/),
    ]);
  });

  it('refuses a refund while no session of the POS is open, and counts it in the next session that is', async () => {
    const [sale] = (await shop.cashier.inject({ method: 'GET', url: `/api/orders?sessionId=${shop.session.id}&state=paid&limit=1` })).json<{
      items: { id: string }[];
    }>().items;
    const noSession = await refund(sale!.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'returned', amountCents: 100 });
    expect(code(noSession)).toBe('KASSA_REFUND_NO_SESSION');
    expect(noSession.statusCode).toBe(409);
    const card = await refund(sale!.id, uuid(), { paymentMethodId: shop.card.id, reason: 'returned', amountCents: 100 });
    expect(code(card)).toBe('KASSA_REFUND_NO_SESSION');

    const next = await shop.cashier.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: shop.pos.id, openingCashCents: 5_000 } });
    expect(next.statusCode, next.body).toBe(201);
    const nextId = next.json<PosSession>().id;
    expect((await refund(sale!.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'returned', amountCents: 100 })).statusCode).toBe(201);
    expect(await preview(nextId)).toMatchObject({ cashRefundsCents: 100, expectedCashCents: 4_900 });
  });
});
