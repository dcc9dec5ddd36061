import type { BoxEvent, BoxEventMessage, DeviceReport } from '@kassa/contract';
import { BOX_CONTRACT_VERSION } from '@kassa/contract';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop } from '../bench/shop.js';
import { serviceContext, setUpShop } from '../bench/shop.js';
import { findDeviceOfBox } from '../repos/devices.js';
import { boxConnected } from '../services/box-events/box-link.js';
import type { ServiceContext } from '../services/context.js';
import type { TestDatabase } from '../test-support/databases.js';
import { openTestDatabase } from '../test-support/databases.js';
import { EventInbox } from './event-inbox.js';

vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });
const PATIENCE = { timeout: 30_000, interval: 25 };

function report(terminalId: string, lastSeen: Date): DeviceReport {
  return { terminalId, model: 'lane5000', serialNumber: null, address: '127.0.0.1', online: true, lastSeen: lastSeen.toISOString(), state: 'idle' };
}

let sequence = 0;
function message(event: BoxEvent): BoxEventMessage {
  return { type: 'event', id: `inbox-${++sequence}`, at: new Date().toISOString(), event };
}

/** Fixed payment UUIDs, so the workers they land on are the same at every run (all of them, with 40). */
const paymentUuids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

// Only PostgreSQL has a second connection to hold a device's row while the inbox works.
describe('the event inbox of a box link, on postgres', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    ctx = serviceContext(database, { serverId: 'inbox' });
    shop = await setUpShop(ctx);
    await boxConnected(ctx, shop.box.id, {
      type: 'hello',
      version: BOX_CONTRACT_VERSION,
      boxId: shop.box.id,
      software: 'kassa-iotbox 0.1.0',
      devices: [report('T1', new Date())],
    });
  });
  afterAll(async () => {
    await database.close();
  });

  it('acknowledges a batch at once when nothing else is being applied, and batches side by side together', async () => {
    const acks: string[][] = [];
    const inbox = new EventInbox({
      boxId: shop.box.id,
      ctx,
      log: pino({ level: 'silent' }),
      ack: (ack) => acks.push(ack.ids),
      notStored: () => undefined,
      failed: () => undefined,
      // Longer than the test: an acknowledgement that waited for the window would never come.
      ackWindowMs: 3_600_000,
    });
    const sent = (paymentUuid: string): BoxEventMessage =>
      message({ kind: 'transactionSent', paymentUuid, terminalId: 'T1', transactionId: '1', amountCents: 100 });
    const alone = sent(paymentUuids[0] ?? '');
    inbox.push(alone);
    await vi.waitFor(() => expect(acks).toEqual([[alone.id]]), PATIENCE);
    // Forty payments over both workers: the first batch to finish waits for the other.
    const together = paymentUuids.map(sent);
    for (const m of together) inbox.push(m);
    await vi.waitFor(() => expect(acks).toHaveLength(2), PATIENCE);
    expect(new Set(acks[1])).toEqual(new Set(together.map((m) => m.id)));
    await inbox.settled();
    expect(acks).toHaveLength(2);
  });

  it('acknowledges payment events while a terminal report waits for its device row', async () => {
    const acked = new Set<string>();
    const failures: unknown[] = [];
    const inbox = new EventInbox({
      boxId: shop.box.id,
      ctx,
      log: pino({ level: 'silent' }),
      ack: (ack) => ack.ids.forEach((id) => acked.add(id)),
      notStored: (id) => failures.push(id),
      failed: (error) => failures.push(error),
    });
    const later = new Date(Date.now() + 60_000);
    const device = message({ kind: 'device', device: report('T1', later) });
    const payments = paymentUuids.map((paymentUuid) =>
      message({ kind: 'transactionSent', paymentUuid, terminalId: 'T1', transactionId: '1', amountCents: 100 }),
    );
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = ctx.db.transaction().execute(async (trx) => {
      await sql`select id from devices where box_id = ${shop.box.id} and terminal_id = 'T1' for update`.execute(trx);
      locked();
      await held;
    });
    await holding;
    try {
      inbox.push(device);
      for (const m of payments) inbox.push(m);
      // Each names no payment of the box: kept as unmatched, and acknowledged, on every payment worker.
      await vi.waitFor(() => expect(payments.filter((m) => !acked.has(m.id))).toEqual([]), PATIENCE);
      expect(acked.has(device.id)).toBe(false);
    } finally {
      release();
      await holder;
    }
    await inbox.settled();
    expect(acked.has(device.id)).toBe(true);
    expect((await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.lastSeenAt?.getTime()).toBe(later.getTime());
    expect(failures).toEqual([]);
  });
});
