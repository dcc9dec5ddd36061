import type { Device, LiveEvent, LiveEventData, Order, PaymentDetail } from '@kassa/contract';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { applyLiveEvent, isWellFormed, showDevice } from './liveCache.js';
import { queryKeys } from './queryKeys.js';
import { ORDER_ID, PAYMENT_UUID, payment as paymentFixture } from '../test-support/payments.js';

const at = '2026-01-01T10:00:00.000Z';
const uuid = PAYMENT_UUID;
const orderId = ORDER_ID;
const payment = paymentFixture('waitingCard', at);
const detail: PaymentDetail = { payment, history: [], tickets: [] };
const order = { id: orderId, sessionId: 1, state: 'draft', payments: [], lines: [], totalCents: 980 } as unknown as Order;
const device = (id: number, extra: Partial<Device> = {}): Device => ({
  id,
  boxId: 'box-1',
  terminalId: `T${id}`,
  type: 'payment',
  make: 'Ingenico',
  model: 'Lane/5000',
  online: true,
  lastSeenAt: at,
  removed: false,
  approval: 'approved',
  serialNumber: null,
  address: null,
  approvedSerialNumber: null,
  approvedAddress: null,
  approvedAt: null,
  sharedWith: [],
  alerts: [],
  ...extra,
});
// A live event as the stream carries it; the tests give each topic its data.
const event = <T extends LiveEvent['topic']>(topic: T, data: LiveEventData<T>): LiveEvent => ({ id: 1, at, topic, data }) as LiveEvent;

/** A cache holding `entries`, each as read a moment ago. */
function cacheWith(entries: [readonly unknown[], unknown][]): QueryClient {
  const client = new QueryClient();
  for (const [key, data] of entries) client.setQueryData(key, data);
  return client;
}
const invalidated = (client: QueryClient, key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;

describe('applyLiveEvent', () => {
  it('writes a payment event’s state into the payment, and marks its history, its order, its receipt and the lists out of date', () => {
    const list = queryKeys.orders.list({ state: 'draft' });
    const other = queryKeys.orders.detail('00000000-0000-4000-8000-000000000000');
    const client = cacheWith([
      [queryKeys.payments.detail(uuid), detail],
      [queryKeys.orders.detail(orderId), order],
      [queryKeys.orders.receipt(orderId), {}],
      [list, { items: [] }],
      [other, order],
    ]);
    applyLiveEvent(client, event('payment', { payment: { ...payment, state: 'done' } }));
    expect(client.getQueryData<PaymentDetail>(queryKeys.payments.detail(uuid))?.payment.state).toBe('done');
    expect(invalidated(client, queryKeys.payments.detail(uuid))).toBe(true);
    expect(invalidated(client, queryKeys.orders.detail(orderId))).toBe(true);
    expect(invalidated(client, queryKeys.orders.receipt(orderId))).toBe(true);
    expect(invalidated(client, list)).toBe(true);
    expect(invalidated(client, other)).toBe(false);
  });

  it('writes an order event’s order where it is held, and marks the order lists out of date', () => {
    const list = queryKeys.orders.list({ state: 'draft' });
    const unseen = '00000000-0000-4000-8000-000000000000';
    const client = cacheWith([
      [list, { items: [] }],
      [queryKeys.orders.detail(orderId), order],
    ]);
    applyLiveEvent(client, event('order', { order: { ...order, state: 'paid' } }));
    applyLiveEvent(client, event('order', { order: { ...order, id: unseen } }));
    expect(client.getQueryData<Order>(queryKeys.orders.detail(orderId))?.state).toBe('paid');
    expect(client.getQueryData(queryKeys.orders.detail(unseen))).toBeUndefined();
    expect(invalidated(client, list)).toBe(true);
  });

  it('keeps the devices list as the events tell it: a device replaced, joining, then leaving once removed', () => {
    const client = cacheWith([
      [queryKeys.devices, [device(1), device(2)]],
      [queryKeys.boxes, []],
    ]);
    applyLiveEvent(client, event('device', { device: device(1, { online: false }) }));
    applyLiveEvent(client, event('device', { device: device(3) }));
    applyLiveEvent(client, event('device', { device: device(2, { removed: true }) }));
    expect(client.getQueryData<Device[]>(queryKeys.devices)?.map((d) => [d.id, d.online])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(invalidated(client, queryKeys.devices)).toBe(false);
    expect(invalidated(client, queryKeys.boxes)).toBe(true);
  });
});

describe('showDevice', () => {
  it('does not start a devices list that was never read', () => {
    const client = new QueryClient();
    showDevice(client, device(1));
    expect(client.getQueryData(queryKeys.devices)).toBeUndefined();
  });
});

describe('isWellFormed', () => {
  const raw = (topic: LiveEvent['topic'], data: unknown): LiveEvent => ({ id: 2, at, topic, data }) as LiveEvent;

  it('takes the events the server sends', () => {
    expect(isWellFormed(event('payment', { payment }))).toBe(true);
    expect(isWellFormed(event('order', { order }))).toBe(true);
    expect(isWellFormed(event('device', { device: device(1) }))).toBe(true);
    expect(isWellFormed(raw('box', { box: { id: 'box-1' } }))).toBe(true);
  });

  it('refuses data that is not what its topic says, so the screen re-reads instead of showing it', () => {
    expect(isWellFormed(raw('payment', null))).toBe(false);
    expect(isWellFormed(raw('payment', { payment: { ...payment, state: undefined } }))).toBe(false);
    expect(isWellFormed(raw('payment', { payment: { ...payment, amountCents: '980' } }))).toBe(false);
    expect(isWellFormed(raw('payment', { order }))).toBe(false);
    expect(isWellFormed(raw('order', { order: { ...order, payments: null } }))).toBe(false);
    expect(isWellFormed(raw('order', [order]))).toBe(false);
    expect(isWellFormed(raw('device', { device: { ...device(1), id: '1' } }))).toBe(false);
  });
});
