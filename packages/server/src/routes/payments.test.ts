import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFromBox } from '../test-support/box-reports.js';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

describe.each(BACKENDS)('payment routes on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const put = (paymentUuid: string, body: object) => shop.cashier.inject({ method: 'PUT', url: `/api/payments/${paymentUuid}`, payload: body });
  const commandsFor = async (paymentUuid: string) => {
    const rows = await t.database.db.selectFrom('box_commands').select(['kind', 'payload', 'box_id']).orderBy('id').execute();
    return rows.filter((r) => (r.payload as { paymentUuid?: string }).paymentUuid === paymentUuid);
  };
  /** Settles whatever runs on the terminal so the next test finds it idle. */
  const settle = async (paymentUuid: string) => {
    await reportFromBox(t.app.kassa, paymentUuid, 'declined', { eventId: `settle-${paymentUuid}` });
  };

  describe('PUT /api/payments/:uuid', () => {
    it('records a card payment as pending and queues one startTransaction command for the box of the device', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      const response = await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ uuid: paymentUuid, orderId: order.id, amountCents: 950, state: 'pending', deviceId: shop.device.id });
      expect(await commandsFor(paymentUuid)).toEqual([
        { kind: 'startTransaction', box_id: shop.device.boxId, payload: { kind: 'startTransaction', paymentUuid, terminalId: '12345678', amountCents: 950 } },
      ]);
      await settle(paymentUuid);
    });

    it('returns the same payment with 200 and starts nothing new when the same request is sent again', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      const body = { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 };
      const first = await put(paymentUuid, body);
      const second = await put(paymentUuid, body);
      expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
      expect(second.json()).toEqual(first.json());
      expect(await commandsFor(paymentUuid)).toHaveLength(1);
      await settle(paymentUuid);
    });

    it('starts one terminal transaction when the same uuid is sent several times at once', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      const body = { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 };
      const responses = await Promise.all(Array.from({ length: 6 }, () => put(paymentUuid, body)));
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(responses.map((r) => r.json<{ uuid: string }>().uuid))).toEqual(new Set([paymentUuid]));
      expect(await commandsFor(paymentUuid)).toHaveLength(1);
      await settle(paymentUuid);
    });

    it('answers 409 KASSA_IDEMPOTENCY_MISMATCH to another body for a known uuid, and changes nothing', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      const response = await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 900 });
      expect(response.statusCode).toBe(409);
      expect(code(response)).toBe('KASSA_IDEMPOTENCY_MISMATCH');
      const detail = (await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json<{
        payment: { amountCents: number };
        history: unknown[];
      }>();
      expect(detail.payment.amountCents).toBe(950);
      expect(detail.history).toHaveLength(1);
      await settle(paymentUuid);
    });

    it('answers 409 KASSA_TERMINAL_BUSY while another payment runs on the terminal', async () => {
      const first = await newOrder(shop);
      const second = await newOrder(shop);
      const running = uuid();
      await put(running, { orderId: first.id, paymentMethodId: shop.card.id, amountCents: 950 });
      const response = await put(uuid(), { orderId: second.id, paymentMethodId: shop.card.id, amountCents: 950 });
      expect(response.statusCode).toBe(409);
      expect(code(response)).toBe('KASSA_TERMINAL_BUSY');
      await settle(running);
    });

    it('answers 503 KASSA_DEVICE_OFFLINE when the terminal is offline', async () => {
      const order = await newOrder(shop);
      await t.database.db.updateTable('devices').set({ online: false }).where('id', '=', shop.device.id).execute();
      try {
        const response = await put(uuid(), { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
        expect(response.statusCode).toBe(503);
        expect(code(response)).toBe('KASSA_DEVICE_OFFLINE');
      } finally {
        await t.database.db.updateTable('devices').set({ online: true }).where('id', '=', shop.device.id).execute();
      }
    });

    it('refuses a card payment above what is due (KASSA_AMOUNT_EXCEEDS_DUE), cents that are not whole, and an unknown order', async () => {
      const order = await newOrder(shop);
      expect(code(await put(uuid(), { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 951 }))).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
      expect(code(await put(uuid(), { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 9.5 }))).toBe('KASSA_VALIDATION');
      expect(code(await put(uuid(), { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 0 }))).toBe('KASSA_VALIDATION');
      expect(code(await put(uuid(), { orderId: uuid(), paymentMethodId: shop.card.id, amountCents: 100 }))).toBe('KASSA_NOT_FOUND');
      expect(code(await put('not-a-uuid', { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 100 }))).toBe('KASSA_VALIDATION');
    });

    it('treats a uuid in upper case as the same payment', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      const body = { orderId: order.id.toUpperCase(), paymentMethodId: shop.cash.id, amountCents: 100 };
      expect((await put(paymentUuid.toUpperCase(), body)).statusCode).toBe(201);
      expect((await put(paymentUuid, { ...body, orderId: order.id })).statusCode).toBe(200);
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid.toUpperCase()}` })).json()).toMatchObject({
        payment: { uuid: paymentUuid, orderId: order.id },
      });
    });

    it('records a cash payment as done at once, without a box command', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      const response = await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 2000 });
      expect(response.json()).toMatchObject({ state: 'done', deviceId: null });
      expect(await commandsFor(paymentUuid)).toEqual([]);
    });
  });

  describe('cancel, check, force done and mark failed', () => {
    it('cancels through the terminal: waitingCancel with a cancel command, and the terminal answer decides', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      const cancelled = await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/cancel` });
      expect(cancelled.json()).toMatchObject({ state: 'waitingCancel' });
      expect((await commandsFor(paymentUuid)).map((c) => c.kind)).toEqual(['startTransaction', 'cancelTransaction']);
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/force-done`, payload: { reason: 'customer left' } }))).toBe(
        'KASSA_PAYMENT_STATE',
      );
      await reportFromBox(t.app.kassa, paymentUuid, 'approved', { eventId: `approved-${paymentUuid}` });
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json()).toMatchObject({ payment: { state: 'done' } });
    });

    it('checks a payment whose answer was lost, then settles it by hand with the reason and the user recorded', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      await reportFromBox(t.app.kassa, paymentUuid, 'lost', { eventId: `lost-${paymentUuid}` });
      const checked = await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/check` });
      expect(checked.json()).toMatchObject({ state: 'unknown' });
      expect((await commandsFor(paymentUuid)).map((c) => c.kind)).toEqual(['startTransaction', 'recoverTransaction']);
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/force-done`, payload: {} }))).toBe('KASSA_VALIDATION');
      const approval = { username: ADMIN.username, secret: ADMIN.password };
      const forced = await shop.cashier.inject({
        method: 'POST',
        url: `/api/payments/${paymentUuid}/force-done`,
        payload: { reason: 'ticket seen on the terminal', approval },
      });
      const me = (await shop.cashier.inject({ method: 'GET', url: '/api/auth/me' })).json<{ user: { id: number } }>();
      const admin = (await shop.admin.inject({ method: 'GET', url: '/api/auth/me' })).json<{ user: { id: number } }>();
      expect(forced.json()).toMatchObject({
        state: 'forceDone',
        settledBy: me.user.id,
        approvedBy: admin.user.id,
        settleReason: 'ticket seen on the terminal',
      });
      const detail = (await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json<{
        history: { event: string; toState: string; userId: number | null; message: string | null }[];
      }>();
      expect(detail.history.map((h) => [h.event, h.toState])).toEqual([
        ['requested', 'pending'],
        ['lost', 'unknown'],
        ['recover', 'unknown'],
        ['forceDone', 'forceDone'],
      ]);
      expect(detail.history.at(-1)).toMatchObject({ userId: me.user.id, message: 'ticket seen on the terminal' });
    });

    it('asks the terminal about a running payment it went quiet on, and answers at once when the terminal is offline', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      await reportFromBox(t.app.kassa, paymentUuid, 'accepted', { eventId: `accepted-${paymentUuid}` });
      await t.database.db.updateTable('devices').set({ online: false }).where('id', '=', shop.device.id).execute();
      try {
        const offline = await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/check` });
        expect([offline.statusCode, code(offline)]).toEqual([503, 'KASSA_DEVICE_OFFLINE']);
        expect((await commandsFor(paymentUuid)).map((c) => c.kind)).toEqual(['startTransaction']);
      } finally {
        await t.database.db.updateTable('devices').set({ online: true }).where('id', '=', shop.device.id).execute();
      }
      const asked = await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/check` });
      expect(asked.json()).toMatchObject({ state: 'waiting' });
      expect((await commandsFor(paymentUuid)).map((c) => c.kind)).toEqual(['startTransaction', 'recoverTransaction']);
      await reportFromBox(t.app.kassa, paymentUuid, 'lost', { eventId: `lost-${paymentUuid}` });
      await reportFromBox(t.app.kassa, paymentUuid, 'declined', { eventId: `declined-${paymentUuid}` });
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json()).toMatchObject({ payment: { state: 'retry' } });
    });

    it('settles a declined payment by hand for nobody, and refuses a check on a payment that is not unknown', async () => {
      const order = await newOrder(shop);
      const paymentUuid = uuid();
      await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 });
      await settle(paymentUuid);
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/check` }))).toBe('KASSA_PAYMENT_STATE');
      const failed = await shop.admin.inject({ method: 'POST', url: `/api/payments/${paymentUuid}/mark-failed`, payload: { reason: 'card refused twice' } });
      expect(code(failed)).toBe('KASSA_PAYMENT_STATE');
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/payments/${paymentUuid}` })).json()).toMatchObject({
        payment: { state: 'retry', settledBy: null, approvedBy: null },
      });
    });

    it('answers 404 for a payment that does not exist', async () => {
      expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/payments/${uuid()}/cancel` }))).toBe('KASSA_NOT_FOUND');
      expect(code(await shop.cashier.inject({ method: 'GET', url: `/api/payments/${uuid()}` }))).toBe('KASSA_NOT_FOUND');
    });
  });

  describe('GET /api/payments', () => {
    it('finds payments by state, by the start of the order id, by date range, one page at a time', async () => {
      const order = await newOrder(shop);
      const uuids = [uuid(), uuid()];
      for (const paymentUuid of uuids) await put(paymentUuid, { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 100 });
      const byOrder = (await shop.cashier.inject({ method: 'GET', url: `/api/payments?text=${order.id.slice(0, 13)}` })).json<{
        items: { uuid: string }[];
        total: number;
      }>();
      expect(byOrder.total).toBe(2);
      expect(byOrder.items.map((p) => p.uuid).sort()).toEqual([...uuids].sort());
      const page = (await shop.cashier.inject({ method: 'GET', url: `/api/payments?text=${order.id}&limit=1&offset=1` })).json<{
        items: unknown[];
        total: number;
        limit: number;
        offset: number;
      }>();
      expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(page.items).toHaveLength(1);
      const done = (await shop.cashier.inject({ method: 'GET', url: '/api/payments?state=done&limit=200' })).json<{ items: { state: string }[] }>();
      expect(done.items.every((p) => p.state === 'done')).toBe(true);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await shop.cashier.inject({ method: 'GET', url: `/api/payments?from=${encodeURIComponent(future)}` })).json()).toMatchObject({
        items: [],
        total: 0,
      });
      const byMethod = (await shop.cashier.inject({ method: 'GET', url: '/api/payments?text=cas&limit=200' })).json<{ total: number }>();
      expect(byMethod.total).toBeGreaterThanOrEqual(2);
    });

    it('refuses an unknown state or a date that is not a date with KASSA_VALIDATION', async () => {
      expect(code(await shop.cashier.inject({ method: 'GET', url: '/api/payments?state=paid' }))).toBe('KASSA_VALIDATION');
      expect(code(await shop.cashier.inject({ method: 'GET', url: '/api/payments?from=yesterday' }))).toBe('KASSA_VALIDATION');
      expect(code(await shop.cashier.inject({ method: 'GET', url: '/api/payments?limit=100000' }))).toBe('KASSA_VALIDATION');
    });
  });
});
