import type { PosConfig, PosSession } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { createUser } from '../repos/users.js';
import { APPROVAL_LIMIT } from '../services/approvals.js';
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
const OTHER_CASHIER = { username: 'bob', password: 'terrace-password' };

interface PaymentJson {
  state: string;
  settledBy: number | null;
  approvedBy: number | null;
  settleReason: string | null;
}
interface DetailJson {
  payment: PaymentJson;
  history: { event: string; toState: string; userId: number | null; message: string | null; data: unknown }[];
}

describe.each(BACKENDS)('roles at the till on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let manager: Agent;
  let managerId: number;
  let cashierId: number;
  /** A cashier who holds the session of another POS, the terrace. */
  let other: Agent;
  let terrace: PosSession;

  const make = async (user: { username: string; password: string; pin?: string }, role: 'manager' | 'cashier' | 'admin', active = true): Promise<number> => {
    const created = await createUser(t.database.db, {
      username: user.username,
      role,
      passwordHash: await hashPassword(user.password, TEST_PASSWORD_COST),
      pinHash: user.pin === undefined ? null : await hashPassword(user.pin, TEST_PASSWORD_COST),
    });
    if (created === null) throw new Error(`user ${user.username} exists`);
    if (!active) await t.database.db.updateTable('users').set({ active: false }).where('id', '=', created.id).execute();
    return created.id;
  };

  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
    managerId = await make(MANAGER, 'manager');
    manager = await loginAs(t.app, { username: MANAGER.username, password: MANAGER.password });
    await make(OTHER_CASHIER, 'cashier');
    other = await loginAs(t.app, OTHER_CASHIER);
    cashierId = (await shop.cashier.inject({ method: 'GET', url: '/api/auth/me' })).json<{ user: { id: number } }>().user.id;
    const pos = (
      await shop.admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Terrace', paymentMethodIds: [shop.card.id, shop.cash.id] } })
    ).json<PosConfig>();
    terrace = (await other.inject({ method: 'POST', url: '/api/sessions', payload: { posConfigId: pos.id, openingCashCents: 0 } })).json<PosSession>();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const putPayment = (agent: Agent, paymentUuid: string, body: object) => agent.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: body });
  const detail = async (paymentUuid: string): Promise<DetailJson> =>
    (await shop.admin.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json<DetailJson>();
  const commandKinds = async (paymentUuid: string): Promise<string[]> => {
    const rows = await t.database.db.selectFrom('box_commands').select(['kind', 'payload']).orderBy('id').execute();
    return rows.filter((r) => (r.payload as { paymentUuid?: string }).paymentUuid === paymentUuid).map((r) => r.kind);
  };
  const boxEvent = (paymentUuid: string, event: 'lost' | 'declined') => reportFromBox(t.app.kassa, paymentUuid, event, { eventId: `${event}-${paymentUuid}` });
  /** A card payment of the counter's cashier whose answer was lost: unknown. */
  const unknownPayment = async (): Promise<string> => {
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    expect((await putPayment(shop.cashier, paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 })).statusCode).toBe(201);
    await boxEvent(paymentUuid, 'lost');
    return paymentUuid;
  };
  const forceDone = (agent: Agent, paymentUuid: string, body: object) =>
    agent.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/force-done`, payload: body });

  describe('a cashier acts only on the tills of their own POS', () => {
    it('refuses another POS’s cashier every action on the counter’s orders, payments and session with KASSA_FORBIDDEN, and nothing changes', async () => {
      const order = await newOrder(shop);
      const paymentUuid = await unknownPayment();
      const before = await detail(paymentUuid);
      const refused = [
        await other.inject({
          method: 'PUT',
          url: `/api/orders/${uuid()}`,
          payload: { sessionId: shop.session.id, lines: [{ productId: shop.fries.id, quantity: 1 }] },
        }),
        await putPayment(other, uuid(), { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 100 }),
        await other.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/check` }),
        await other.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/cancel` }),
        await forceDone(other, paymentUuid, { reason: 'not my till', approval: { username: MANAGER.username, secret: MANAGER.pin } }),
        await other.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/mark-failed`, payload: { reason: 'not my till' } }),
        await other.inject({ method: 'POST', url: `/api/orders/${order.id}/validate` }),
        await other.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel` }),
        await other.inject({ method: 'POST', url: `/api/sessions/${shop.session.id}/close`, payload: { countedCashCents: 10_000 } }),
      ];
      expect(refused.map((r) => [r.statusCode, code(r), details(r)['needs']])).toEqual(refused.map(() => [403, 'KASSA_FORBIDDEN', 'ownPos']));
      expect(await detail(paymentUuid)).toEqual(before);
      expect(await commandKinds(paymentUuid)).toEqual(['startTransaction']);
      const read = (await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json<{ state: string; payments: unknown[] }>();
      expect(read).toMatchObject({ state: 'draft', payments: [] });
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/sessions/${shop.session.id}` })).json()).toMatchObject({ state: 'open' });
      await boxEvent(paymentUuid, 'declined');
    });

    it('lets the cashier sell on the POS whose session they hold, and a manager on any POS', async () => {
      const own = await other.inject({
        method: 'PUT',
        url: `/api/orders/${uuid()}`,
        payload: { sessionId: terrace.id, lines: [{ productId: shop.beer.id, quantity: 1 }] },
      });
      expect(own.statusCode).toBe(201);
      const counter = await manager.inject({
        method: 'PUT',
        url: `/api/orders/${uuid()}`,
        payload: { sessionId: shop.session.id, lines: [{ productId: shop.beer.id, quantity: 1 }] },
      });
      expect(counter.statusCode).toBe(201);
      const orderId = counter.json<{ id: string }>().id;
      expect((await putPayment(manager, uuid(), { orderId, paymentMethodId: shop.cash.id, amountCents: 250 })).json()).toMatchObject({ state: 'done' });
      expect((await manager.inject({ method: 'POST', url: `/api/orders/${orderId}/validate` })).json()).toMatchObject({ state: 'paid' });
    });

    it('leaves configuration to the admin: a manager is refused the back office', async () => {
      const product = await manager.inject({ method: 'POST', url: '/api/products', payload: { name: 'Mayo', priceCents: 50, vatRate: 6 } });
      expect([product.statusCode, code(product)]).toEqual([403, 'KASSA_FORBIDDEN']);
      expect(code(await manager.inject({ method: 'GET', url: '/api/users' }))).toBe('KASSA_FORBIDDEN');
    });
  });

  describe('force done and mark failed are overrides', () => {
    it('refuses to settle a declined payment by hand, for anyone: it was not charged (the finding: it answered 200 to any cashier)', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await putPayment(shop.cashier, paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      await boxEvent(paymentUuid, 'declined');
      const before = await detail(paymentUuid);
      expect(before.payment.state).toBe('retry');
      const tries = [
        await forceDone(shop.cashier, paymentUuid, { reason: 'customer insists' }),
        await forceDone(shop.cashier, paymentUuid, { reason: 'customer insists', approval: { username: MANAGER.username, secret: MANAGER.pin } }),
        await forceDone(manager, paymentUuid, { reason: 'customer insists' }),
        await manager.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/mark-failed`, payload: { reason: 'declined twice' } }),
        await forceDone(other, paymentUuid, { reason: 'customer insists' }),
      ];
      expect(tries.map((r) => [r.statusCode, code(r)])).toEqual([
        [409, 'KASSA_PAYMENT_STATE'],
        [409, 'KASSA_PAYMENT_STATE'],
        [409, 'KASSA_PAYMENT_STATE'],
        [409, 'KASSA_PAYMENT_STATE'],
        [403, 'KASSA_FORBIDDEN'],
      ]);
      expect(await detail(paymentUuid)).toEqual(before);
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json()).toMatchObject({ dueCents: 950 });
    });

    it('asks a cashier without an approval for a manager’s (KASSA_FORBIDDEN, needs managerApproval), and refuses a wrong PIN, changing nothing', async () => {
      const paymentUuid = await unknownPayment();
      const before = await detail(paymentUuid);
      const bare = await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen on the terminal' });
      expect([bare.statusCode, code(bare), details(bare)['needs']]).toEqual([403, 'KASSA_FORBIDDEN', 'managerApproval']);
      const wrongPin = await forceDone(shop.cashier, paymentUuid, {
        reason: 'ticket seen on the terminal',
        approval: { username: MANAGER.username, secret: '9999' },
      });
      expect([wrongPin.statusCode, code(wrongPin)]).toEqual([403, 'KASSA_APPROVAL_REFUSED']);
      const unknownManager = await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: 'nobody', secret: MANAGER.pin } });
      expect(code(unknownManager)).toBe('KASSA_APPROVAL_REFUSED');
      const selfApproved = await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: 'cas', secret: 'cashier-password' } });
      expect(code(selfApproved)).toBe('KASSA_APPROVAL_REFUSED');
      expect(await detail(paymentUuid)).toEqual(before);
      expect(await commandKinds(paymentUuid)).toEqual(['startTransaction']);
      await boxEvent(paymentUuid, 'declined');
    });

    it('settles with a manager’s right PIN: the cashier settles, the manager approves, the history names both', async () => {
      const paymentUuid = await unknownPayment();
      const forced = await forceDone(shop.cashier, paymentUuid, {
        reason: 'ticket seen on the terminal',
        approval: { username: MANAGER.username, secret: MANAGER.pin },
      });
      expect(forced.statusCode).toBe(200);
      expect(forced.json()).toMatchObject({ state: 'forceDone', settledBy: cashierId, approvedBy: managerId, settleReason: 'ticket seen on the terminal' });
      const after = await detail(paymentUuid);
      expect(after.history.at(-1)).toMatchObject({
        event: 'forceDone',
        toState: 'forceDone',
        userId: cashierId,
        message: 'ticket seen on the terminal',
        data: { approvedBy: { id: managerId, username: MANAGER.username } },
      });
      expect(await commandKinds(paymentUuid)).toEqual(['startTransaction', 'releaseTransaction']);
    });

    it('takes the manager’s password in place of the PIN, and lets a manager settle alone, recorded as both', async () => {
      const byPassword = await unknownPayment();
      const failed = await shop.cashier.inject({
        method: 'POST',
        url: `/api/payments/${byPassword}/mark-failed`,
        payload: { reason: 'terminal shows nothing', approval: { username: MANAGER.username, secret: MANAGER.password } },
      });
      expect(failed.json()).toMatchObject({ state: 'failed', settledBy: cashierId, approvedBy: managerId });
      const alone = await unknownPayment();
      const settled = await manager.inject({ method: 'POST', url: `/api/payments/${alone}/mark-failed`, payload: { reason: 'terminal shows nothing' } });
      expect(settled.json()).toMatchObject({ state: 'failed', settledBy: managerId, approvedBy: managerId });
    });

    it('refuses an inactive manager and a cashier as approvers', async () => {
      await make({ username: 'gone', password: 'gone-password', pin: '1111' }, 'manager', false);
      const paymentUuid = await unknownPayment();
      expect(code(await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: 'gone', secret: '1111' } }))).toBe(
        'KASSA_APPROVAL_REFUSED',
      );
      expect(
        code(
          await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: OTHER_CASHIER.username, secret: OTHER_CASHIER.password } }),
        ),
      ).toBe('KASSA_APPROVAL_REFUSED');
      expect((await detail(paymentUuid)).payment.state).toBe('unknown');
      await boxEvent(paymentUuid, 'declined');
    });

    it('stops guessing a manager’s PIN: after the limit of wrong ones even the right PIN is refused (KASSA_RATE_LIMITED)', async () => {
      const guarded = { username: 'max', password: 'guarded-password', pin: '2468' };
      await make(guarded, 'manager');
      const paymentUuid = await unknownPayment();
      for (let i = 0; i < APPROVAL_LIMIT.max; i++) {
        expect(
          code(await forceDone(shop.cashier, paymentUuid, { reason: 'guessing', approval: { username: guarded.username, secret: String(1000 + i) } })),
        ).toBe('KASSA_APPROVAL_REFUSED');
      }
      const limited = await forceDone(shop.cashier, paymentUuid, { reason: 'guessing', approval: { username: guarded.username, secret: guarded.pin } });
      expect([limited.statusCode, code(limited)]).toEqual([429, 'KASSA_RATE_LIMITED']);
      expect((await detail(paymentUuid)).payment.state).toBe('unknown');
      // Another manager's approval is counted apart.
      expect(
        (await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: MANAGER.username, secret: MANAGER.pin } })).json(),
      ).toMatchObject({ state: 'forceDone' });
    });
  });

  describe('managers and their PIN in the users admin', () => {
    it('lets an admin create a manager with a PIN, change it and remove it', async () => {
      const created = await shop.admin.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'nora', password: 'manager of the day', role: 'manager', pin: '123456' },
      });
      expect(created.json()).toMatchObject({ username: 'nora', role: 'manager', active: true, hasPin: true });
      const id = created.json<{ id: number }>().id;
      expect(code(await shop.admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { pin: '12' } }))).toBe('KASSA_VALIDATION');
      expect(code(await shop.admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { pin: '12ab' } }))).toBe('KASSA_VALIDATION');
      expect((await shop.admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { pin: null } })).json()).toMatchObject({ hasPin: false });
      expect((await shop.admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { role: 'cashier' } })).json()).toMatchObject({ role: 'cashier' });
    });

    it('lets a manager set their own PIN with their password, and refuses a cashier or a wrong password', async () => {
      const own = { username: 'olga', password: 'olga-password' };
      await make(own, 'manager');
      const olga = await loginAs(t.app, own);
      const wrong = await olga.inject({ method: 'PUT', url: '/api/users/me/pin', payload: { currentPassword: 'not-it', pin: '8642' } });
      expect([wrong.statusCode, code(wrong)]).toEqual([403, 'KASSA_FORBIDDEN']);
      expect((await olga.inject({ method: 'PUT', url: '/api/users/me/pin', payload: { currentPassword: own.password, pin: '8642' } })).json()).toMatchObject({
        hasPin: true,
      });
      const paymentUuid = await unknownPayment();
      expect(
        (await forceDone(shop.cashier, paymentUuid, { reason: 'ticket seen', approval: { username: own.username, secret: '8642' } })).json(),
      ).toMatchObject({ state: 'forceDone' });
      expect(code(await shop.cashier.inject({ method: 'PUT', url: '/api/users/me/pin', payload: { currentPassword: 'cashier-password', pin: '1234' } }))).toBe(
        'KASSA_FORBIDDEN',
      );
    });
  });
});
