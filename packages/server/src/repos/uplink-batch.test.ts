import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import type { EventLog } from '../test-support/event-log.js';
import { listenToEvents } from '../test-support/event-log.js';
import { MAX_NOTIFY_BYTES } from './notify.js';
import { readBatch, writeBatch } from './uplink-batch.js';
import { getHistory, getPayment, getTickets } from './payments.js';
import { serviceContext, setUpShop, openTills, newOrder } from '../bench/shop.js';
import { upsertDevice } from './devices.js';
import { requestPayment } from '../services/payments.js';

/** Event data of any shape: these tests are about storing and announcing events, not what they say. */
const opaque = (data: unknown) => data as never;

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

describe.each(BACKENDS)('batch writes on %s', (backend) => {
  let database: TestDatabase;
  let events: EventLog;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    events = await listenToEvents(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('announces the events in order when it commits, and keeps only a too large one, announced by its id', async () => {
    const at = new Date('2026-11-25T10:03:51.374Z');
    const large = { text: 'x'.repeat(MAX_NOTIFY_BYTES) };
    const before = await events.mark();
    const live = await writeBatch(database.db, database.bus.prefix, {
      history: [],
      tickets: [],
      states: [],
      events: [
        { topic: 'device', audience: 'cashier', data: opaque({ device: { terminalId: 'T1', note: 'é "quoted" \\ back' } }), at },
        { topic: 'payment', audience: 'cashier', data: opaque(large), at },
        { topic: 'box', audience: 'admin', data: opaque({ box: { id: 'b' } }), at },
      ],
    });
    if (live === null) throw new Error('writeBatch wrote nothing without a version to check');
    const heard = await events.after(before);
    expect(heard.map((e) => e.topic)).toEqual(['device', 'payment', 'box']);
    expect(heard.map((e) => e.at)).toEqual([at.toISOString(), at.toISOString(), at.toISOString()]);
    expect(heard[0]?.data).toEqual({ device: { terminalId: 'T1', note: 'é "quoted" \\ back' } });
    expect(heard[1]?.data).toEqual(large);
    const stored = await database.db.selectFrom('events').select(['topic', 'data']).execute();
    expect(stored).toEqual([{ topic: 'payment', data: large }]);
  });

  it('announces events whose scope it knows by itself, in order, storing nothing, as the trigger announces them', async () => {
    const at = new Date('2026-11-25T10:04:02.005Z');
    const known = [
      { topic: 'device', audience: 'cashier', data: opaque({ device: { id: 7, terminalId: 'T1', note: 'é "quoted" \\ back' } }), at },
      { topic: 'payment', audience: 'cashier', data: opaque({ payment: { uuid: 'p', amountCents: 630 } }), at, posId: 3 },
      { topic: 'box', audience: 'admin', data: opaque({ box: { id: 'b' } }), at },
    ] as const;
    const storedBefore = await database.db.selectFrom('events').select('id').execute();
    const before = await events.mark();
    await writeBatch(database.db, database.bus.prefix, { history: [], tickets: [], states: [], events: known });
    const announced = await events.after(before);
    expect(await database.db.selectFrom('events').select('id').execute()).toEqual(storedBefore);
    // The same events inserted, one statement each, for the trigger of migration 0018 to announce.
    const triggered = await events.mark();
    for (const event of known) {
      // The uplink's own insert, as the batch makes it when it cannot announce an event itself.
      await sql`insert into events (topic, audience, data, at, pos_id) values (${event.topic}, ${event.audience}, ${JSON.stringify(event.data)}::jsonb, ${at}, ${'posId' in event ? event.posId : null}::integer)`.execute(
        database.db,
      );
    }
    const byTrigger = await events.after(triggered);
    expect(announced).toEqual(byTrigger);
    expect(announced.map((e) => [e.topic, e.posId, e.deviceId])).toEqual([
      ['device', null, 7],
      ['payment', 3, null],
      ['box', null, null],
    ]);
  });

  /** A shop with one terminal and a payment requested on it. */
  async function pendingPayment(terminalId: string, uuid: string) {
    const ctx = serviceContext(database);
    const shop = await setUpShop(ctx);
    const device = await upsertDevice(ctx.db, {
      boxId: shop.box.id,
      terminalId,
      type: 'payment',
      make: 'Ingenico',
      model: 'Lane/5000',
      online: true,
      at: new Date(),
    });
    const till = await openTills(ctx, shop, [device.id]);
    const methodId = till.methodOfDevice.get(device.id) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0);
    const { payment } = await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodId, amountCents: shop.productPriceCents }, shop.userId);
    return { ctx, shop, methodId, orderId, payment };
  }

  it('writes history in order (with and without message or data), tickets, states and events in one call', async () => {
    const { ctx, orderId, methodId, shop, payment } = await pendingPayment('TB1', 'b7c1d2e3-0000-4000-8000-000000000001');
    const at = new Date('2026-11-25T10:03:51.374Z');
    const uuid = payment.uuid;
    await writeBatch(database.db, database.bus.prefix, {
      history: [
        {
          paymentUuid: uuid,
          at,
          source: 'box',
          event: 'accepted',
          fromState: 'pending',
          toState: 'waiting',
          message: null,
          data: { eventId: 'e1' },
          eventId: 'e1',
        },
        {
          paymentUuid: uuid,
          at,
          source: 'box',
          event: 'message',
          fromState: 'waiting',
          toState: 'waiting',
          message: 'PRESENT CARD',
          data: undefined,
          eventId: 'e2',
        },
        {
          paymentUuid: uuid,
          at,
          source: 'box',
          event: 'approved',
          fromState: 'waiting',
          toState: 'done',
          message: 'Approved',
          data: { tickets: 2 },
          eventId: null,
        },
      ],
      tickets: [
        { paymentUuid: uuid, type: 'merchant', text: 'm', at },
        { paymentUuid: uuid, type: 'cardholder', text: 'c', at },
      ],
      states: [{ uuid, state: 'done', at }],
      events: [],
    });
    expect((await getHistory(ctx.db, uuid)).map((h) => [h.event, h.message, h.data])).toEqual([
      ['requested', null, { orderId, paymentMethodId: methodId, amountCents: shop.productPriceCents }],
      ['accepted', null, { eventId: 'e1' }],
      ['message', 'PRESENT CARD', null],
      ['approved', 'Approved', { tickets: 2 }],
    ]);
    expect((await getTickets(ctx.db, uuid)).map((t) => [t.type, t.text])).toEqual([
      ['merchant', 'm'],
      ['cardholder', 'c'],
    ]);
    expect(await getPayment(ctx.db, uuid)).toMatchObject({ state: 'done', updatedAt: at });
  });

  it('writes a batch read without locks only while its payments keep the version read, and nothing otherwise', async () => {
    const { ctx, payment } = await pendingPayment('TB2', 'b7c1d2e3-0000-4000-8000-000000000002');
    const uuid = payment.uuid;
    const at = new Date('2026-11-25T10:03:52.000Z');
    const write = (eventId: string, versions: ReadonlyMap<string, string>) =>
      writeBatch(database.db, database.bus.prefix, {
        history: [{ paymentUuid: uuid, at, source: 'box', event: 'accepted', fromState: 'pending', toState: 'waiting', message: null, data: {}, eventId }],
        tickets: [],
        states: [{ uuid, state: 'waiting', at }],
        events: [{ topic: 'payment', audience: 'cashier', data: opaque({ payment: { uuid } }), at }],
        unchanged: versions,
      });
    const before = await events.mark();
    const read = await readBatch(database.db, [uuid], ['u1']);
    expect(read.applied).toEqual(new Set());
    await database.db.updateTable('payments').set({ updated_at: new Date() }).where('uuid', '=', uuid).execute();
    expect(await write('u1', read.versions)).toBeNull();
    expect(await events.after(before)).toEqual([]);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested']);
    const again = await readBatch(database.db, [uuid], ['u1']);
    const written = await write('u1', again.versions);
    expect(await events.after(before)).toHaveLength(1);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted']);
    expect(await getPayment(ctx.db, uuid)).toMatchObject({ state: 'waiting' });
    const after = await readBatch(database.db, [uuid], ['u1']);
    expect(after.applied).toEqual(new Set(['u1']));
    // The version the write returns is the one the row now has, and another write can check it.
    expect(written?.versions.get(uuid)).toBe(after.versions.get(uuid));
    expect(written?.versions.get(uuid)).not.toBe(again.versions.get(uuid));
  });
});
