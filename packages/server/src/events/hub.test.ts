import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { NotificationHandler } from '../db/notifications.js';
import { EVENTS_CHANNEL } from '../repos/events.js';
import type { ServiceContext } from '../services/context.js';
import { LiveEventHub } from './hub.js';

/** A hub on a bus the test speaks on itself: each call of `announce` is one event heard. */
async function hubOnTestBus(keep: number) {
  const handlers = new Map<string, NotificationHandler>();
  const bus = { prefix: '', listen: async (channel: string, handler: NotificationHandler) => void handlers.set(channel, handler), close: async () => {} };
  // The hub reaches the database only to prune stored events, which this test has none of.
  const ctx = { database: { bus }, db: null, now: () => new Date() } as unknown as ServiceContext;
  const hub = new LiveEventHub(ctx, pino({ level: 'silent' }), { keep, retentionMs: 60_000, pruneEveryMs: 60_000 });
  await hub.start();
  const announce = (posId: number): void =>
    handlers.get(EVENTS_CHANNEL)?.(JSON.stringify({ at: new Date(0).toISOString(), topic: 'order', audience: 'cashier', posId, deviceId: null, data: {} }));
  return { hub, announce };
}

describe('the live event hub', () => {
  it('numbers events one after another from its start and resumes from any it still keeps, within the limit', async () => {
    const { hub, announce } = await hubOnTestBus(3);
    const first = hub.latestId + 1;
    expect(first).toBeGreaterThan(Date.now() * 1000 - 60_000_000);
    for (let posId = 1; posId <= 7; posId++) announce(posId);
    await vi.waitFor(() => expect(hub.latestId).toBe(first + 6));
    const all = () => true;
    const ids = (after: number) => {
      const resumed = hub.resume(after, all, 10);
      return resumed.kind === 'events' ? resumed.events.map((kept) => kept.event.id) : resumed.reason;
    };
    expect(ids(first + 3)).toEqual([first + 4, first + 5, first + 6]);
    expect(ids(first + 6)).toEqual([]);
    expect(ids(first - 1)).toBe('events older than this server process keeps were missed');
    expect(ids(first + 7)).toBe('the id is not one this server process gave');
    expect(ids(1)).toBe('the id is from before this server process started');
    const ofPos = hub.resume(first + 3, (event) => event.posId === 6, 10);
    expect(ofPos.kind === 'events' ? ofPos.events.map((kept) => [kept.event.id, kept.event.posId]) : ofPos).toEqual([[first + 5, 6]]);
    expect(hub.resume(first + 3, all, 2)).toEqual({ kind: 'reset', reason: 'too many missed events' });
    hub.stop();
  });

  it('resumes a stream of a process that heard nothing yet only from its own start', async () => {
    const { hub } = await hubOnTestBus(3);
    expect(hub.resume(hub.latestId, () => true, 10)).toEqual({ kind: 'events', events: [] });
    expect(hub.resume(hub.latestId - 1, () => true, 10)).toEqual({ kind: 'reset', reason: 'the id is from before this server process started' });
    hub.stop();
  });
});
