import type { LiveEventData } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../repos/events.js';
import type { TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';
import type { SseClient } from '../test-support/sse.js';
import { openSse } from '../test-support/sse.js';

/** A box event's data; only its id matters here. */
function boxData(id: string): LiveEventData<'box'> {
  return { box: { id, name: id, createdAt: new Date(0).toISOString(), revokedAt: null, online: true, lastSeenAt: null } };
}

const DEADLINE = { timeout: 15_000, interval: 20 };

const names = (client: SseClient): string[] =>
  client.messages.filter((m) => m.event === 'box').map((m) => (JSON.parse(m.data) as { data: { box: { id: string } } }).data.box.id);

/**
 * Two transactions write an event each; the one that wrote first commits last. Only PostgreSQL
 * runs transactions side by side (PGlite has one connection, so its transactions never overlap).
 */
describe('live event ids on PostgreSQL', () => {
  let t: TestApp;
  let base: string;
  const clients: SseClient[] = [];
  beforeAll(async () => {
    t = await buildTestApp('postgres');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('follow commit order, so a client resuming after the first delivered id still gets the event committed second', async () => {
    const admin = await loginAs(t.app, ADMIN);
    const live = openSse(`${base}/api/events`, { cookie: admin.cookie });
    clients.push(live);
    expect(await live.status).toBe(200);
    await expect.poll(() => t.app.liveEvents.streamCount, DEADLINE).toBe(1);

    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written = (): void => undefined;
    const firstWritten = new Promise<void>((resolve) => (written = resolve));
    // The early transaction writes its event first, then waits while the late one writes and commits.
    const early = t.database.db.transaction().execute(async (trx) => {
      await appendEvent(trx, { topic: 'box', audience: 'admin', data: boxData('early') });
      written();
      await held;
    });
    await firstWritten;
    await t.database.db.transaction().execute((trx) => appendEvent(trx, { topic: 'box', audience: 'admin', data: boxData('late') }));
    await expect.poll(() => names(live), DEADLINE).toEqual(['late']);
    const firstDelivered = Number(live.messages.at(-1)?.id);
    live.close();

    release();
    await early;
    const resumed = openSse(`${base}/api/events`, { cookie: admin.cookie, 'last-event-id': String(firstDelivered) });
    clients.push(resumed);
    await expect.poll(() => names(resumed), DEADLINE).toEqual(['early']);
    expect(Number(resumed.messages.at(-1)?.id)).toBe(firstDelivered + 1);
  });
});
