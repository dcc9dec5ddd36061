import { randomUUID } from 'node:crypto';
import type { BoxEvent, BoxEventMessage, BoxHello, DeviceReport } from '@kassa/contract';
import { BOX_CONTRACT_VERSION, transactionIdFromUuid } from '@kassa/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop, ShopTill } from '../../bench/shop.js';
import { newOrder, openTills, serviceContext, setUpShop } from '../../bench/shop.js';
import { getBox } from '../../repos/boxes.js';
import { findDeviceOfBox } from '../../repos/devices.js';
import { addHistory, getHistory, getPayment, getTickets, setPaymentState } from '../../repos/payments.js';
import type { Executor } from '../../repos/executor.js';
import { getBoxHello, listUnmatchedEvents } from '../../test-support/repos.js';
import type { TestDatabase } from '../../test-support/databases.js';
import type { EventLog } from '../../test-support/event-log.js';
import { listenToEvents } from '../../test-support/event-log.js';
import { BACKENDS, openTestDatabase } from '../../test-support/databases.js';
import type { ServiceContext } from '../context.js';
import { KnownPayments } from '../known-payments.js';
import { requestPayment } from '../payments.js';
import { applyBoxEvent, applyBoxEvents } from './apply.js';
import { boxConnected, boxDisconnected } from './box-link.js';
import { DEVICE_LAST_SEEN_PRECISION_MS } from './device-reports.js';
import type { BoxEventOutcome } from './outcome.js';

// Opening an embedded database or starting a box can take long on a loaded machine; waits stay bounded.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

function report(terminalId: string, change: Partial<DeviceReport> = {}): DeviceReport {
  return {
    terminalId,
    model: 'lane5000',
    serialNumber: null,
    address: '127.0.0.1',
    online: true,
    lastSeen: new Date().toISOString(),
    state: 'idle',
    ...change,
  };
}

function hello(devices: DeviceReport[]): BoxHello {
  return { type: 'hello', version: BOX_CONTRACT_VERSION, boxId: randomUUID(), software: 'kassa-iotbox 0.1.0', devices };
}

/** The payment's own transaction, as a box derives it from the UUID. */
const txOf = (paymentUuid: string): string => transactionIdFromUuid(paymentUuid).toString();

let sequence = 0;
/** A box event as a box sends it: an event about a payment names the payment's transaction unless it says otherwise. */
function message(event: BoxEvent, id = `e${++sequence}`): BoxEventMessage {
  const named = 'paymentUuid' in event && event.kind !== 'commandRefused' ? { transactionId: txOf(event.paymentUuid), ...event } : event;
  return { type: 'event', id, at: new Date().toISOString(), event: named as BoxEvent };
}

const result = (paymentUuid: string, name: 'Approved' | 'Declined' | 'Stopped', tickets = 0): BoxEvent => ({
  kind: 'transactionResult',
  paymentUuid,
  terminalId: 'T1',
  transactionId: txOf(paymentUuid),
  result: name,
  resultId: 0,
  amountCents: 1250,
  authorisationCode: name === 'Approved' ? 'A1B2C3' : null,
  cardBrand: 'Bancontact',
  tickets: Array.from({ length: tickets }, (_, i) => ({ type: i + 1, header: null, text: `ticket ${i + 1}`, footer: null })),
  recovered: false,
});

