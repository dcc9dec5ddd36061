import { randomUUID } from 'node:crypto';
import type { BoxHello } from '@kassa/contract';
import { BOX_CONTRACT_VERSION } from '@kassa/contract';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop, ShopTill } from '../bench/shop.js';
import { newOrder, openTills, serviceContext, setUpShop } from '../bench/shop.js';
import { EVENTS_CHANNEL } from '../repos/events.js';
import { COMMANDS_CHANNEL } from '../repos/box-commands.js';
import { findDeviceOfBox } from '../repos/devices.js';
import { getHistory } from '../repos/payments.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase, TEST_DATABASE_URL } from '../test-support/databases.js';
import { boxConnected } from './box-events/box-link.js';
import type { ServiceContext } from './context.js';
import { requestPayment } from './payments.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

function hello(terminalIds: string[]): BoxHello {
  const lastSeen = new Date().toISOString();
  const devices = terminalIds.map((terminalId) => ({
    terminalId,
    model: 'lane5000' as const,
    serialNumber: null,
    address: '127.0.0.1',
    online: true,
    lastSeen,
    state: 'idle' as const,
  }));
  return { type: 'hello', version: BOX_CONTRACT_VERSION, boxId: randomUUID(), software: 'kassa-iotbox 0.1.0', devices };
}

async function errorCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function setUp(
  backend: (typeof BACKENDS)[number],
): Promise<{ database: TestDatabase; ctx: ServiceContext; shop: Shop; till: ShopTill; devices: number[] }> {
  const database = await openTestDatabase(backend);
  const ctx = serviceContext(database, { serverId: 'server-a' });
  const shop = await setUpShop(ctx);
  await boxConnected(ctx, shop.box.id, hello(['T1', 'T2']));
  const devices = [(await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.id ?? 0, (await findDeviceOfBox(ctx.db, shop.box.id, 'T2'))?.id ?? 0];
  const till = await openTills(ctx, shop, devices);
  return { database, ctx, shop, till, devices };
}

describe.each(BACKENDS)('requestPayment on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let till: ShopTill;
  let devices: number[];
  beforeAll(async () => {
    ({ database, ctx, shop, till, devices } = await setUp(backend));
  });
  afterAll(async () => {
    await database.close();
  });

  const methodOf = (i: number): number => till.methodOfDevice.get(devices[i] ?? 0) ?? 0;
  const orderFor = (i: number, quantity = 1): Promise<string> => newOrder(ctx, shop, till.sessionOfMethod.get(methodOf(i)) ?? 0, quantity);

  it('announces the payment and its startTransaction command with the stored values, command first', async () => {
    const heard: { channel: string; payload: unknown }[] = [];
    await database.bus.listen(COMMANDS_CHANNEL, (payload) => heard.push({ channel: COMMANDS_CHANNEL, payload: JSON.parse(payload) }));
    await database.bus.listen(EVENTS_CHANNEL, (payload) => heard.push({ channel: EVENTS_CHANNEL, payload: JSON.parse(payload) }));
    const orderId = await orderFor(0);
    const uuid = randomUUID();
    const { payment } = await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodOf(0), amountCents: shop.productPriceCents }, shop.userId);
    await vi.waitFor(() => expect(heard.filter((h) => JSON.stringify(h.payload).includes(uuid))).toHaveLength(2));
    const mine = heard.filter((h) => JSON.stringify(h.payload).includes(uuid));
    const command = await ctx.db
      .selectFrom('box_commands')
      .select(['id', 'payload'])
      .where('box_id', '=', shop.box.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const session = await ctx.db
      .selectFrom('pos_sessions')
      .select('pos_config_id')
      .where('id', '=', till.sessionOfMethod.get(methodOf(0)) ?? 0)
      .executeTakeFirstOrThrow();
    expect(mine).toEqual([
      { channel: COMMANDS_CHANNEL, payload: { boxId: shop.box.id, id: Number(command.id), command: command.payload } },
      {
        channel: EVENTS_CHANNEL,
        payload: {
          at: expect.any(String),
          topic: 'payment',
          audience: 'cashier',
          posId: session.pos_config_id,
          deviceId: null,
          data: { payment },
        },
      },
    ]);
    expect(payment).toMatchObject({ uuid, orderId, state: 'pending', deviceId: devices[0] });
    expect((await getHistory(ctx.db, uuid)).map((h) => [h.event, h.toState, h.userId])).toEqual([['requested', 'pending', shop.userId]]);
  });

  it('refuses an unknown payment method of an existing order with KASSA_NOT_FOUND', async () => {
    const orderId = await orderFor(0);
    expect(await errorCode(requestPayment(ctx, randomUUID(), { orderId, paymentMethodId: 999_999, amountCents: 100 }, shop.userId))).toBe('KASSA_NOT_FOUND');
  });

  it('answers a uuid already used on another order with KASSA_IDEMPOTENCY_MISMATCH', async () => {
    const uuid = randomUUID();
    const first = await orderFor(1);
    await requestPayment(ctx, uuid, { orderId: first, paymentMethodId: methodOf(1), amountCents: 100 }, shop.userId);
    const second = await orderFor(1);
    expect(await errorCode(requestPayment(ctx, uuid, { orderId: second, paymentMethodId: methodOf(1), amountCents: 100 }, shop.userId))).toBe(
      'KASSA_IDEMPOTENCY_MISMATCH',
    );
  });
});

