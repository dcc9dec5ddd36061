import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BoxEvent, BoxEventMessage, DeviceReport, ServerToBox } from '@kassa/contract';
import { BOX_UPLINK_PATH, transactionIdFromUuid } from '@kassa/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Shop, ShopTill } from '../bench/shop.js';
import { newOrder, openTills, serviceContext, setUpShop } from '../bench/shop.js';
import { COMMANDS_CHANNEL } from '../repos/box-commands.js';
import { getBox } from '../repos/boxes.js';
import { findDeviceOfBox } from '../repos/devices.js';
import { notify } from '../repos/notify.js';
import { getHistory, getPayment } from '../repos/payments.js';
import { pairBox, revokePairedBox } from '../services/boxes.js';
import type { ServiceContext } from '../services/context.js';
import { actOnPayment, requestPayment } from '../services/payments.js';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import type { EventLog } from '../test-support/event-log.js';
import { listenToEvents } from '../test-support/event-log.js';
import { FakeBox, RefusedUpgrade } from '../test-support/fake-box.js';
import { CLOSE } from './index.js';
import type { UplinkServer } from './uplink-server.js';
import { startUplinkServer } from './uplink-server.js';

// Opening an embedded database or starting a box can take long on a loaded machine; waits stay bounded.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });
const PATIENCE = { timeout: 30_000, interval: 25 };

function device(terminalId: string, online = true): DeviceReport {
  return { terminalId, model: 'desk5000', serialNumber: 'SN1', address: '10.0.0.5', online, lastSeen: new Date().toISOString(), state: 'idle' };
}

let sequence = 0;
function event(body: BoxEvent, id = `ev-${++sequence}`): BoxEventMessage {
  return { type: 'event', id, at: new Date().toISOString(), event: body };
}

async function refusal(url: string, token: string | null): Promise<number> {
  try {
    const box = await FakeBox.connect(url, token);
    await box.close();
    return 101;
  } catch (error) {
    if (error instanceof RefusedUpgrade) return error.status;
    throw error;
  }
}

const isCommand = (m: ServerToBox): m is Extract<ServerToBox, { type: 'command' }> => m.type === 'command';

/** A shop whose box says hello on `url` with terminal T1, and the body of a card payment of a draft order on it. */
async function shopOnBox(ctx: ServiceContext, url: string) {
  const shop = await setUpShop(ctx);
  const box = await FakeBox.connect(url, shop.box.token);
  await box.hello([device('T1')]);
  const deviceId = (await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.id ?? 0;
  const till = await openTills(ctx, shop, [deviceId]);
  const paymentMethodId = till.methodOfDevice.get(deviceId) ?? 0;
  const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(paymentMethodId) ?? 0);
  return { shop, box, payment: { orderId, paymentMethodId, amountCents: shop.productPriceCents } };
}

