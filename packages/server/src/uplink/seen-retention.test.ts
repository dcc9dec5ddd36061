import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceContext } from '../bench/shop.js';
import type { ServiceContext } from '../services/context.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { markBoxEventsSeen } from '../test-support/repos.js';
import { startSeenRetention } from './seen-retention.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-11-25T12:00:00.000Z');

describe.each(BACKENDS)('box event id retention on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = serviceContext(database, { now: () => NOW });
  });
  afterAll(async () => {
    await database.close();
  });

  async function seen(boxId: string, ids: string[], daysAgo: number): Promise<void> {
    await ctx.db
      .insertInto('box_events_seen')
      .values(ids.map((id) => ({ box_id: boxId, event_id: id, at: new Date(NOW.getTime() - daysAgo * DAY) })))
      .execute();
  }

  const left = async (boxId: string): Promise<string[]> =>
    (await ctx.db.selectFrom('box_events_seen').select('event_id').where('box_id', '=', boxId).orderBy('event_id').execute()).map((r) => r.event_id);

  it('deletes the ids older than the window in batches and keeps the others, however often it runs', async () => {
    await seen('box-r1', ['old-1', 'old-2', 'old-3', 'old-4', 'old-5'], 31);
    await seen('box-r1', ['recent-1', 'recent-2'], 29);
    const retention = startSeenRetention(ctx, pino({ level: 'silent' }), { retentionMs: 30 * DAY, everyMs: 60_000, batchSize: 2 });
    try {
      expect(await retention.prune()).toBe(5);
      expect(await left('box-r1')).toEqual(['recent-1', 'recent-2']);
      expect(await retention.prune()).toBe(0);
      expect(await left('box-r1')).toEqual(['recent-1', 'recent-2']);
    } finally {
      await retention.stop();
    }
  });

  it('lets several processes prune at once: each old id goes once and nothing fails', async () => {
    await seen(
      'box-r2',
      Array.from({ length: 40 }, (_, i) => `old-${String(i).padStart(2, '0')}`),
      40,
    );
    await seen('box-r2', ['recent'], 1);
    const options = { retentionMs: 30 * DAY, everyMs: 60_000, batchSize: 3 };
    const processes = [startSeenRetention(ctx, pino({ level: 'silent' }), options), startSeenRetention(ctx, pino({ level: 'silent' }), options)];
    try {
      const deleted = await Promise.all(processes.map((p) => p.prune()));
      expect(deleted.reduce((a, b) => a + b, 0)).toBe(40);
      expect(await left('box-r2')).toEqual(['recent']);
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
  });

  it('prunes unmatched box events with the same window, keeping the recent ones', async () => {
    const unmatched = (eventId: string, daysAgo: number) => ({
      box_id: 'box-r4',
      event_id: eventId,
      at: new Date(NOW.getTime() - daysAgo * DAY),
      kind: 'transactionResult',
      payment_uuid: null,
      reason: 'no such payment',
      data: '{}',
    });
    await ctx.db
      .insertInto('box_unmatched_events')
      .values([unmatched('u-old-1', 31), unmatched('u-old-2', 45), unmatched('u-old-3', 31), unmatched('u-recent', 2)])
      .execute();
    const retention = startSeenRetention(ctx, pino({ level: 'silent' }), { retentionMs: 30 * DAY, everyMs: 60_000, batchSize: 2 });
    try {
      expect(await retention.prune()).toBe(3);
      const kept = await ctx.db.selectFrom('box_unmatched_events').select('event_id').where('box_id', '=', 'box-r4').execute();
      expect(kept.map((r) => r.event_id)).toEqual(['u-recent']);
    } finally {
      await retention.stop();
    }
  });

  it('treats an id again as new once it was pruned, as a box that never sent it', async () => {
    await seen('box-r3', ['e1'], 31);
    const retention = startSeenRetention(ctx, pino({ level: 'silent' }), { retentionMs: 30 * DAY, everyMs: 60_000, batchSize: 10 });
    try {
      expect(await markBoxEventsSeen(ctx.db, 'box-r3', ['e1'])).toEqual(new Set());
      await retention.prune();
      expect(await markBoxEventsSeen(ctx.db, 'box-r3', ['e1'])).toEqual(new Set(['e1']));
    } finally {
      await retention.stop();
    }
  });
});