describe.each(BACKENDS)('box events on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let till: ShopTill;
  let deviceId: number;
  let events: EventLog;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    events = await listenToEvents(database);
    ctx = serviceContext(database, { serverId: 'server-a' });
    shop = await setUpShop(ctx);
    await boxConnected(ctx, shop.box.id, hello([report('T1')]));
    deviceId = (await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.id ?? 0;
    till = await openTills(ctx, shop, [deviceId]);
  });
  afterAll(async () => {
    await database.close();
  });

  async function pay(): Promise<string> {
    const methodId = till.methodOfDevice.get(deviceId) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0);
    const uuid = randomUUID();
    await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodId, amountCents: shop.productPriceCents }, shop.userId);
    return uuid;
  }

  async function state(uuid: string): Promise<string | undefined> {
    return (await getPayment(ctx.db, uuid))?.state;
  }

  it('stores the devices of a hello as online Ingenico payment terminals held by this process', async () => {
    const device = await findDeviceOfBox(ctx.db, shop.box.id, 'T1');
    expect(device).toMatchObject({ type: 'payment', make: 'Ingenico', model: 'Lane/5000', online: true });
    expect((await getBox(ctx.db, shop.box.id))?.online).toBe(true);
    expect((await getBoxHello(ctx.db, shop.box.id))?.software).toBe('kassa-iotbox 0.1.0');
    const row = await ctx.db.selectFrom('boxes').select('server_id').where('id', '=', shop.box.id).executeTakeFirst();
    expect(row?.server_id).toBe('server-a');
  });

  it('walks an approved payment to done with every stage, message and ticket in its history', async () => {
    const uuid = await pay();
    const before = await events.mark();
    expect(
      await applyBoxEvent(
        ctx,
        shop.box.id,
        message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 }),
      ),
    ).toBe('applied');
    expect(await state(uuid)).toBe('waiting');
    await applyBoxEvent(ctx, shop.box.id, message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 }));
    expect(await state(uuid)).toBe('waitingCard');
    expect(await applyBoxEvent(ctx, shop.box.id, message({ kind: 'transactionMessage', paymentUuid: uuid, terminalId: 'T1', text: 'PRESENT CARD' }))).toBe(
      'recorded',
    );
    await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Approved', 2)));
    expect(await state(uuid)).toBe('done');
    const history = await getHistory(ctx.db, uuid);
    expect(history.map((h) => [h.event, h.toState])).toEqual([
      ['requested', 'pending'],
      ['accepted', 'waiting'],
      ['stage', 'waitingCard'],
      ['message', 'waitingCard'],
      ['approved', 'done'],
    ]);
    expect(history[3]?.message).toBe('PRESENT CARD');
    expect((await getTickets(ctx.db, uuid)).map((t) => t.type)).toEqual(['merchant', 'cardholder']);
    const live = (await events.after(before)).filter((e) => e.topic === 'payment');
    expect(live).toHaveLength(4);
    expect(live.at(-1)?.data).toMatchObject({ payment: { uuid, state: 'done' }, entry: { event: 'approved' } });
  });

  it('applies each event id once however often and in whatever order the box sends it', async () => {
    const uuid = await pay();
    const sent = message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 });
    const approved = message(result(uuid, 'Approved', 1));
    expect(await applyBoxEvent(ctx, shop.box.id, approved)).toBe('applied');
    expect(await applyBoxEvent(ctx, shop.box.id, sent)).toBe('recorded');
    expect(await applyBoxEvent(ctx, shop.box.id, approved)).toBe('duplicate');
    expect(await applyBoxEvent(ctx, shop.box.id, sent)).toBe('duplicate');
    expect(await state(uuid)).toBe('done');
    expect(await getTickets(ctx.db, uuid)).toHaveLength(1);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'approved', 'accepted']);
  });

  it('applies a replay of the same id sent twice at once exactly once', async () => {
    const uuid = await pay();
    const approved = message(result(uuid, 'Approved', 1));
    const outcomes = await Promise.all([applyBoxEvent(ctx, shop.box.id, approved), applyBoxEvent(ctx, shop.box.id, approved)]);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    expect(await getTickets(ctx.db, uuid)).toHaveLength(1);
  });

  it('announces a payment once per batch, as the batch leaves it, and keeps every entry in its history', async () => {
    const uuid = await pay();
    const before = await events.mark();
    const outcomes = await applyBoxEvents(ctx, shop.box.id, [
      message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 }),
      message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 }),
      message({ kind: 'transactionMessage', paymentUuid: uuid, terminalId: 'T1', text: 'PRESENT CARD' }),
      message(result(uuid, 'Approved', 1)),
    ]);
    expect(outcomes).toEqual(['applied', 'applied', 'recorded', 'applied']);
    const live = (await events.after(before)).filter((e) => e.topic === 'payment');
    expect(live).toHaveLength(1);
    expect(live[0]?.data).toMatchObject({ payment: { uuid, state: 'done' }, entry: { event: 'approved', fromState: 'waitingCard', toState: 'done' } });
    const session = till.sessionOfMethod.get(till.methodOfDevice.get(deviceId) ?? 0) ?? 0;
    const { pos_config_id: posId } = await ctx.db.selectFrom('pos_sessions').select('pos_config_id').where('id', '=', session).executeTakeFirstOrThrow();
    expect(live[0]?.posId).toBe(posId);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted', 'stage', 'message', 'approved']);
  });

  // Two connections at once: PGlite has one.
  if (backend === 'postgres') {
    /**
     * Applies `event` while another process holds the payment's lock and, meanwhile, writes the
     * same event's entry with `write`; returns the outcome here once the other one committed.
     */
    async function appliedMeanwhile(uuid: string, event: BoxEventMessage, write: (trx: Executor) => Promise<void>): Promise<BoxEventOutcome> {
      let lockHeld!: (pid: number) => void;
      const holder = new Promise<number>((resolve) => (lockHeld = resolve));
      let letGo!: () => void;
      const release = new Promise<void>((resolve) => (letGo = resolve));
      const other = ctx.db.transaction().execute(async (trx) => {
        await trx.selectFrom('payments').select('uuid').where('uuid', '=', uuid).forUpdate().execute();
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        lockHeld(rows[0]?.pid ?? 0);
        await release;
        await write(trx);
      });
      const pid = await holder;
      const mine = applyBoxEvent(ctx, shop.box.id, event);
      await vi.waitFor(
        async () => {
          const { rows } = await sql<{
            waiting: number;
          }>`select count(*)::integer as waiting from pg_stat_activity where ${pid}::integer = any(pg_blocking_pids(pid))`.execute(ctx.db);
          expect(rows[0]?.waiting).toBe(1);
        },
        { timeout: 10_000, interval: 20 },
      );
      letGo();
      await other;
      return mine;
    }

    it('takes an event as applied when another process applied it while this one waited for the payment', async () => {
      const uuid = await pay();
      const sent = message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 });
      const outcome = await appliedMeanwhile(uuid, sent, async (trx) => {
        await addHistory(trx, uuid, { at: new Date(), source: 'box', event: 'accepted', fromState: 'pending', toState: 'waiting', eventId: sent.id });
        await setPaymentState(trx, uuid, { state: 'waiting', at: new Date() });
      });
      expect(outcome).toBe('duplicate');
      expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted']);
      expect(await state(uuid)).toBe('waiting');
      // The terminal is free again for the tests that follow.
      expect(await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Declined')))).toBe('applied');
    });

    it('takes a history-only event as applied when another process wrote its entry meanwhile', async () => {
      const uuid = await pay();
      const text = message({ kind: 'transactionMessage', paymentUuid: uuid, terminalId: 'T1', text: 'PRESENT CARD' });
      const outcome = await appliedMeanwhile(uuid, text, async (trx) => {
        await addHistory(trx, uuid, {
          at: new Date(),
          source: 'box',
          event: 'message',
          fromState: 'pending',
          toState: 'pending',
          message: 'PRESENT CARD',
          eventId: text.id,
        });
      });
      expect(outcome).toBe('duplicate');
      expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'message']);
      expect(await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Declined')))).toBe('applied');
    });
  }

  it('moves a declined payment to retry and frees the terminal for a new uuid', async () => {
    const uuid = await pay();
    await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Declined')));
    expect(await state(uuid)).toBe('retry');
    const again = await pay();
    expect(await state(again)).toBe('pending');
    await applyBoxEvent(ctx, shop.box.id, message(result(again, 'Approved')));
    expect(await state(again)).toBe('done');
  });

  it('moves a payment the box refused to retry with the reason in its history', async () => {
    const uuid = await pay();
    await applyBoxEvent(
      ctx,
      shop.box.id,
      message({ kind: 'commandRefused', commandKind: 'startTransaction', paymentUuid: uuid, terminalId: 'T1', code: 'TERMINAL_BUSY', message: 'T1 is busy' }),
    );
    expect(await state(uuid)).toBe('retry');
    expect((await getHistory(ctx.db, uuid)).at(-1)?.message).toBe('TERMINAL_BUSY: T1 is busy');
  });

  it('records a cancel answer and lets the final result decide', async () => {
    const uuid = await pay();
    await applyBoxEvent(ctx, shop.box.id, message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 }));
    await ctx.db.updateTable('payments').set({ state: 'waitingCancel' }).where('uuid', '=', uuid).execute();
    expect(await applyBoxEvent(ctx, shop.box.id, message({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId: 'T1', accepted: true, resultCode: 0 }))).toBe(
      'recorded',
    );
    expect(await state(uuid)).toBe('waitingCancel');
    await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Stopped')));
    expect(await state(uuid)).toBe('retry');
  });

  it('marks a lost answer unknown and voids it when the terminal never ran it', async () => {
    const uuid = await pay();
    await applyBoxEvent(
      ctx,
      shop.box.id,
      message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 }),
    );
    await applyBoxEvent(ctx, shop.box.id, message({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId: 'T1', reason: 'box restarted' }));
    expect(await state(uuid)).toBe('unknown');
    await applyBoxEvent(
      ctx,
      shop.box.id,
      message({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'last transaction is another one' }),
    );
    expect(await state(uuid)).toBe('retry');
  });

  it('records and acknowledges an event about a payment it does not know, once', async () => {
    const stray = randomUUID();
    const event = message({ kind: 'transactionStage', paymentUuid: stray, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 });
    expect(await applyBoxEvent(ctx, shop.box.id, event)).toBe('unmatched');
    expect(await applyBoxEvent(ctx, shop.box.id, event)).toBe('duplicate');
    expect((await listUnmatchedEvents(ctx.db, shop.box.id)).filter((u) => u.paymentUuid === stray)).toHaveLength(1);
    expect(await getPayment(ctx.db, stray)).toBeNull();
  });

  it('keeps the newest device report when an older one arrives late', async () => {
    const now = Date.now();
    await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T7', { online: true, lastSeen: new Date(now).toISOString() }) }));
    expect(
      await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T7', { online: false, lastSeen: new Date(now - 5000).toISOString() }) })),
    ).toBe('recorded');
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T7'))?.online).toBe(true);
    await applyBoxEvent(
      ctx,
      shop.box.id,
      message({ kind: 'device', device: report('T7', { online: false, model: 'unknown', lastSeen: new Date(now + 1000).toISOString() }) }),
    );
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T7')).toMatchObject({ online: false, model: 'Lane/5000' });
  });

  it('writes nothing for a report that only moves last-seen by less than the precision kept, and writes it after', async () => {
    const start = Date.now();
    const at = (ms: number): string => new Date(start + ms).toISOString();
    expect(await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T8', { lastSeen: at(0) }) }))).toBe('applied');
    const before = await events.mark();
    expect(await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T8', { state: 'inTransaction', lastSeen: at(1000) }) }))).toBe(
      'recorded',
    );
    expect(
      await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T8', { state: 'idle', lastSeen: at(DEVICE_LAST_SEEN_PRECISION_MS) }) })),
    ).toBe('recorded');
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T8'))?.lastSeenAt?.toISOString()).toBe(at(0));
    expect(await events.after(before)).toEqual([]);
    expect(await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T8', { lastSeen: at(DEVICE_LAST_SEEN_PRECISION_MS + 1) }) }))).toBe(
      'applied',
    );
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T8'))?.lastSeenAt?.toISOString()).toBe(at(DEVICE_LAST_SEEN_PRECISION_MS + 1));
    expect((await events.after(before)).map((e) => e.topic)).toEqual(['device']);
  });

  it('writes a report that changes what the server keeps at once, however close to the last one', async () => {
    const start = Date.now();
    await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T9', { lastSeen: new Date(start).toISOString() }) }));
    const before = await events.mark();
    expect(
      await applyBoxEvent(ctx, shop.box.id, message({ kind: 'device', device: report('T9', { online: false, lastSeen: new Date(start + 10).toISOString() }) })),
    ).toBe('applied');
    expect(
      await applyBoxEvent(
        ctx,
        shop.box.id,
        message({ kind: 'device', device: report('T9', { model: 'desk5000', online: false, lastSeen: new Date(start + 20).toISOString() }) }),
      ),
    ).toBe('applied');
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T9')).toMatchObject({ online: false, model: 'Desk/5000' });
    expect((await events.after(before)).map((e) => (e.data as { device: { online: boolean } }).device.online)).toEqual([false, false]);
  });

  it('keeps the newest report per terminal of a batch, whatever their order, with one write and one live event', async () => {
    const start = Date.now();
    const at = (ms: number): string => new Date(start + ms).toISOString();
    const before = await events.mark();
    const outcomes = await applyBoxEvents(ctx, shop.box.id, [
      message({ kind: 'device', device: report('T10', { online: true, lastSeen: at(0) }) }),
      message({ kind: 'device', device: report('T10', { online: false, lastSeen: at(2000) }) }),
      message({ kind: 'device', device: report('T11', { lastSeen: at(0) }) }),
      message({ kind: 'device', device: report('T10', { online: true, lastSeen: at(1000) }) }),
    ]);
    expect(outcomes).toEqual(['recorded', 'applied', 'applied', 'recorded']);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T10')).toMatchObject({ online: false });
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T10'))?.lastSeenAt?.toISOString()).toBe(at(2000));
    const live = await events.after(before);
    expect(live.map((e) => (e.data as { device: { terminalId: string; online: boolean } }).device)).toMatchObject([
      { terminalId: 'T10', online: false },
      { terminalId: 'T11', online: true },
    ]);
  });

  it('applies the payment events of a batch that also holds device reports the quick way, each outcome in its place', async () => {
    const known = new KnownPayments();
    const uuid = await pay();
    const batch = [
      message({ kind: 'device', device: report('T12') }),
      message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 }),
      message({ kind: 'device', device: report('T13', { online: false }) }),
      message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 }),
    ];
    expect(await applyBoxEvents(ctx, shop.box.id, batch, known)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(await state(uuid)).toBe('waitingCard');
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T12')).toMatchObject({ online: true });
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T13')).toMatchObject({ online: false });
    // Written without locks: the payment is remembered as that write left it (the locking way forgets it).
    expect(known.recall([uuid])?.payments.get(uuid)?.state).toBe('waitingCard');
    expect(await applyBoxEvents(ctx, shop.box.id, batch, known)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted', 'stage']);
    expect(await applyBoxEvents(ctx, shop.box.id, [message(result(uuid, 'Approved'))], known)).toEqual(['applied']);
  });

  it('writes the next events of a payment it remembers as its last write left it, in order', async () => {
    const known = new KnownPayments();
    const uuid = await pay();
    const sent = message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 });
    expect(await applyBoxEvents(ctx, shop.box.id, [sent], known)).toEqual(['applied']);
    expect(known.recall([uuid])?.payments.get(uuid)?.state).toBe('waiting');
    const stage = message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 });
    const text = message({ kind: 'transactionMessage', paymentUuid: uuid, terminalId: 'T1', text: 'PRESENT CARD' });
    expect(await applyBoxEvents(ctx, shop.box.id, [stage, text], known)).toEqual(['applied', 'recorded']);
    expect(await state(uuid)).toBe('waitingCard');
    expect(await applyBoxEvents(ctx, shop.box.id, [message(result(uuid, 'Approved', 2))], known)).toEqual(['applied']);
    expect(await state(uuid)).toBe('done');
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted', 'stage', 'message', 'approved']);
    expect(await getTickets(ctx.db, uuid)).toHaveLength(2);
    // A settled payment has no more events to expect: it is not kept.
    expect(known.size).toBe(0);
  });

  it('applies what the database holds when a remembered payment was changed by anything else', async () => {
    const known = new KnownPayments();
    const uuid = await pay();
    await applyBoxEvents(
      ctx,
      shop.box.id,
      [message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 })],
      known,
    );
    // A cashier forces it done meanwhile: the remembered row (waiting) is out of date.
    await setPaymentState(ctx.db, uuid, { state: 'forceDone', at: new Date(), settledBy: shop.userId, settleReason: 'paid by other means' });
    const outcomes = await applyBoxEvents(
      ctx,
      shop.box.id,
      [message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 })],
      known,
    );
    expect(outcomes).toEqual(['recorded']);
    expect(await state(uuid)).toBe('forceDone');
    expect((await getHistory(ctx.db, uuid)).at(-1)).toMatchObject({ event: 'stage', fromState: 'forceDone', toState: 'forceDone' });
    expect(known.size).toBe(0);
  });

  it('tells an event already applied from a new one for a remembered payment', async () => {
    const known = new KnownPayments();
    const uuid = await pay();
    const sent = message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 });
    await applyBoxEvents(ctx, shop.box.id, [sent], known);
    const stage = message({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 });
    expect(await applyBoxEvents(ctx, shop.box.id, [sent, stage], known)).toEqual(['duplicate', 'applied']);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted', 'stage']);
    expect(await state(uuid)).toBe('waitingCard');
    expect(await applyBoxEvents(ctx, shop.box.id, [message(result(uuid, 'Approved'))], known)).toEqual(['applied']);
  });

  it('takes a box offline with its devices and running payments only while this process holds it', async () => {
    const uuid = await pay();
    await applyBoxEvent(
      ctx,
      shop.box.id,
      message({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1250 }),
    );
    const other = serviceContext(database, { serverId: 'server-b' });
    expect(await boxDisconnected(other, shop.box.id)).toBe(false);
    expect((await getBox(ctx.db, shop.box.id))?.online).toBe(true);
    expect(await boxDisconnected(ctx, shop.box.id)).toBe(true);
    expect((await getBox(ctx.db, shop.box.id))?.online).toBe(false);
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.online).toBe(false);
    expect(await state(uuid)).toBe('unknown');
    expect((await getHistory(ctx.db, uuid)).at(-1)).toMatchObject({ source: 'server', event: 'lost' });
    await boxConnected(ctx, shop.box.id, hello([report('T1')]));
    await applyBoxEvent(ctx, shop.box.id, message(result(uuid, 'Approved')));
    expect(await state(uuid)).toBe('done');
  });
});