describe('requestPayment on postgres, behind another request writing to the same order', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let till: ShopTill;
  let devices: number[];
  let other: pg.Client;
  beforeAll(async () => {
    ({ database, ctx, shop, till, devices } = await setUp('postgres'));
    other = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${database.schema}` });
    await other.connect();
  });
  afterAll(async () => {
    await other.end();
    await database.close();
  });

  /** Waits until a request's write waits for the order's row, which the other request updated. */
  async function someoneWaitsForALock(): Promise<void> {
    await vi.waitFor(
      async () => {
        // Asked on a pooled connection: inside the holder's transaction the view would not change.
        const { rows } = await sql<{
          n: number;
        }>`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%update orders set payments_version%'`.execute(ctx.db);
        expect(Number(rows[0]?.n)).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 50 },
    );
  }

  it('sees the line the other request added: a card payment above what is then due is refused', async () => {
    const cardOfT2 = till.methodOfDevice.get(devices[1] ?? 0) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(cardOfT2) ?? 0);
    await other.query('begin');
    // What a request's write does first: it moves the order's payments version on.
    await other.query('update orders set payments_version = payments_version + 1 where id = $1', [orderId]);
    const waiting = errorCode(requestPayment(ctx, randomUUID(), { orderId, paymentMethodId: cardOfT2, amountCents: shop.productPriceCents }, shop.userId));
    await someoneWaitsForALock();
    // A line for the whole amount, still running on the other terminal, made while the request waited.
    await other.query(
      `insert into payments (uuid, order_id, method_id, amount_cents, state, request_hash, device_id, box_id, created_by) values ($1, $2, $3, $4, 'pending', 'h', $5, $6, $7)`,
      [randomUUID(), orderId, till.methodOfDevice.get(devices[0] ?? 0), shop.productPriceCents, devices[0], shop.box.id, shop.userId],
    );
    await other.query('commit');
    expect(await waiting).toBe('KASSA_AMOUNT_EXCEEDS_DUE');
  });

  it('finds the payment the other request made with the same uuid: another body is KASSA_IDEMPOTENCY_MISMATCH', async () => {
    const method = till.methodOfDevice.get(devices[1] ?? 0) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(method) ?? 0);
    const uuid = randomUUID();
    await other.query('begin');
    // What a request's write does first: it moves the order's payments version on.
    await other.query('update orders set payments_version = payments_version + 1 where id = $1', [orderId]);
    const waiting = errorCode(requestPayment(ctx, uuid, { orderId, paymentMethodId: method, amountCents: 100 }, shop.userId));
    await someoneWaitsForALock();
    await other.query(
      `insert into payments (uuid, order_id, method_id, amount_cents, state, request_hash, device_id, box_id, created_by) values ($1, $2, $3, 200, 'done', 'another body', null, null, $4)`,
      [uuid, orderId, method, shop.userId],
    );
    await other.query('commit');
    expect(await waiting).toBe('KASSA_IDEMPOTENCY_MISMATCH');
    expect(await ctx.db.selectFrom('payment_history').select('id').where('payment_uuid', '=', uuid).execute()).toEqual([]);
  });
});
