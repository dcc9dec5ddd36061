import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { EVENTS_CHANNEL, eventsAfter, latestEventId } from './events.js';
import { toJson } from './executor.js';
import { MAX_NOTIFY_BYTES } from './notify.js';
import { appendEvents } from './uplink-batch.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

describe.each(BACKENDS)('appendEvents on %s', (backend) => {
  let database: TestDatabase;
  const heard: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await database.bus.listen(EVENTS_CHANNEL, (payload) => heard.push(payload));
  });
  afterAll(async () => {
    await database.close();
  });

  it('stores the events in order and announces each as appendEvent does, a too large one by its id', async () => {
    const at = new Date('2026-11-25T10:03:51.374Z');
    const large = { text: 'x'.repeat(MAX_NOTIFY_BYTES) };
    const before = await latestEventId(database.db);
    const live = await appendEvents(database.db, database.bus.prefix, [
      { topic: 'device', audience: 'cashier', data: { device: { terminalId: 'T1', note: 'é "quoted" \\ back' } }, at },
      { topic: 'payment', audience: 'cashier', data: large, at },
      { topic: 'box', audience: 'admin', data: { box: { id: 'b' } }, at },
    ]);
    const stored = await eventsAfter(database.db, before, 10);
    expect(stored).toEqual(live);
    expect(live.map((e) => e.topic)).toEqual(['device', 'payment', 'box']);
    expect(live.map((e) => e.id)).toEqual([...live.map((e) => e.id)].sort((a, b) => a - b));
    const [first, second, third] = live;
    await vi.waitFor(() => expect(heard).toHaveLength(3));
    expect(heard).toEqual([toJson(first), toJson({ id: second?.id }), toJson(third)]);
  });
});
