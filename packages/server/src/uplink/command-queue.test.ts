import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceContext } from '../bench/shop.js';
import { pairBox } from '../services/boxes.js';
import type { ServiceContext } from '../services/context.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { CommandQueue } from './command-queue.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

describe.each(BACKENDS)('the command queue’s confirmations on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let ticks = 0;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    // Each call of the clock is a second later: one UPDATE gives its rows one delivered_at.
    ctx = { ...serviceContext(database), now: () => new Date(Date.UTC(2026, 0, 1) + ++ticks * 1000) };
  });
  afterAll(async () => {
    await database.close();
  });

  it('writes the confirmations a box sends one after another in one UPDATE', async () => {
    const boxId = (await pairBox(ctx, 'Counter')).box.id;
    const rows = await ctx.db
      .insertInto('box_commands')
      .values([1, 2, 3].map(() => ({ box_id: boxId, kind: 'startTransaction', payload: JSON.stringify({ kind: 'startTransaction' }) })))
      .returning('id')
      .execute();
    const ids = rows.map((r) => Number(r.id));
    const steps: Promise<unknown>[] = [];
    const queue = new CommandQueue({ boxId, ctx, log: pino({ level: 'silent' }), send: () => undefined, track: (step) => steps.push(step) });

    // As the link hands them over: each confirmation in a turn of its own.
    for (const id of ids) {
      queue.confirm(id);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(steps);

    const written = await ctx.db.selectFrom('box_commands').select(['id', 'delivered_at']).where('box_id', '=', boxId).orderBy('id').execute();
    expect(written.map((r) => Number(r.id))).toEqual(ids);
    expect(written.every((r) => r.delivered_at !== null)).toBe(true);
    expect(new Set(written.map((r) => r.delivered_at?.getTime())).size).toBe(1);
  });
});
