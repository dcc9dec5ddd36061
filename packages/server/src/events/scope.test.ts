import { describe, expect, it } from 'vitest';
import type { StreamScope } from '../repos/events.js';
import { parseAnnouncement } from './announcement.js';
import { eventKeys, follows, streamKeys } from './scope.js';

const ALL: StreamScope = { kind: 'all' };
const COUNTER: StreamScope = { kind: 'tills', posIds: [1], deviceIds: [7] };
const payment = (posId: number | null) => ({ audience: 'cashier' as const, posId, deviceId: null });
const device = (deviceId: number) => ({ audience: 'cashier' as const, posId: null, deviceId });
const box = { audience: 'admin' as const, posId: null, deviceId: null };

describe('stream scopes', () => {
  it('gives a till stream the payments and orders of its POS and the events of its devices only', () => {
    expect(follows('cashier', COUNTER, payment(1))).toBe(true);
    expect(follows('cashier', COUNTER, payment(2))).toBe(false);
    expect(follows('cashier', COUNTER, payment(null))).toBe(false);
    expect(follows('cashier', COUNTER, device(7))).toBe(true);
    expect(follows('cashier', COUNTER, device(8))).toBe(false);
  });

  it('gives a stream that follows everything every event its role may see', () => {
    expect(follows('manager', ALL, payment(2))).toBe(true);
    expect(follows('manager', ALL, device(8))).toBe(true);
    expect(follows('manager', ALL, box)).toBe(false);
    expect(follows('admin', ALL, box)).toBe(true);
    expect(follows('admin', COUNTER, box)).toBe(false);
  });

  it('indexes a stream under one key per followed POS or device and audience', () => {
    expect(streamKeys('admin', COUNTER)).toEqual(['admin:pos:1', 'admin:device:7', 'cashier:pos:1', 'cashier:device:7']);
    expect(streamKeys('cashier', ALL)).toEqual(['cashier:*']);
    expect(eventKeys(payment(3))).toEqual(['cashier:*', 'cashier:pos:3']);
  });
});

describe('event announcements', () => {
  it('reads the scope an announcement carries, and refuses one that is not an id', () => {
    const event = { at: '2026-03-14T10:21:05.120Z', topic: 'payment', audience: 'cashier', posId: 3, deviceId: null, data: {} };
    expect(parseAnnouncement(JSON.stringify(event))).toEqual({ kind: 'full', event });
    expect(parseAnnouncement(JSON.stringify({ ...event, posId: undefined }))).toEqual({ kind: 'full', event: { ...event, posId: null } });
    expect(parseAnnouncement(JSON.stringify({ ...event, posId: 'three' }))).toBeNull();
    expect(parseAnnouncement('{"id":5}')).toEqual({ kind: 'stored', id: 5 });
    expect(parseAnnouncement('{"id":"5"}')).toBeNull();
    expect(parseAnnouncement('[5]')).toBeNull();
  });
});
