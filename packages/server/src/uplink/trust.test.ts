import { randomUUID } from 'node:crypto';
import type { BoxEvent, BoxEventMessage, DeviceReport, ServerToBox } from '@kassa/contract';
import { transactionIdFromUuid } from '@kassa/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop, ShopTill } from '../bench/shop.js';
import { newOrder, openTills, serviceContext, setUpShop } from '../bench/shop.js';
import { findDeviceOfBox } from '../repos/devices.js';
import { getHistory, getPayment, getTickets } from '../repos/payments.js';
import { pairBox } from '../services/boxes.js';
import type { ServiceContext } from '../services/context.js';
import { actOnPayment, requestPayment } from '../services/payments.js';
import { requireOrder, validateOrder } from '../services/sales.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { FakeBox } from '../test-support/fake-box.js';
import type { UplinkServer } from './uplink-server.js';
import { startUplinkServer } from './uplink-server.js';

// Opening an embedded database or starting a box can take long on a loaded machine; waits stay bounded.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });
const PRICE = 301;

function device(terminalId: string): DeviceReport {
  return { terminalId, model: 'desk5000', serialNumber: 'SN1', address: '10.0.0.5', online: true, lastSeen: new Date().toISOString(), state: 'idle' };
}

/** The payment's own transaction: the one a box derives from its UUID and reports sending. */
const txOf = (paymentUuid: string): string => transactionIdFromUuid(paymentUuid).toString();

let sequence = 0;
function event(body: BoxEvent): BoxEventMessage {
  return { type: 'event', id: `trust-${++sequence}`, at: new Date().toISOString(), event: body };
}

function result(paymentUuid: string, change: Partial<Extract<BoxEvent, { kind: 'transactionResult' }>> = {}): BoxEvent {
  return {
    kind: 'transactionResult',
    paymentUuid,
    terminalId: 'T1',
    transactionId: txOf(paymentUuid),
    result: 'Approved',
    resultId: 0,
    amountCents: PRICE,
    authorisationCode: 'A1',
    cardBrand: 'Visa',
    tickets: [{ type: 2, header: null, text: 'CARDHOLDER COPY', footer: null }],
    recovered: false,
    ...change,
  };
}

const acked = (box: FakeBox, id: string) => (m: ServerToBox) => m.type === 'ack' && m.ids.includes(id);

/**
 * What a box (with a valid token) says about a payment is believed only when it names the terminal
 * the server sent the payment to, the transaction the box reported sending, and, for an approval,
 * the amount asked for. Each of these failed on the code before these rules: a forged result settled
 * the payment.
 */
