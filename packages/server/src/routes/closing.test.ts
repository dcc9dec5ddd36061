import type { PosSession } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { createUser } from '../repos/users.js';
import { reportFromBox } from '../test-support/box-reports.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { buildTestApp, loginAs, SETUP_TIMEOUT_MS, TEST_PASSWORD_COST, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

type ErrorJson = { error?: { code?: string; details?: Record<string, unknown> } };
const code = (response: { json: () => unknown }): string => (response.json() as ErrorJson).error?.code ?? 'no error';
const details = (response: { json: () => unknown }): Record<string, unknown> => (response.json() as ErrorJson).error?.details ?? {};
const MANAGER = { username: 'mia', password: 'manager-password', pin: '4321' };
const APPROVAL = { username: MANAGER.username, secret: MANAGER.pin };

describe.each(BACKENDS)('closing the till on %s', (backend) => {
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
    // A day: a card sale, a cash sale with change, and a card sale whose answer was lost, forced done by the manager.
    const card = await newOrder(shop);
    const cardUuid = uuid();
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${cardUuid}`,
      payload: { orderId: card.id, paymentMethodId: shop.card.id, amountCents: 950 },
    });
    await reportFromBox(t.app.kassa, cardUuid, 'approved', { eventId: `ok-${cardUuid}` });
    const cash = await newOrder(shop);
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${uuid()}`,
      payload: { orderId: cash.id, paymentMethodId: shop.cash.id, amountCents: 2_000 },
    });
    const lost = await newOrder(shop);
    const lostUuid = uuid();
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${lostUuid}`,
      payload: { orderId: lost.id, paymentMethodId: shop.card.id, amountCents: 950 },
    });
    await reportFromBox(t.app.kassa, lostUuid, 'lost', { eventId: `lost-${lostUuid}` });
    expect(
      (await manager.inject({ method: 'POST', url: `/api/payments/${lostUuid}/force-done`, payload: { reason: 'ticket seen on the terminal' } })).statusCode,
    ).toBe(200);
    for (const order of [card, cash, lost])
      expect((await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` })).statusCode).toBe(200);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const close = (agent: Agent, body: object, id = shop.session.id) => agent.inject({ method: 'POST', url: `/api/sessions/${id}/close`, payload: body });
  const state = async (): Promise<string> => (await shop.admin.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}` })).json<PosSession>().state;

  it('previews the closing: expected cash net of change, card totals per terminal, the payment settled by hand', async () => {
    const preview = await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/closing-preview` });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      openingCashCents: 10_000,
      cashSalesCents: 950,
      cashSalesCount: 1,
      changeGivenCents: 1_050,
      cashRefundsCents: 0,
      expectedCashCents: 10_950,
      thresholdCents: 500,
      cards: [{ methodName: 'Card', terminalId: '12345678', salesCount: 2, salesCents: 1_900, refundsCount: 0, refundsCents: 0 }],
      settledByHand: [
        { state: 'forceDone', amountCents: 950, settledBy: 'mia', approvedBy: 'mia', reason: 'ticket seen on the terminal', terminalId: '12345678' },
      ],
    });
  });

  it('refuses a count that disagrees with the typed amount, or no count at all, changing nothing', async () => {
    expect(code(await close(shop.cashier, { countedCashCents: 10_950, count: [{ valueCents: 10_000, quantity: 1 }] }))).toBe('KASSA_VALIDATION');
    expect(code(await close(shop.cashier, {}))).toBe('KASSA_VALIDATION');
    expect(code(await close(shop.cashier, { count: [{ valueCents: 300, quantity: 1 }] }))).toBe('KASSA_VALIDATION');
    expect(await state()).toBe('open');
  });

  it('closes without a difference from a count by note and coin, and serves the Z report as JSON and CSV', async () => {
    const count = [
      { valueCents: 10_000, quantity: 1 },
      { valueCents: 500, quantity: 1 },
      { valueCents: 200, quantity: 2 },
      { valueCents: 50, quantity: 1 },
    ];
    const closed = await close(shop.cashier, { count });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', closing: { expectedCashCents: 10_950, countedCashCents: 10_950, cashDifferenceCents: 0 } });
    const report = await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report` });
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({
      sessionId: shop.session.id,
      posName: 'Counter',
      openedBy: 'cas',
      closedBy: 'cas',
      countedCashCents: 10_950,
      cashDifferenceCents: 0,
      count,
      differenceApprovedBy: null,
      cards: [{ salesCents: 1_900 }],
      settledByHand: [{ amountCents: 950 }],
    });
    const csv = await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('section,item,method,terminal,count,cents,euro');
    expect(lines).toContain('cash,expected,,,,10950,109.50');
    expect(lines).toContain('cash,difference,,,,0,0.00');
    expect(lines).toContain('card,sales,Card,12345678,2,1900,19.00');
    expect(lines).toContain('count,100.00,,,1,10000,100.00');
  });

  it('reopens only by a manager: a cashier needs an approval; the Z report is gone while open', async () => {
    const bare = await shop.cashier.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/reopen`, payload: {} });
    expect([bare.statusCode, code(bare), details(bare)['needs']]).toEqual([403, 'KASSA_FORBIDDEN', 'managerApproval']);
    expect(await state()).toBe('closed');
    const reopened = await manager.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/reopen`, payload: {} });
    expect(reopened.json()).toMatchObject({ state: 'open', closedAt: null, closing: null });
    expect(code(await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report` }))).toBe('KASSA_CONFLICT');
  });

  it('a difference beyond the threshold needs a manager: refused without approval or with a wrong one, closed with one', async () => {
    const bare = await close(shop.cashier, { countedCashCents: 10_000 });
    expect([bare.statusCode, code(bare), details(bare)['needs']]).toEqual([403, 'KASSA_FORBIDDEN', 'managerApproval']);
    expect(code(await close(shop.cashier, { countedCashCents: 10_000, approval: { username: 'mia', secret: '0000' } }))).toBe('KASSA_APPROVAL_REFUSED');
    expect(await state()).toBe('open');
    const closed = await close(shop.cashier, { countedCashCents: 10_000, approval: APPROVAL, reason: 'a note fell behind the drawer' });
    expect(closed.json()).toMatchObject({ state: 'closed', closing: { cashDifferenceCents: -950 } });
    expect((await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report` })).json()).toMatchObject({
      cashDifferenceCents: -950,
      differenceApprovedBy: 'mia',
      differenceReason: 'a note fell behind the drawer',
      count: null,
    });
    const csv = (await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/report.csv` })).body;
    expect(csv).toContain('cash,difference approved by mia: a note fell behind the drawer,,,,,\r\n');
  });

  it('a difference within the threshold closes without a manager', async () => {
    expect((await manager.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/reopen`, payload: {} })).statusCode).toBe(200);
    const closed = await close(shop.cashier, { countedCashCents: 10_450 });
    expect(closed.json()).toMatchObject({ state: 'closed', closing: { cashDifferenceCents: -500 } });
  });

  it('refuses to reopen once a later session of the POS was opened: the closing is final', async () => {
    const next = await shop.cashier.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: shop.pos.id, openingCashCents: 10_450 } });
    expect(next.statusCode).toBe(201);
    const refused = await manager.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/reopen`, payload: {} });
    expect([refused.statusCode, code(refused)]).toEqual([409, 'KASSA_CONFLICT']);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/later session/);
    expect(await state()).toBe('closed');
    expect(code(await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${next.json<PosSession>().id}/report` }))).toBe('KASSA_CONFLICT');
  });
});

describe.each(BACKENDS)('refunds in the closing on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  it('takes the cash paid back out of the expected cash, and counts a card refund on its terminal', async () => {
    // A cash sale and a card sale, each validated, then part of each refunded by the admin.
    const cash = await newOrder(shop);
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${uuid()}`,
      payload: { orderId: cash.id, paymentMethodId: shop.cash.id, amountCents: 950 },
    });
    const card = await newOrder(shop);
    const cardUuid = uuid();
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${cardUuid}`,
      payload: { orderId: card.id, paymentMethodId: shop.card.id, amountCents: 950 },
    });
    await reportFromBox(t.app.kassa, cardUuid, 'approved', { eventId: `ok-${cardUuid}` });
    for (const order of [cash, card]) expect((await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` })).statusCode).toBe(200);
    const cashRefund = await shop.admin.inject({
      method: 'PUT',
      url: `/api/orders/${cash.id}/refunds/${uuid()}`,
      payload: { paymentMethodId: shop.cash.id, reason: 'one fries came back', amountCents: 350 },
    });
    expect(cashRefund.statusCode).toBe(201);
    const cardRefundUuid = uuid();
    const cardRefund = await shop.admin.inject({
      method: 'PUT',
      url: `/api/orders/${card.id}/refunds/${cardRefundUuid}`,
      payload: { paymentMethodId: shop.card.id, reason: 'the beer was flat', amountCents: 250 },
    });
    expect(cardRefund.statusCode).toBe(201);
    await reportFromBox(t.app.kassa, cardRefundUuid, 'approved', { eventId: `ok-${cardRefundUuid}` });

    const preview = (await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}/closing-preview` })).json<{
      cashSalesCents: number;
      cashRefundsCents: number;
      expectedCashCents: number;
      cards: unknown[];
    }>();
    expect(preview).toMatchObject({ cashSalesCents: 950, cashRefundsCents: 350, expectedCashCents: 10_000 + 950 - 350 });
    expect(preview.cards).toEqual([
      expect.objectContaining({ methodName: 'Card', terminalId: '12345678', salesCount: 1, salesCents: 950, refundsCount: 1, refundsCents: 250 }),
    ]);
  });
});
