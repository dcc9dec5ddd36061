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

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';
const MANAGER = { username: 'rita', password: 'manager-password', pin: '2468' };
const APPROVAL = { username: MANAGER.username, secret: MANAGER.pin };

interface RefundJson {
  uuid: string;
  amountCents: number;
  state: string;
  lines: { position: number; name: string; quantity: number; amountCents: number }[];
  createdBy: number;
  approvedBy: number;
}

describe.each(BACKENDS)('refund routes on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let manager: Agent;
  let managerId: number;
  let cashierId: number;

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
    manager = await loginAs(t.app, { username: MANAGER.username, password: MANAGER.password });
    cashierId = (await shop.cashier.inject({ method: 'GET', url: '/api/auth/me' })).json<{ user: { id: number } }>().user.id;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  let events = 0;
  const boxEvent = (paymentUuid: string, report: BoxReport, options: Omit<BoxReportOptions, 'eventId'> = {}) =>
    reportFromBox(t.app.kassa, paymentUuid, report, { eventId: `e-${(events += 1)}`, ...options });

  /** A validated order of two fries and a beer (950), paid by card (cardCents) and the rest in cash. */
  const paidOrder = async (cardCents = 950): Promise<{ id: string }> => {
    const order = await newOrder(shop);
    if (cardCents > 0) {
      const card = uuid();
      const put = await shop.cashier.inject({
        method: 'PUT',
        url: `/api/payments/${card}`,
        payload: { orderId: order.id, paymentMethodId: shop.card.id, amountCents: cardCents },
      });
      expect(put.statusCode, put.body).toBe(201);
      await boxEvent(card, 'approved');
    }
    if (cardCents < 950) {
      const cash = await shop.cashier.inject({
        method: 'PUT',
        url: `/api/payments/${uuid()}`,
        payload: { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 950 - cardCents },
      });
      expect(cash.statusCode, cash.body).toBe(201);
    }
    const validated = await shop.cashier.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` });
    expect(validated.statusCode, validated.body).toBe(200);
    return order;
  };
  const refund = (agent: Agent, orderId: string, refundUuid: string, body: object) =>
    agent.inject({ method: 'PUT', url: `/api/orders/${orderId}/refunds/${refundUuid}`, payload: body });
  const startCommands = async (paymentUuid: string) => {
    const rows = await t.database.db.selectFrom('box_commands').select(['kind', 'payload']).orderBy('id').execute();
    return rows.filter((r) => (r.payload as { paymentUuid?: string }).paymentUuid === paymentUuid && r.kind === 'startTransaction');
  };
  const readOrder = async (id: string) =>
    (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${id}` })).json<{
      refunds: RefundJson[];
      refundedCents: number;
      paidCents: number;
      payments: unknown[];
    }>();

  it('refunds returned lines by card through the terminal: a refund line that follows the terminal to done', async () => {
    const order = await paidOrder();
    const refundUuid = uuid();
    const response = await refund(shop.cashier, order.id, refundUuid, {
      paymentMethodId: shop.card.id,
      reason: 'fries were cold',
      lines: [{ position: 0, quantity: 1 }],
      approval: APPROVAL,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<RefundJson>()).toMatchObject({
      uuid: refundUuid,
      amountCents: 350,
      state: 'pending',
      lines: [{ position: 0, name: 'Fries', quantity: 1, amountCents: 350 }],
      createdBy: cashierId,
      approvedBy: managerId,
    });
    expect((await startCommands(refundUuid)).map((c) => c.payload)).toEqual([
      { kind: 'startTransaction', paymentUuid: refundUuid, terminalId: '12345678', amountCents: 350, transactionKind: 'refund' },
    ]);
    await boxEvent(refundUuid, 'accepted');
    await boxEvent(refundUuid, 'approved', { result: 'Approved', amountCents: 350 });
    const detail = (await shop.cashier.inject({ method: 'GET', url: `/api/payments/${refundUuid}` })).json<{
      payment: { kind: string; state: string };
      history: { event: string; userId: number | null; data: unknown }[];
    }>();
    expect(detail.payment).toMatchObject({ kind: 'refund', state: 'done' });
    expect(detail.history[0]).toMatchObject({ event: 'requested', userId: cashierId, data: { approvedBy: { id: managerId, username: MANAGER.username } } });
    const read = await readOrder(order.id);
    expect(read).toMatchObject({ refundedCents: 350, paidCents: 950 });
    expect(read.payments).toHaveLength(1);
    const receipt = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/receipt` })).json<{
      refunds: { amountCents: number }[];
      text: string;
    }>();
    expect(receipt.refunds).toMatchObject([{ amountCents: 350, state: 'done' }]);
    expect(receipt.text).toContain('REFUND Card');
    expect(receipt.text).toContain('-3,50');
    const printed = await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}/refunds/${refundUuid}/receipt` });
    expect(printed.statusCode, printed.body).toBe(200);
    expect(printed.json<{ text: string }>().text).toMatch(/REFUND[\s\S]*1 x Fries\s+-3,50[\s\S]*Reason: fries were cold/);
  });

  it('frees the amount again when the terminal refuses the refund', async () => {
    const order = await paidOrder();
    const first = uuid();
    expect((await refund(manager, order.id, first, { paymentMethodId: shop.card.id, reason: 'whole order back', amountCents: 950 })).statusCode).toBe(201);
    await boxEvent(first, 'declined', { result: 'Error' });
    expect((await readOrder(order.id)).refunds.map((r) => r.state)).toEqual(['retry']);
    // The refused refund took nothing back: the whole amount can be refunded again.
    const second = await refund(manager, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'paid back in cash instead', amountCents: 950 });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<RefundJson>()).toMatchObject({ state: 'done', approvedBy: managerId });
  });

  it('keeps a refund whose answer was lost unknown until the terminal is asked again, then settles it', async () => {
    const order = await paidOrder();
    const refundUuid = uuid();
    expect(
      (await refund(manager, order.id, refundUuid, { paymentMethodId: shop.card.id, reason: 'beer returned', lines: [{ position: 1, quantity: 1 }] }))
        .statusCode,
    ).toBe(201);
    await boxEvent(refundUuid, 'accepted');
    await boxEvent(refundUuid, 'lost');
    expect((await readOrder(order.id)).refunds[0]).toMatchObject({ state: 'unknown', amountCents: 250 });
    // While unknown the amount counts as refunded: nothing more can go back than what is left.
    expect(code(await refund(manager, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'too much', amountCents: 701 }))).toBe(
      'KASSA_REFUND_EXCEEDS_PAID',
    );
    const check = await shop.cashier.inject({ method: 'POST', url: `/api/payments/${refundUuid}/check` });
    expect(check.statusCode, check.body).toBe(200);
    const recover = (await t.database.db.selectFrom('box_commands').select(['kind', 'payload']).execute()).filter(
      (c) => c.kind === 'recoverTransaction' && (c.payload as { paymentUuid: string }).paymentUuid === refundUuid,
    );
    expect(recover).toHaveLength(1);
    await boxEvent(refundUuid, 'approved', { result: 'Approved', recovered: true });
    expect(await readOrder(order.id)).toMatchObject({ refundedCents: 250, refunds: [{ state: 'done' }] });
  });

  it('sends the TransactionType the card method names for refunds, a setting the admin changes', async () => {
    const order = await paidOrder();
    const { id: _id, refundTransactionType: before, archived: _archived, ...method } = shop.card;
    expect(before).toBeNull();
    const set = await shop.admin.inject({ method: 'PUT', url: `/api/payment-methods/${shop.card.id}`, payload: { ...method, refundTransactionType: '21' } });
    expect([set.statusCode, set.json<{ refundTransactionType: string }>().refundTransactionType]).toEqual([200, '21']);
    const bad = await shop.admin.inject({
      method: 'PUT',
      url: `/api/payment-methods/${shop.card.id}`,
      payload: { ...method, refundTransactionType: 'refund' },
    });
    expect(code(bad)).toBe('KASSA_VALIDATION');
    const refundUuid = uuid();
    expect((await refund(manager, order.id, refundUuid, { paymentMethodId: shop.card.id, reason: 'with the setting', amountCents: 100 })).statusCode).toBe(201);
    expect((await startCommands(refundUuid)).map((c) => c.payload)).toEqual([
      { kind: 'startTransaction', paymentUuid: refundUuid, terminalId: '12345678', amountCents: 100, transactionKind: 'refund', transactionType: '21' },
    ]);
    await boxEvent(refundUuid, 'declined');
    const reset = await shop.admin.inject({ method: 'PUT', url: `/api/payment-methods/${shop.card.id}`, payload: { ...method, refundTransactionType: null } });
    expect(reset.json<{ refundTransactionType: string | null }>().refundTransactionType).toBeNull();
  });

  it('refunds in cash at once', async () => {
    const order = await paidOrder(0);
    const response = await refund(manager, order.id, uuid(), {
      paymentMethodId: shop.cash.id,
      reason: 'customer changed their mind',
      lines: [
        { position: 0, quantity: 2 },
        { position: 1, quantity: 1 },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<RefundJson>()).toMatchObject({ state: 'done', amountCents: 950 });
    expect((await readOrder(order.id)).refundedCents).toBe(950);
  });

  it('never refunds more than was paid, nor more by card than the card took on that terminal, nor a line twice', async () => {
    const order = await paidOrder(350);
    const tooMuchCard = await refund(manager, order.id, uuid(), { paymentMethodId: shop.card.id, reason: 'all back', amountCents: 351 });
    expect([tooMuchCard.statusCode, code(tooMuchCard)]).toEqual([422, 'KASSA_REFUND_EXCEEDS_TERMINAL']);
    const tooMuch = await refund(manager, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'all back', amountCents: 951 });
    expect([tooMuch.statusCode, code(tooMuch)]).toEqual([422, 'KASSA_REFUND_EXCEEDS_PAID']);
    expect(
      (await refund(manager, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'one fries', lines: [{ position: 0, quantity: 2 }] })).statusCode,
    ).toBe(201);
    const again = await refund(manager, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'one fries again', lines: [{ position: 0, quantity: 1 }] });
    expect([again.statusCode, code(again)]).toEqual([422, 'KASSA_REFUND_QUANTITY']);
    const both = await refund(manager, order.id, uuid(), {
      paymentMethodId: shop.cash.id,
      reason: 'lines and amount',
      amountCents: 100,
      lines: [{ position: 1, quantity: 1 }],
    });
    expect([both.statusCode, code(both)]).toEqual([400, 'KASSA_VALIDATION']);
    const draft = await newOrder(shop);
    const notValidated = await refund(manager, draft.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'not yet', amountCents: 100 });
    expect([notValidated.statusCode, code(notValidated)]).toEqual([409, 'KASSA_ORDER_NOT_VALIDATED']);
    expect((await readOrder(order.id)).refundedCents).toBe(700);
  });

  it('starts one terminal refund when the same uuid is sent three times at once, and refuses another body for it', async () => {
    const order = await paidOrder();
    const refundUuid = uuid();
    const body = { paymentMethodId: shop.card.id, reason: 'double charge', amountCents: 500, approval: APPROVAL };
    const responses = await Promise.all([1, 2, 3].map(() => refund(shop.cashier, order.id, refundUuid, body)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(responses.map((r) => r.json<RefundJson>().uuid))).toEqual(new Set([refundUuid]));
    expect(await startCommands(refundUuid)).toHaveLength(1);
    expect((await readOrder(order.id)).refunds).toHaveLength(1);
    const other = await refund(shop.cashier, order.id, refundUuid, { ...body, amountCents: 400 });
    expect([other.statusCode, code(other)]).toEqual([409, 'KASSA_IDEMPOTENCY_MISMATCH']);
    await boxEvent(refundUuid, 'declined');
  });

  it('asks a cashier without an approval for a manager’s, refuses a wrong one, and changes nothing', async () => {
    const order = await paidOrder();
    const bare = await refund(shop.cashier, order.id, uuid(), { paymentMethodId: shop.cash.id, reason: 'no manager', amountCents: 100 });
    expect([bare.statusCode, code(bare), bare.json<{ error: { details?: { needs?: string } } }>().error.details?.needs]).toEqual([
      403,
      'KASSA_FORBIDDEN',
      'managerApproval',
    ]);
    const wrong = await refund(shop.cashier, order.id, uuid(), {
      paymentMethodId: shop.cash.id,
      reason: 'wrong pin',
      amountCents: 100,
      approval: { username: MANAGER.username, secret: '0000' },
    });
    expect([wrong.statusCode, code(wrong)]).toEqual([403, 'KASSA_APPROVAL_REFUSED']);
    expect((await readOrder(order.id)).refunds).toEqual([]);
  });
});