describe.each(BACKENDS)('the uplink believes a box only about what it asked, on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let till: ShopTill;
  let deviceId: number;
  let server: UplinkServer;
  let box: FakeBox;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = serviceContext(database, { serverId: 'trust' });
    shop = await setUpShop(ctx, { priceCents: PRICE });
    server = await startUplinkServer(ctx, { helloTimeoutMs: 5000 });
    box = await FakeBox.connect(server.url, shop.box.token);
    await box.hello([device('T1'), device('T2')]);
    deviceId = (await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.id ?? 0;
    till = await openTills(ctx, shop, [deviceId]);
  });
  afterEach(async () => {
    // Every test leaves the terminal free: a payment it left running is declined by the real terminal.
    const running = await ctx.db
      .selectFrom('payments')
      .select(['uuid', 'transaction_id'])
      .where('device_id', '=', deviceId)
      .where('state', 'in', ['pending', 'waiting', 'waitingCard', 'waitingCancel'])
      .execute();
    for (const p of running) await send(event(result(p.uuid, { transactionId: txOf(p.uuid), result: 'Declined', amountCents: null, tickets: [] })));
  });
  afterAll(async () => {
    await box.close();
    await server.close();
    await database.close();
  });

  async function send(message: BoxEventMessage, on = box): Promise<void> {
    on.send(message);
    await on.waitFor(acked(on, message.id));
  }

  async function pay(): Promise<{ uuid: string; orderId: string }> {
    const methodId = till.methodOfDevice.get(deviceId) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0);
    const uuid = randomUUID();
    await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodId, amountCents: PRICE }, shop.userId);
    return { uuid, orderId };
  }

  async function sent(uuid: string, transactionId = txOf(uuid)): Promise<void> {
    await send(event({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId, amountCents: PRICE }));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting');
  }

  async function lastEntry(uuid: string) {
    return (await getHistory(ctx.db, uuid)).at(-1);
  }

  it('refuses an approval of 1 cent naming another terminal for a 301-cent payment, and the order stays unpaid', async () => {
    const { uuid, orderId } = await pay();
    await send(event(result(uuid, { terminalId: 'NOT-THE-TERMINAL', amountCents: 1 })));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('pending');
    expect(await lastEntry(uuid)).toMatchObject({
      source: 'box',
      event: 'untrusted',
      fromState: 'pending',
      toState: 'pending',
      data: { refused: 'OTHER_TERMINAL' },
    });
    expect((await lastEntry(uuid))?.message).toContain('NOT-THE-TERMINAL');
    expect(await getTickets(ctx.db, uuid)).toEqual([]);
    await expect(validateOrder(ctx, orderId)).rejects.toMatchObject({ code: 'KASSA_PAYMENT_IN_PROGRESS' });
    expect((await requireOrder(ctx.db, orderId)).state).toBe('draft');
  });

  it('refuses a result for another transaction than the one the box reported sending', async () => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event(result(uuid, { transactionId: '9999' })));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', data: { refused: 'OTHER_TRANSACTION' } });
    // The real answer still settles it.
    await send(event(result(uuid)));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('done');
    expect((await getPayment(ctx.db, uuid))?.transactionId).toBe(txOf(uuid));
  });

  it('refuses a second report of sending another transaction or another amount', async () => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: '7002', amountCents: PRICE }));
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', data: { refused: 'OTHER_TRANSACTION' } });
    await send(event({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId: txOf(uuid), amountCents: 1 }));
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', data: { refused: 'OTHER_AMOUNT' } });
    expect((await getPayment(ctx.db, uuid))?.transactionId).toBe(txOf(uuid));
  });

  it.each<[string, (uuid: string) => BoxEvent]>([
    ['a stage', (uuid) => ({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T2', stage: 'WaitingForCard', stageId: 1, transactionId: txOf(uuid) })],
    ['a cancel answer', (uuid) => ({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId: 'T2', accepted: false, resultCode: 1, transactionId: txOf(uuid) })],
    ['an unknown', (uuid) => ({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId: 'T2', reason: 'forged', transactionId: txOf(uuid) })],
    ['a not-run', (uuid) => ({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T2', reason: 'forged', transactionId: txOf(uuid) })],
    [
      'a refusal',
      (uuid) => ({ kind: 'commandRefused', commandKind: 'startTransaction', paymentUuid: uuid, terminalId: 'T2', code: 'TERMINAL_BUSY', message: 'forged' }),
    ],
  ])('refuses %s naming another terminal of the same box and changes nothing', async (_name, forged) => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event(forged(uuid)));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', toState: 'waiting', data: { refused: 'OTHER_TERMINAL' } });
  });

  it.each<[string, (uuid: string) => BoxEvent]>([
    ['a stage', (uuid) => ({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1, transactionId: '9999' })],
    ['a cancel answer', (uuid) => ({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId: 'T1', accepted: false, resultCode: 1, transactionId: '9999' })],
    ['an unknown', (uuid) => ({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId: 'T1', reason: 'forged', transactionId: '9999' })],
    ['a not-run', (uuid) => ({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'forged', transactionId: '9999' })],
  ])('refuses %s naming another transaction than the one sent, and changes nothing', async (_name, forged) => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event(forged(uuid)));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', toState: 'waiting', data: { refused: 'OTHER_TRANSACTION' } });
  });

  it.each<[string, (uuid: string) => BoxEvent]>([
    ['a stage', (uuid) => ({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1 })],
    ['a message', (uuid) => ({ kind: 'transactionMessage', paymentUuid: uuid, terminalId: 'T1', text: 'forged' })],
    ['a cancel answer', (uuid) => ({ kind: 'cancelAnswer', paymentUuid: uuid, terminalId: 'T1', accepted: true, resultCode: 0 })],
    ['an unknown', (uuid) => ({ kind: 'transactionUnknown', paymentUuid: uuid, terminalId: 'T1', reason: 'forged' })],
    ['a not-run', (uuid) => ({ kind: 'transactionNotRun', paymentUuid: uuid, terminalId: 'T1', reason: 'forged' })],
  ])('refuses %s that leaves out the transaction once the box reported sending it, and changes nothing', async (_name, forged) => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event(forged(uuid)));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', toState: 'waiting', data: { refused: 'NO_TRANSACTION' } });
  });

  it('refuses a result naming another transaction than the payment’s own even before the box reported sending it', async () => {
    const { uuid, orderId } = await pay();
    await send(event(result(uuid, { transactionId: '4242' })));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('pending');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'untrusted', toState: 'pending', data: { refused: 'OTHER_TRANSACTION' } });
    expect(await getTickets(ctx.db, uuid)).toEqual([]);
    await expect(validateOrder(ctx, orderId)).rejects.toMatchObject({ code: 'KASSA_PAYMENT_IN_PROGRESS' });
  });

  it('takes a stage naming the transaction sent', async () => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1, transactionId: txOf(uuid) }));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waitingCard');
  });

  it('refuses results for the payments of another box', async () => {
    const { uuid } = await pay();
    const other = await pairBox(ctx, 'Other box');
    const intruder = await FakeBox.connect(server.url, other.token);
    try {
      await intruder.hello([device('T9')]);
      await send(event(result(uuid)), intruder);
      expect((await getPayment(ctx.db, uuid))?.state).toBe('pending');
    } finally {
      await intruder.close();
    }
  });

  it('puts an approval of another amount in mismatch: neither paid nor void, the order cannot validate, a person settles it', async () => {
    const { uuid, orderId } = await pay();
    await sent(uuid);
    await send(event(result(uuid, { amountCents: 1 })));
    const payment = await getPayment(ctx.db, uuid);
    expect(payment?.state).toBe('mismatch');
    expect(await lastEntry(uuid)).toMatchObject({ event: 'approvedOtherAmount', toState: 'mismatch', data: { amountCents: 1 } });
    // The terminal is done with it: later results change nothing, and the terminal takes the next payment.
    await send(event(result(uuid)));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('mismatch');
    await expect(validateOrder(ctx, orderId)).rejects.toMatchObject({ code: 'KASSA_PAYMENT_IN_PROGRESS' });
    await expect(actOnPayment(ctx, uuid, { event: 'cancel', userId: shop.userId })).rejects.toMatchObject({ code: 'KASSA_PAYMENT_STATE' });
    const settled = await actOnPayment(ctx, uuid, {
      event: 'markFailed',
      userId: shop.userId,
      reason: 'refunded the 1 cent on the terminal',
      override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
    });
    expect(settled).toMatchObject({ state: 'failed', settleReason: 'refunded the 1 cent on the terminal' });
  });

  it('settles a mismatch as paid by hand at the amount the terminal approved: the order stays due the rest', async () => {
    const { uuid, orderId } = await pay();
    await sent(uuid);
    await send(event(result(uuid, { amountCents: 300 })));
    expect((await getPayment(ctx.db, uuid))?.state).toBe('mismatch');
    const override = { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' };
    const settled = await actOnPayment(ctx, uuid, { event: 'forceDone', userId: shop.userId, reason: 'the terminal took 3.00', override });
    expect(settled).toMatchObject({ state: 'forceDone', amountCents: 300 });
    expect(await lastEntry(uuid)).toMatchObject({ event: 'forceDone', data: { requestedCents: PRICE, countedCents: 300 } });
    // Never on the requested amount: one cent is still due.
    await expect(validateOrder(ctx, orderId)).rejects.toMatchObject({ code: 'KASSA_ORDER_UNPAID', details: { paidCents: 300, totalCents: PRICE } });
  });

  it('refuses to count as paid an approval beyond what the order is due', async () => {
    const { uuid } = await pay();
    await sent(uuid);
    await send(event(result(uuid, { amountCents: PRICE + 100 })));
    const override = { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' };
    await expect(actOnPayment(ctx, uuid, { event: 'forceDone', userId: shop.userId, reason: 'r', override })).rejects.toMatchObject({
      code: 'KASSA_AMOUNT_EXCEEDS_DUE',
      details: { amountCents: PRICE + 100, dueCents: PRICE },
    });
    expect((await getPayment(ctx.db, uuid))?.state).toBe('mismatch');
    // Given back on the terminal by hand, it is marked failed.
    expect(await actOnPayment(ctx, uuid, { event: 'markFailed', userId: shop.userId, reason: 'refunded on the terminal', override })).toMatchObject({
      state: 'failed',
    });
  });
});
