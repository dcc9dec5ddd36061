import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { createTestSchema, dropTestSchema } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';
import type { SseClient, SseMessage } from '../test-support/sse.js';
import { openSse } from '../test-support/sse.js';

const DEADLINE = { timeout: 15_000, interval: 20 };

interface Payload {
  id: number;
  topic: string;
  data: { payment?: { uuid: string; state: string }; order?: { id: string }; box?: { id: string } };
}
const payloads = (client: SseClient): Payload[] => client.messages.filter((m) => m.event !== 'reset').map((m) => JSON.parse(m.data) as Payload);
const paymentUuids = (client: SseClient): string[] => payloads(client).flatMap((p) => (p.data.payment === undefined ? [] : [p.data.payment.uuid]));

describe('GET /api/events', () => {
  let t: TestApp;
  let shop: Shop;
  let base: string;
  const clients: SseClient[] = [];
  const connect = (cookie: string, headers: Record<string, string> = {}, query = ''): SseClient => {
    const client = openSse(`${base}/api/events${query}`, { cookie, ...headers });
    clients.push(client);
    return client;
  };
  const payCash = async (): Promise<string> => {
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${paymentUuid}`,
      payload: { orderId: order.id, paymentMethodId: shop.cash.id, amountCents: 100 },
    });
    return paymentUuid;
  };

  beforeAll(async () => {
    t = await buildTestApp('pglite', { events: { heartbeatMs: 50, replayLimit: 20 } });
    shop = await setupShop(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('streams a payment change to a connected cashier with its id, topic and data', async () => {
    const client = connect(shop.cashier.cookie);
    expect(await client.status).toBe(200);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBeGreaterThan(0);
    const paymentUuid = await payCash();
    await expect.poll(() => paymentUuids(client), DEADLINE).toContain(paymentUuid);
    const message = client.messages.find((m) => m.event === 'payment' && m.data.includes(paymentUuid)) as SseMessage;
    const payload = JSON.parse(message.data) as Payload & { at: string };
    expect(message.id).toBe(String(payload.id));
    expect(payload).toMatchObject({ topic: 'payment', data: { payment: { uuid: paymentUuid, state: 'done' } }, at: expect.any(String) });
    expect(payloads(client).map((p) => p.topic)).toContain('order');
    client.close();
  });

  it('replays what was missed after Last-Event-ID, in order, and nothing before it', async () => {
    const first = connect(shop.cashier.cookie);
    const seen = await payCash();
    await expect.poll(() => paymentUuids(first), DEADLINE).toContain(seen);
    const lastId = first.messages.at(-1)?.id ?? '';
    first.close();
    const missed = [await payCash(), await payCash()];
    const again = connect(shop.cashier.cookie, { 'last-event-id': lastId });
    await expect.poll(() => paymentUuids(again), DEADLINE).toEqual(missed);
    const ids = again.messages.map((m) => Number(m.id));
    expect(ids.every((id) => id > Number(lastId))).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    again.close();
  });

  it('replays after ?lastEventId= the same way, for a page that reloads', async () => {
    const first = connect(shop.cashier.cookie);
    const seen = await payCash();
    await expect.poll(() => paymentUuids(first), DEADLINE).toContain(seen);
    const lastId = first.messages.at(-1)?.id ?? '';
    first.close();
    const missed = await payCash();
    const again = connect(shop.cashier.cookie, {}, `?lastEventId=${lastId}`);
    await expect.poll(() => paymentUuids(again), DEADLINE).toEqual([missed]);
    again.close();
  });

  it('tells a client that is too far behind to reload with a reset event', async () => {
    const first = connect(shop.cashier.cookie);
    const seen = await payCash();
    await expect.poll(() => paymentUuids(first), DEADLINE).toContain(seen);
    const lastId = first.messages.at(-1)?.id ?? '';
    first.close();
    for (let i = 0; i < 11; i += 1) await payCash();
    const again = connect(shop.cashier.cookie, { 'last-event-id': lastId });
    await expect.poll(() => again.messages.map((m) => m.event), DEADLINE).toContain('reset');
    expect(paymentUuids(again)).toEqual([]);
    again.close();
  });

  it('resets a client whose Last-Event-ID this server process did not give (another process, or before a restart), then streams on', async () => {
    for (const lastId of ['1', String(t.app.liveEvents.latestId + 1000)]) {
      const again = connect(shop.cashier.cookie, { 'last-event-id': lastId });
      await expect.poll(() => again.messages.map((m) => m.event), DEADLINE).toContain('reset');
      expect(Number(again.messages.find((m) => m.event === 'reset')?.id)).toBe(t.app.liveEvents.latestId);
      const paid = await payCash();
      await expect.poll(() => paymentUuids(again), DEADLINE).toContain(paid);
      again.close();
    }
  });

  it('shows box changes to admins only', async () => {
    const admin = await loginAs(t.app, ADMIN);
    const adminStream = connect(admin.cookie);
    const cashierStream = connect(shop.cashier.cookie);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBeGreaterThanOrEqual(2);
    const paired = (await admin.inject({ method: 'POST', url: '/api/boxes', payload: { name: 'Spare' } })).json<{ box: { id: string } }>();
    await admin.inject({ method: 'POST', url: `/api/boxes/${paired.box.id}/revoke` });
    const marker = await payCash();
    await expect.poll(() => paymentUuids(cashierStream), DEADLINE).toContain(marker);
    await expect.poll(() => paymentUuids(adminStream), DEADLINE).toContain(marker);
    expect(
      payloads(adminStream)
        .filter((p) => p.topic === 'box')
        .map((p) => p.data.box?.id),
    ).toContain(paired.box.id);
    expect(payloads(cashierStream).filter((p) => p.topic === 'box')).toEqual([]);
    adminStream.close();
    cashierStream.close();
  });

  it('sends heartbeat comments so proxies keep the stream open', async () => {
    const client = connect(shop.cashier.cookie);
    await expect.poll(() => client.comments, DEADLINE).toContain('keep-alive');
    client.close();
  });

  it('forgets a stream once its client disconnects', async () => {
    for (const client of clients) client.close();
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(0);
    const client = connect(shop.cashier.cookie);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(1);
    client.close();
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(0);
  });

  it('ends a stream once its session ends', async () => {
    const cashier = await loginAs(t.app, { username: 'cas', password: 'cashier-password' });
    const client = connect(cashier.cookie);
    expect(await client.status).toBe(200);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(1);
    await cashier.inject({ method: 'POST', url: '/api/auth/logout' });
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(0);
  });

  it('refuses a Last-Event-ID that is not an event id with 400 KASSA_VALIDATION', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/events', headers: { cookie: shop.cashier.cookie, 'last-event-id': 'yesterday' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('KASSA_VALIDATION');
  });
});

describe('two server processes on one PostgreSQL database', () => {
  let schema: string;
  let writer: TestApp;
  let reader: TestApp;
  let client: SseClient | null = null;
  beforeAll(async () => {
    schema = await createTestSchema();
    writer = await buildTestApp('postgres', { schema });
    reader = await buildTestApp('postgres', { schema });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    client?.close();
    await reader.close();
    await writer.close();
    await dropTestSchema(schema);
  });

  it('delivers an event written through one process to an event stream of the other', async () => {
    const shop = await setupShop(writer);
    const base = await reader.app.listen({ port: 0, host: '127.0.0.1' });
    const cashierOnReader = await loginAs(reader.app, { username: 'cas', password: 'cashier-password' });
    client = openSse(`${base}/api/events`, { cookie: cashierOnReader.cookie });
    expect(await client.status).toBe(200);
    await expect.poll(() => reader.app.liveEvents.streamCount, DEADLINE).toBe(1);
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    const put = await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${paymentUuid}`,
      payload: { orderId: order.id, paymentMethodId: shop.card.id, amountCents: order.totalCents },
    });
    expect(put.statusCode).toBe(201);
    const stream = client;
    await expect.poll(() => paymentUuids(stream), DEADLINE).toContain(paymentUuid);
    expect(payloads(stream).find((p) => p.data.payment?.uuid === paymentUuid)?.data.payment?.state).toBe('pending');
  });
});
