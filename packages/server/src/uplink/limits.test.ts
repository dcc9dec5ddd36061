import { randomUUID } from 'node:crypto';
import type { DeviceReport } from '@kassa/contract';
import { BOX_CONTRACT_VERSION, MAX_BOX_TERMINALS } from '@kassa/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop } from '../bench/shop.js';
import { serviceContext, setUpShop } from '../bench/shop.js';
import { getBox } from '../repos/boxes.js';
import { findDeviceOfBox } from '../repos/devices.js';
import { boxConnected } from '../services/box-events/box-link.js';
import type { ServiceContext } from '../services/context.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { FakeBox } from '../test-support/fake-box.js';
import { CLOSE } from './index.js';
import type { UplinkServer } from './uplink-server.js';
import { startUplinkServer } from './uplink-server.js';

// Opening an embedded database or starting a box can take long on a loaded machine; waits stay bounded.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 120_000 });

function devices(count: number, prefix = 'T'): DeviceReport[] {
  const lastSeen = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    terminalId: `${prefix}${i}`,
    model: 'lane5000',
    serialNumber: null,
    address: '10.0.0.9',
    online: true,
    lastSeen,
    state: 'idle',
  }));
}

async function onlineDevices(ctx: ServiceContext, boxId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('box_id', '=', boxId)
    .where('online', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A box cannot wedge the server with its hello: the contract takes as many terminals as a box holds
 * and no more, and every write of a hello stays under the parameter limits of both databases. A
 * hello of 4,096 devices used to be taken, and its device upsert put PGlite out of step with every
 * later statement (RangeError: Invalid array length) until restart.
 */
describe.each(BACKENDS)('hellos as large as a box can send, on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let server: UplinkServer;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = serviceContext(database, { serverId: 'limits' });
    shop = await setUpShop(ctx);
    server = await startUplinkServer(ctx, { helloTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await server.close();
    await database.close();
  });

  it(`takes a hello of ${MAX_BOX_TERMINALS} devices, then one that drops all but one of them`, async () => {
    const box = await FakeBox.connect(server.url, shop.box.token);
    try {
      expect(await box.hello(devices(MAX_BOX_TERMINALS))).toMatchObject({ type: 'welcome' });
      expect(await onlineDevices(ctx, shop.box.id)).toBe(MAX_BOX_TERMINALS);
    } finally {
      await box.close();
    }
    const again = await FakeBox.connect(server.url, shop.box.token);
    try {
      expect(await again.hello(devices(1))).toMatchObject({ type: 'welcome' });
      expect(await onlineDevices(ctx, shop.box.id)).toBe(1);
    } finally {
      await again.close();
    }
  });

  it.each([MAX_BOX_TERMINALS + 1, 4096])('refuses a hello of %i devices, stores none of them, and takes the next hello', async (count) => {
    const box = await FakeBox.connect(server.url, shop.box.token);
    expect(await box.hello(devices(count, `X${count}-`))).toMatchObject({ type: 'error', code: 'CONTRACT_INVALID' });
    expect((await box.closed).code).toBe(CLOSE.badHello);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, `X${count}-0`)).toBeNull();
    const next = await FakeBox.connect(server.url, shop.box.token);
    try {
      expect(await next.hello(devices(2))).toMatchObject({ type: 'welcome' });
      expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: true });
    } finally {
      await next.close();
    }
  });

  it('writes a hello larger than the contract allows in statements both databases take, and the database stays usable', async () => {
    // Past the contract, straight to the service: the writes themselves must hold whatever the input.
    const other = await setUpShop(ctx);
    const many = devices(5000, 'M');
    await boxConnected(ctx, other.box.id, { type: 'hello', version: BOX_CONTRACT_VERSION, boxId: randomUUID(), software: 'x', devices: many });
    expect(await onlineDevices(ctx, other.box.id)).toBe(5000);
    await boxConnected(ctx, other.box.id, { type: 'hello', version: BOX_CONTRACT_VERSION, boxId: randomUUID(), software: 'x', devices: many.slice(0, 3) });
    expect(await onlineDevices(ctx, other.box.id)).toBe(3);
    expect(await getBox(ctx.db, other.box.id)).toMatchObject({ online: true });
  });
});