describe.each(BACKENDS)('the box uplink on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let server: UplinkServer;
  let events: EventLog;
  const boxes: FakeBox[] = [];

  async function connect(token = shop.box.token): Promise<FakeBox> {
    const box = await FakeBox.connect(server.url, token);
    boxes.push(box);
    return box;
  }

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    events = await listenToEvents(database);
    ctx = serviceContext(database, { serverId: 'uplink-a' });
    shop = await setUpShop(ctx);
    server = await startUplinkServer(ctx, { helloTimeoutMs: 5000 });
  });
  afterEach(async () => {
    await Promise.all(boxes.splice(0).map((box) => box.close()));
    await vi.waitFor(() => expect(server.uplink.connectedBoxIds()).toEqual([]), PATIENCE);
  });
  afterAll(async () => {
    await server.close();
    await database.close();
  });

  it('refuses a missing, malformed, wrong or revoked token before the upgrade', async () => {
    expect(await refusal(server.url, null)).toBe(401);
    expect(await refusal(server.url, 'not a token')).toBe(401);
    expect(await refusal(server.url, `${shop.box.id}.${'x'.repeat(43)}`)).toBe(401);
    const other = await pairBox(ctx, 'Spare box');
    await revokePairedBox(ctx, other.box.id);
    expect(await refusal(server.url, other.token)).toBe(401);
    expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: false });
  });

  it('leaves upgrades of other paths to their own handlers', async () => {
    server.http.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      if (req.url === '/other') socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.baseUrl}/other`, { headers: { connection: 'upgrade', upgrade: 'websocket' } });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(418);
    expect(await refusal(server.url.replace(BOX_UPLINK_PATH, `${BOX_UPLINK_PATH}?x=1`), null)).toBe(401);
  });

  it('welcomes a box, stores the devices of its hello and holds it in this process', async () => {
    const box = await connect();
    const welcome = await box.hello([device('T1'), device('T2', false)]);
    expect(welcome).toMatchObject({ type: 'welcome', boxId: shop.box.id, name: 'Counter box' });
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T1')).toMatchObject({ type: 'payment', make: 'Ingenico', model: 'Desk/5000', online: true });
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T2')).toMatchObject({ online: false });
    expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: true });
    expect(server.uplink.connectedBoxIds()).toEqual([shop.box.id]);
  });

  it('closes a link whose first message is not a hello', async () => {
    const box = await connect();
    box.send(event({ kind: 'device', device: device('T9') }));
    expect(await box.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'HELLO_REQUIRED' });
    expect((await box.closed).code).toBe(CLOSE.badHello);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T9')).toBeNull();
  });

  it('refuses a contract version it does not speak', async () => {
    const box = await connect();
    expect(await box.hello([device('T8')], 99)).toMatchObject({ type: 'error', code: 'UNSUPPORTED_VERSION' });
    expect((await box.closed).code).toBe(CLOSE.unsupportedVersion);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T8')).toBeNull();
  });

  it('answers malformed messages with an error and changes nothing', async () => {
    const box = await connect();
    await box.hello([device('T1')]);
    const before = await events.mark();
    box.send('{not json');
    box.send(JSON.stringify({ type: 'event', id: 'x1', at: 'yesterday', event: { kind: 'device', device: device('T5') } }));
    box.send(JSON.stringify({ type: 'launch', id: 1 }));
    box.send(JSON.stringify(event({ kind: 'device', device: { ...device('T5'), terminalId: '' } })));
    await vi.waitFor(() => expect(box.received.filter((m) => m.type === 'error')).toHaveLength(4), PATIENCE);
    expect(box.received.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? m.code : ''))).toEqual([
      'CONTRACT_BAD_JSON',
      'CONTRACT_INVALID',
      'CONTRACT_INVALID',
      'CONTRACT_INVALID',
    ]);
    expect(await events.after(before)).toEqual([]);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T5')).toBeNull();
    box.send(event({ kind: 'device', device: device('T5') }, 'after-errors'));
    await box.waitFor((m) => m.type === 'ack' && m.ids.includes('after-errors'));
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T5')).toMatchObject({ online: true });
  });

  it('replaces the first link when the same box connects again', async () => {
    const first = await connect();
    await first.hello([device('T1')]);
    const second = await connect();
    expect((await first.closed).code).toBe(CLOSE.replaced);
    await second.hello([device('T1')]);
    expect(server.uplink.connectedBoxIds()).toEqual([shop.box.id]);
    expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: true });
  });

  it('takes the box and its devices offline when the link ends', async () => {
    const box = await connect();
    await box.hello([device('T1')]);
    await box.close();
    await vi.waitFor(async () => expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: false }), PATIENCE);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T1')).toMatchObject({ online: false });
  });

  it('keeps a box online that reconnects the moment its link ended', async () => {
    for (let i = 0; i < 3; i++) {
      const box = await connect();
      await box.hello([device('T1')]);
      await box.close();
    }
    const last = await connect();
    await last.hello([device('T1')]);
    // Give any late release of the earlier links the time to run: it must not take the box offline.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: true });
    expect(await findDeviceOfBox(ctx.db, shop.box.id, 'T1')).toMatchObject({ online: true });
  });

  it('sends a command that its notification carries whole', async () => {
    const box = await connect();
    await box.hello([device('T1')]);
    const paymentUuid = randomUUID();
    const command = { kind: 'recoverTransaction', paymentUuid, terminalId: 'T1' };
    const row = await ctx.db
      .insertInto('box_commands')
      .values({ box_id: shop.box.id, kind: command.kind, payload: JSON.stringify(command) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await notify(ctx.db, ctx.prefix, COMMANDS_CHANNEL, JSON.stringify({ boxId: shop.box.id, id: Number(row.id), command }));
    expect(await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === paymentUuid)).toMatchObject({
      commandId: Number(row.id),
      command: { kind: 'recoverTransaction', terminalId: 'T1' },
    });
    box.send({ type: 'commandReceived', commandId: Number(row.id) });
    await vi.waitFor(async () => {
      const delivered = await ctx.db.selectFrom('box_commands').select('delivered_at').where('id', '=', Number(row.id)).executeTakeFirst();
      expect(delivered?.delivered_at).not.toBeNull();
    }, PATIENCE);
  });

  describe('with payments', () => {
    let till: ShopTill;
    let deviceId: number;

    beforeAll(async () => {
      const box = await FakeBox.connect(server.url, shop.box.token);
      await box.hello([device('T1')]);
      deviceId = (await findDeviceOfBox(ctx.db, shop.box.id, 'T1'))?.id ?? 0;
      till = await openTills(ctx, shop, [deviceId]);
      await box.close();
    });

    async function pay(): Promise<string> {
      const methodId = till.methodOfDevice.get(deviceId) ?? 0;
      const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0);
      const uuid = randomUUID();
      await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodId, amountCents: shop.productPriceCents }, shop.userId);
      return uuid;
    }

    async function settle(box: FakeBox, uuid: string): Promise<void> {
      // The payment's own transaction: a result for another one settles nothing.
      const transactionId = transactionIdFromUuid(uuid).toString();
      box.send(
        event({
          kind: 'transactionResult',
          paymentUuid: uuid,
          terminalId: 'T1',
          transactionId,
          result: 'Declined',
          resultId: 2,
          amountCents: null,
          authorisationCode: null,
          cardBrand: null,
          tickets: [],
          recovered: false,
        }),
      );
      await vi.waitFor(async () => expect((await getPayment(ctx.db, uuid))?.state).toBe('retry'), PATIENCE);
    }

    it('applies events once and acknowledges every copy, replayed and out of order', async () => {
      const box = await connect();
      await box.hello([device('T1')]);
      const uuid = await pay();
      const transactionId = transactionIdFromUuid(uuid).toString();
      const sent = event({ kind: 'transactionSent', paymentUuid: uuid, terminalId: 'T1', transactionId, amountCents: shop.productPriceCents });
      const stage = event({ kind: 'transactionStage', paymentUuid: uuid, terminalId: 'T1', stage: 'WaitingForCard', stageId: 1, transactionId });
      for (const message of [stage, sent, stage, sent, stage]) box.send(message);
      const acked = (): string[] => box.received.flatMap((m) => (m.type === 'ack' ? m.ids : []));
      await vi.waitFor(() => expect(acked()).toHaveLength(5), PATIENCE);
      expect(new Set(acked())).toEqual(new Set([sent.id, stage.id]));
      expect((await getPayment(ctx.db, uuid))?.state).toBe('waitingCard');
      expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'stage', 'accepted']);
      await settle(box, uuid);
    });

    it('sends commands as they are queued, queued ones on connect, and unconfirmed ones again after a reconnect', async () => {
      const box = await connect();
      await box.hello([device('T1')]);
      const uuid = await pay();
      const start = await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === uuid);
      expect(start).toMatchObject({ command: { kind: 'startTransaction', terminalId: 'T1', amountCents: shop.productPriceCents } });
      await box.close();
      await vi.waitFor(async () => expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: false }), PATIENCE);
      await actOnPayment(ctx, uuid, { event: 'cancel', userId: shop.userId });

      const again = await connect();
      await again.hello([device('T1')]);
      await again.waitFor((m) => isCommand(m) && m.command.kind === 'cancelTransaction');
      const commands = again.received.filter(isCommand).filter((m) => m.command.paymentUuid === uuid);
      expect(commands.map((m) => m.command.kind)).toEqual(['startTransaction', 'cancelTransaction']);
      for (const command of commands) again.send({ type: 'commandReceived', commandId: command.commandId });
      await vi.waitFor(async () => {
        const ids = commands.map((m) => m.commandId);
        const rows = await ctx.db.selectFrom('box_commands').select('id').where('id', 'in', ids).where('delivered_at', 'is', null).execute();
        expect(rows).toEqual([]);
      }, PATIENCE);
      await again.close();

      const third = await connect();
      await third.hello([device('T1')]);
      await settle(third, uuid);
      expect(third.received.filter(isCommand).filter((m) => m.command.paymentUuid === uuid)).toEqual([]);
    });

    it('never sends the start command of a payment settled before the box received it', async () => {
      const box = await connect();
      await box.hello([device('T1')]);
      const uuid = await pay();
      const start = await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === uuid);
      await box.close();
      await vi.waitFor(async () => expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: false }), PATIENCE);
      await actOnPayment(ctx, uuid, {
        event: 'markFailed',
        userId: shop.userId,
        reason: 'customer left',
        override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
      });

      const again = await connect();
      await again.hello([device('T1')]);
      if (!isCommand(start)) throw new Error('not a command');
      await vi.waitFor(async () => {
        const row = await ctx.db.selectFrom('box_commands').select('delivered_at').where('id', '=', start.commandId).executeTakeFirst();
        expect(row?.delivered_at).not.toBeNull();
      }, PATIENCE);
      expect(again.received.filter(isCommand).filter((m) => m.command.paymentUuid === uuid)).toEqual([]);
    });

    it('refuses to mark failed a pending payment while its box is online, and changes nothing', async () => {
      const box = await connect();
      await box.hello([device('T1')]);
      const uuid = await pay();
      await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === uuid);
      await expect(
        actOnPayment(ctx, uuid, {
          event: 'markFailed',
          userId: shop.userId,
          reason: 'impatient',
          override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
        }),
      ).rejects.toMatchObject({ code: 'KASSA_PAYMENT_STATE', details: { boxOnline: true } });
      expect((await getPayment(ctx.db, uuid))?.state).toBe('pending');
      await settle(box, uuid);
      await box.close();
    });

    it('refuses to mark failed a pending payment whose box confirmed the start, even offline', async () => {
      const box = await connect();
      await box.hello([device('T1')]);
      const uuid = await pay();
      const start = await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === uuid);
      if (!isCommand(start)) throw new Error('not a command');
      box.send({ type: 'commandReceived', commandId: start.commandId });
      await vi.waitFor(async () => {
        const row = await ctx.db.selectFrom('box_commands').select('delivered_at').where('id', '=', start.commandId).executeTakeFirst();
        expect(row?.delivered_at).not.toBeNull();
      }, PATIENCE);
      await box.close();
      await vi.waitFor(async () => expect(await getBox(ctx.db, shop.box.id)).toMatchObject({ online: false }), PATIENCE);
      await expect(
        actOnPayment(ctx, uuid, {
          event: 'markFailed',
          userId: shop.userId,
          reason: 'box gone',
          override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
        }),
      ).rejects.toMatchObject({ code: 'KASSA_PAYMENT_STATE', details: { startDelivered: true } });
      expect((await getPayment(ctx.db, uuid))?.state).toBe('pending');
      const again = await connect();
      await again.hello([device('T1')]);
      await settle(again, uuid);
      await again.close();
    });

    it('takes the box offline on revocation', async () => {
      const paired = await pairBox(ctx, 'Box to revoke');
      const box = await connect(paired.token);
      await box.hello([]);
      await revokePairedBox(ctx, paired.box.id);
      expect((await box.closed).code).toBe(CLOSE.revoked);
      expect(await getBox(ctx.db, paired.box.id)).toMatchObject({ online: false });
    });
  });
});

describe('two server processes on one PostgreSQL schema', () => {
  let database: TestDatabase;
  let second: TestDatabase;
  let a: ServiceContext;
  let b: ServiceContext;
  let serverA: UplinkServer;
  let serverB: UplinkServer;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    second = await openTestDatabase('postgres', database.schema);
    a = serviceContext(database, { serverId: 'process-a' });
    b = serviceContext(second, { serverId: 'process-b' });
    serverA = await startUplinkServer(a);
    serverB = await startUplinkServer(b);
  });
  afterAll(async () => {
    await serverA.close();
    await serverB.close();
    await second.close();
    await database.close();
  });

  it('routes a command queued by one process to the box connected to the other, and follows the box when it moves', async () => {
    const { shop, box: onB, payment } = await shopOnBox(a, serverB.url);
    const uuid = randomUUID();
    await requestPayment(a, uuid, payment, shop.userId);
    const command = await onB.waitFor(isCommand);
    expect(command).toMatchObject({ command: { kind: 'startTransaction', paymentUuid: uuid } });
    expect(serverA.uplink.connectedBoxIds()).toEqual([]);

    const onA = await FakeBox.connect(serverA.url, shop.box.token);
    await onA.hello([device('T1')]);
    expect((await onB.closed).code).toBe(CLOSE.replaced);
    await vi.waitFor(() => expect(serverB.uplink.connectedBoxIds()).toEqual([]), PATIENCE);
    expect(await getBox(a.db, shop.box.id)).toMatchObject({ online: true });
    await actOnPayment(b, uuid, { event: 'cancel', userId: shop.userId });
    expect(await onA.waitFor((m) => isCommand(m) && m.command.kind === 'cancelTransaction')).toMatchObject({ command: { paymentUuid: uuid } });
    await onA.close();
  });
});

describe.each(BACKENDS)('a payment requested in the process that holds its box, on %s', (backend) => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let server: UplinkServer;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = serviceContext(database, { serverId: 'holder' });
    // No sweep for undelivered commands: only the request itself can bring its command here.
    server = await startUplinkServer(ctx, { sweepMs: 3_600_000 });
  });
  afterAll(async () => {
    await server.close();
    await database.close();
  });

  it('reaches the box without waiting for the notification, once, and its first event is written from what the request wrote', async () => {
    const { shop, box, payment } = await shopOnBox(ctx, server.url);
    const uuid = randomUUID();
    // Its NOTIFYs go to channels nobody listens to.
    await requestPayment({ ...ctx, prefix: `${ctx.prefix}_unheard` }, uuid, payment, shop.userId);
    const start = await box.waitFor((m) => isCommand(m) && m.command.paymentUuid === uuid);
    expect(start).toMatchObject({ command: { kind: 'startTransaction', terminalId: 'T1', amountCents: shop.productPriceCents } });
    box.send(
      event({
        kind: 'transactionSent',
        paymentUuid: uuid,
        terminalId: 'T1',
        transactionId: transactionIdFromUuid(uuid).toString(),
        amountCents: shop.productPriceCents,
      }),
    );
    await vi.waitFor(async () => expect((await getPayment(ctx.db, uuid))?.state).toBe('waiting'), PATIENCE);
    expect((await getHistory(ctx.db, uuid)).map((h) => h.event)).toEqual(['requested', 'accepted']);
    expect(box.received.filter(isCommand)).toHaveLength(1);
    await box.close();
  });
});
