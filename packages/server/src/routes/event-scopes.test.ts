import type { PaymentMethod, PosConfig, PosSession } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeviceOfBox, upsertDevice } from '../repos/devices.js';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, loginAs, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import type { Agent } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { setupShop } from '../test-support/shop.js';
import type { SseClient } from '../test-support/sse.js';
import { openSse } from '../test-support/sse.js';

const DEADLINE = { timeout: 15_000, interval: 20 };

interface Payload {
  id: number;
  topic: string;
  data: { payment?: { uuid: string; orderId: string }; order?: { id: string }; device?: { id: number }; box?: { id: string } };
}
const payloads = (client: SseClient): Payload[] => client.messages.filter((m) => m.event !== 'reset').map((m) => JSON.parse(m.data) as Payload);
/** Every object a stream heard of, as `topic:id`. */
const objects = (client: SseClient): string[] =>
  payloads(client).map((p) => `${p.topic}:${p.data.payment?.uuid ?? p.data.order?.id ?? p.data.device?.id ?? p.data.box?.id ?? '?'}`);

async function ok<T>(agent: Agent, method: 'POST' | 'PUT', url: string, payload: object): Promise<T> {
  const response = await agent.inject({ method, url, payload });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json<T>();
}

describe.each(BACKENDS)('GET /api/events scoped to the till on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let base: string;
  let other: { cashier: Agent; pos: PosConfig; deviceId: number; session: PosSession | null };
  const clients: SseClient[] = [];
  const connect = (cookie: string, query = '', headers: Record<string, string> = {}): SseClient => {
    const client = openSse(`${base}/api/events${query}`, { cookie, ...headers });
    clients.push(client);
    return client;
  };
  /** An order of one fries on `session`, paid in cash by `cashier`: its order and payment. */
  const sell = async (cashier: Agent, session: PosSession): Promise<{ order: string; payment: string }> => {
    const order = await ok<{ id: string; totalCents: number }>(cashier, 'PUT', `/api/orders/${uuid()}`, {
      sessionId: session.id,
      lines: [{ productId: shop.fries.id, quantity: 1 }],
    });
    const payment = uuid();
    await ok(cashier, 'PUT', `/api/payments/${payment}`, { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: order.totalCents });
    return { order: order.id, payment };
  };

  beforeAll(async () => {
    t = await buildTestApp(backend, { events: { heartbeatMs: 50, replayLimit: 100 } });
    shop = await setupShop(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // A second till: its own terminal and card method, the shared cash method, and its own cashier.
    await upsertDevice(t.database.db, {
      boxId: shop.device.boxId,
      terminalId: '87654321',
      type: 'payment',
      make: 'Ingenico',
      model: 'lane5000',
      online: true,
      at: new Date(),
    });
    const device = (await findDeviceOfBox(t.database.db, shop.device.boxId, '87654321'))!;
    await ok(shop.admin, 'POST', `/api/devices/${device.id}/approve`, {});
    const bank = (await shop.admin.inject({ method: 'GET', url: '/api/journals' }))
      .json<{ items: { id: number; type: string }[] }>()
      .items.find((j) => j.type === 'bank')!;
    const card = await ok<PaymentMethod>(shop.admin, 'POST', '/api/payment-methods', {
      name: 'Card 2',
      kind: 'bank',
      journalId: bank.id,
      terminal: 'ingenico',
      deviceId: device.id,
    });
    const pos = await ok<PosConfig>(shop.admin, 'POST', '/api/pos-configs', { name: 'Terrace', paymentMethodIds: [card.id, shop.cash.id] });
    await ok(shop.admin, 'POST', '/api/users', { username: 'bea', password: 'cashier-password-2', role: 'cashier' });
    await ok(shop.admin, 'POST', '/api/users', { username: 'max', password: 'manager-password', role: 'manager' });
    other = { cashier: await loginAs(t.app, { username: 'bea', password: 'cashier-password-2' }), pos, deviceId: device.id, session: null };
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('gives a cashier only the orders, payments and devices of their own till, and a manager what they choose', async () => {
    const manager = await loginAs(t.app, { username: 'max', password: 'manager-password' });
    const first = connect(shop.cashier.cookie);
    // Connected before their session opens: the stream follows the till once it is opened.
    const second = connect(other.cashier.cookie);
    const everything = connect(manager.cookie);
    const terrace = connect(shop.admin.cookie, `?posId=${other.pos.id}`);
    for (const client of [first, second, everything, terrace]) expect(await client.status).toBe(200);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(4);
    other.session = await ok<PosSession>(other.cashier, 'POST', '/api/sessions', { posConfigId: other.pos.id, openingCashCents: 0 });

    const terraceSale = await sell(other.cashier, other.session);
    await ok(shop.admin, 'POST', `/api/devices/${other.deviceId}/approve`, {});
    const counterSale = await sell(shop.cashier, shop.session);
    await ok(shop.admin, 'POST', `/api/devices/${shop.device.id}/approve`, {});
    const counter = [`order:${counterSale.order}`, `payment:${counterSale.payment}`, `device:${shop.device.id}`];
    const terraceObjects = [`order:${terraceSale.order}`, `payment:${terraceSale.payment}`, `device:${other.deviceId}`];

    await expect.poll(() => objects(everything), DEADLINE).toEqual(expect.arrayContaining([...terraceObjects, ...counter]));
    await expect.poll(() => objects(first), DEADLINE).toEqual(expect.arrayContaining(counter));
    await expect.poll(() => objects(second), DEADLINE).toEqual(expect.arrayContaining(terraceObjects));
    await expect.poll(() => objects(terrace), DEADLINE).toEqual(expect.arrayContaining(terraceObjects));
    expect(objects(first).filter((o) => terraceObjects.includes(o))).toEqual([]);
    expect(objects(second).filter((o) => counter.includes(o))).toEqual([]);
    expect(objects(terrace).filter((o) => counter.includes(o))).toEqual([]);
    expect(new Set(objects(first).map((o) => o.split(':')[0]))).toEqual(new Set(['order', 'payment', 'device']));
  });

  it('replays after Last-Event-ID only what the stream follows', async () => {
    const lastSeen = payloads(clients[2]!)[0]!.id - 1;
    const replayed = connect(shop.cashier.cookie, '', { 'last-event-id': String(lastSeen) });
    const live = objects(clients[0]!);
    await expect.poll(() => objects(replayed), DEADLINE).toEqual(live);
    const all = connect(shop.admin.cookie, `?lastEventId=${lastSeen}`);
    await expect.poll(() => objects(all).length, DEADLINE).toBeGreaterThan(live.length);
    expect(objects(all)).toEqual(expect.arrayContaining(live));
  });

  it('answers 403 to a cashier who names a POS, 404 to an unknown POS and 400 to one that is not an id', async () => {
    const cashierChoice = await t.app.inject({ method: 'GET', url: `/api/events?posId=${shop.pos.id}`, headers: { cookie: shop.cashier.cookie } });
    expect([cashierChoice.statusCode, cashierChoice.json().error.code]).toEqual([403, 'KASSA_FORBIDDEN']);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/events?posId=999999', headers: { cookie: shop.admin.cookie } });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'KASSA_NOT_FOUND']);
    const invalid = await t.app.inject({ method: 'GET', url: '/api/events?posId=terrace', headers: { cookie: shop.admin.cookie } });
    expect([invalid.statusCode, invalid.json().error.code]).toEqual([400, 'KASSA_VALIDATION']);
  });

  it('gives a manager following a shop the events of that shop’s tills only, and of a till moved into it without a reconnect', async () => {
    const manager = await loginAs(t.app, { username: 'max', password: 'manager-password' });
    const brusselsName = 'Brussels – Rue Neuve';
    const counterPos = await ok<PosConfig>(shop.admin, 'PUT', `/api/pos-configs/${shop.pos.id}`, {
      name: shop.pos.name,
      paymentMethodIds: shop.pos.paymentMethodIds,
      shop: `  ${brusselsName} `,
    });
    expect(counterPos.shop).toBe(brusselsName);
    await ok(shop.admin, 'PUT', `/api/pos-configs/${other.pos.id}`, { name: other.pos.name, paymentMethodIds: other.pos.paymentMethodIds, shop: 'Ghent' });
    const brussels = connect(manager.cookie, `?shop=${encodeURIComponent(brusselsName)}`);
    expect(await brussels.status).toBe(200);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBeGreaterThanOrEqual(clients.length);

    const ghentSale = await sell(other.cashier, other.session!);
    const counterSale = await sell(shop.cashier, shop.session);
    await expect.poll(() => objects(brussels), DEADLINE).toEqual(expect.arrayContaining([`order:${counterSale.order}`, `payment:${counterSale.payment}`]));
    expect(objects(brussels).filter((o) => o === `order:${ghentSale.order}` || o === `payment:${ghentSale.payment}`)).toEqual([]);

    // The Terrace moves into the Brussels shop: the open stream follows it from then on.
    await ok(shop.admin, 'PUT', `/api/pos-configs/${other.pos.id}`, { name: other.pos.name, paymentMethodIds: other.pos.paymentMethodIds, shop: brusselsName });
    const moved = await sell(other.cashier, other.session!);
    await expect.poll(() => objects(brussels), DEADLINE).toContain(`payment:${moved.payment}`);
    expect(objects(brussels)).not.toContain(`payment:${ghentSale.payment}`);
  });

  it('answers 403 to a cashier who names a shop, 404 to a shop no POS is in', async () => {
    const cashierChoice = await t.app.inject({ method: 'GET', url: '/api/events?shop=Ghent', headers: { cookie: shop.cashier.cookie } });
    expect([cashierChoice.statusCode, cashierChoice.json().error.code]).toEqual([403, 'KASSA_FORBIDDEN']);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/events?shop=Atlantis', headers: { cookie: shop.admin.cookie } });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'KASSA_NOT_FOUND']);
  });

  it('follows a terminal added to the till’s POS while the stream is open, without a reconnect', async () => {
    const counter = connect(shop.cashier.cookie);
    expect(await counter.status).toBe(200);
    await upsertDevice(t.database.db, {
      boxId: shop.device.boxId,
      terminalId: '11223344',
      type: 'payment',
      make: 'Ingenico',
      model: 'lane5000',
      online: true,
      at: new Date(),
    });
    const added = (await findDeviceOfBox(t.database.db, shop.device.boxId, '11223344'))!;
    await ok(shop.admin, 'POST', `/api/devices/${added.id}/approve`, {});
    const bank = (await shop.admin.inject({ method: 'GET', url: '/api/journals' }))
      .json<{ items: { id: number; type: string }[] }>()
      .items.find((j) => j.type === 'bank')!;
    const card = await ok<PaymentMethod>(shop.admin, 'POST', '/api/payment-methods', {
      name: 'Card 3',
      kind: 'bank',
      journalId: bank.id,
      terminal: 'ingenico',
      deviceId: added.id,
    });
    // Not yet the till's: an event of that terminal stays away from the stream.
    const marker = await sell(shop.cashier, shop.session);
    await expect.poll(() => objects(counter), DEADLINE).toContain(`payment:${marker.payment}`);
    expect(objects(counter)).not.toContain(`device:${added.id}`);

    await ok(shop.admin, 'PUT', `/api/pos-configs/${shop.pos.id}`, { name: shop.pos.name, paymentMethodIds: [...shop.pos.paymentMethodIds, card.id] });
    await ok(shop.admin, 'POST', `/api/devices/${added.id}/approve`, {});
    await expect.poll(() => objects(counter), DEADLINE).toContain(`device:${added.id}`);
  });

  it('stops a cashier’s stream following a till once its session is closed', async () => {
    const second = clients[1]!;
    const session = other.session!;
    await t.database.db.updateTable('pos_sessions').set({ state: 'closed', closed_at: new Date() }).where('id', '=', session.id).execute();
    await ok(shop.admin, 'POST', `/api/devices/${other.deviceId}/approve`, {});
    const marker = await sell(shop.cashier, shop.session);
    await expect.poll(() => objects(clients[2]!), DEADLINE).toContain(`payment:${marker.payment}`);
    const heard = payloads(second).length;
    await ok(shop.admin, 'POST', `/api/devices/${other.deviceId}/approve`, {});
    const again = await sell(shop.cashier, shop.session);
    await expect.poll(() => objects(clients[2]!), DEADLINE).toContain(`payment:${again.payment}`);
    expect(payloads(second).length).toBe(heard);
  });
});
