import { describe, expect, it } from 'vitest';
import { eventKey, FrameReader, StreamIsolation, TillMap } from './stream-check.js';

function tills(): TillMap {
  const map = new TillMap();
  map.addSession(11, 1);
  map.addSession(22, 2);
  map.addOrder('order-1', 1);
  map.addOrder('order-2', 2);
  map.addDevice(7, 1);
  return map;
}

const payment = (orderId: string, entry?: string) => ({
  id: 1,
  topic: 'payment',
  data: { payment: { uuid: 'p-1', orderId, state: 'pending' }, ...(entry === undefined ? {} : { entry: { event: entry } }) },
});
const order = (id: string, sessionId: number) => ({ id: 2, topic: 'order', data: { order: { id, sessionId, state: 'paid' } } });

describe('the streams bench: one stream’s isolation', () => {
  it('takes the events of its own till', () => {
    const check = new StreamIsolation(1, tills());
    expect(check.check(payment('order-1'))).toBe(true);
    expect(check.check(order('order-1', 11))).toBe(true);
    expect(check.check({ id: 3, topic: 'device', data: { device: { id: 7 } } })).toBe(true);
    expect([check.own, check.foreign]).toEqual([3, 0]);
  });

  it('refuses and counts another till’s payment, order or device', () => {
    const check = new StreamIsolation(2, tills());
    expect(check.check(payment('order-1'))).toBe(false);
    expect(check.check(order('order-1', 11))).toBe(false);
    expect(check.check({ id: 3, topic: 'device', data: { device: { id: 7 } } })).toBe(false);
    expect(check.foreign).toBe(3);
    expect(check.samples[0]).toContain('POS 2 received payment event 1 of [1]');
  });

  it('refuses an order whose session is another till’s even if its id is known as its own', () => {
    expect(new StreamIsolation(2, tills()).check(order('order-2', 11))).toBe(false);
  });

  it('refuses what it cannot place: an unknown order, a box event', () => {
    const check = new StreamIsolation(1, tills());
    expect(check.check(payment('order-unknown'))).toBe(false);
    expect(check.check({ id: 4, topic: 'box', data: { box: { id: 'b' } } })).toBe(false);
    expect(check.foreign).toBe(2);
  });
});

describe('the streams bench: reading frames', () => {
  it('cuts events out of chunks split anywhere, counting every byte', () => {
    const event = { id: 5, at: '2026-12-06T00:00:00.000Z', topic: 'order', data: { order: { id: 'order-1', sessionId: 11, state: 'paid' } } };
    const text = `retry: 2000\n\n: keep-alive\n\nid: 5\nevent: order\ndata: ${JSON.stringify(event)}\n\n`;
    const bytes = Buffer.from(text.replace('order-1', 'örder-1'));
    const reader = new FrameReader();
    const events = [...reader.push(bytes.subarray(0, 60)), ...reader.push(bytes.subarray(60, 61)), ...reader.push(bytes.subarray(61))];
    expect(events).toEqual([{ ...event, data: { order: { ...event.data.order, id: 'örder-1' } } }]);
    expect(reader.bytes).toBe(bytes.length);
  });

  it('names each written event by what it announces', () => {
    expect(eventKey(payment('order-1'))).toBe('payment:p-1:requested');
    expect(eventKey(payment('order-1', 'approved'))).toBe('payment:p-1:approved');
    expect(eventKey(order('order-1', 11))).toBe('order:order-1:paid');
    expect(eventKey({ topic: 'box', data: {} })).toBeNull();
  });
});
