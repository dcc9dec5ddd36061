import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptStep, TerminalHandle } from '@kassa/terminal-sim';
import { startTerminal } from '@kassa/terminal-sim';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Box } from '@kassa/iot-box';
import { startBox } from '@kassa/iot-box';
import type { Shop, ShopTill } from '../bench/shop.js';
import { newOrder, openTills, serviceContext, setUpShop } from '../bench/shop.js';
import { findDeviceOfBox } from '../repos/devices.js';
import type { HistoryEntry } from '../repos/payments.js';
import { getHistory, getPayment, getTickets } from '../repos/payments.js';
import type { ServiceContext } from '../services/context.js';
import { actOnPayment, requestPayment } from '../services/payments.js';
import type { TestDatabase } from '../test-support/databases.js';
import { openTestDatabase } from '../test-support/databases.js';
import type { UplinkServer } from './uplink-server.js';
import { startUplinkServer } from './uplink-server.js';

// Opening an embedded database or starting a box can take long on a loaded machine; waits stay bounded.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

/**
 * The whole chain with the real parts: the kassa box and emulated Ingenico terminals on loopback,
 * this server's uplink and services on the PostgreSQL server. Payments are requested and settled
 * through the service functions the HTTP API calls.
 */
const PATIENCE = { timeout: 30_000, interval: 50 };

// A terminal that waits for keys, so a cancel can land before the card and after authorisation starts.
const CANCEL_SCRIPT: ScriptStep[] = [
  { stage: 'WaitingForCard' },
  { waitFor: 'card' },
  { stage: 'WaitingForTransaction' },
  { waitFor: 'pin-ok' },
  { result: 'Approved', tickets: true },
];

describe('payments end to end through the kassa box and emulated terminals', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let shop: Shop;
  let till: ShopTill;
  let server: UplinkServer;
  let box: Box;
  let dataDir: string;
  const terminals = new Map<string, TerminalHandle>();
  const deviceIds = new Map<string, number>();

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    ctx = serviceContext(database);
    shop = await setUpShop(ctx, { priceCents: 10_000 });
    server = await startUplinkServer(ctx);
    dataDir = mkdtempSync(join(tmpdir(), 'kassa-e2e-box-'));
    box = await startBox({
      listen: '127.0.0.1:0',
      http: null,
      server: server.baseUrl,
      token: shop.box.token,
      dataDir,
      logger: pino({ level: 'silent' }),
      transactionTimeoutMs: 1500,
    });
    const address = `${box.listenAddress.host}:${box.listenAddress.port}`;
    const plan: [string, Parameters<typeof startTerminal>[0]['scenario'], boolean][] = [
      ['70000001', 'amount-rule', false],
      ['70000002', CANCEL_SCRIPT, true],
      ['70000003', 'disconnect-after-card', false],
      ['70000004', 'no-answer', false],
      ['70000005', 'no-answer', false],
    ];
    for (const [terminalId, scenario, manualKeys] of plan) {
      const terminal = startTerminal({ box: address, terminalId, scenario, manualKeys, stageDelayMs: 5, reconnect: { initialMs: 50, maxMs: 200 } });
      terminals.set(terminalId, terminal);
      await terminal.ready();
    }
    await vi.waitFor(async () => {
      for (const terminalId of terminals.keys()) {
        const device = await findDeviceOfBox(ctx.db, shop.box.id, terminalId);
        expect(device?.online).toBe(true);
        deviceIds.set(terminalId, device?.id ?? 0);
      }
    }, PATIENCE);
    till = await openTills(ctx, shop, [...deviceIds.values()]);
  });

  afterAll(async () => {
    await Promise.all([...terminals.values()].map((t) => t.close()));
    await box.close();
    await server.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function pay(terminalId: string, amountCents: number): Promise<string> {
    const methodId = till.methodOfDevice.get(deviceIds.get(terminalId) ?? 0) ?? 0;
    const orderId = await newOrder(ctx, shop, till.sessionOfMethod.get(methodId) ?? 0);
    const uuid = randomUUID();
    await requestPayment(ctx, uuid, { orderId, paymentMethodId: methodId, amountCents }, shop.userId);
    return uuid;
  }

  async function reaches(uuid: string, state: string): Promise<void> {
    await vi.waitFor(async () => expect((await getPayment(ctx.db, uuid))?.state).toBe(state), PATIENCE);
  }

  async function historyHas(uuid: string, match: (entry: HistoryEntry) => boolean): Promise<void> {
    await vi.waitFor(async () => expect((await getHistory(ctx.db, uuid)).some(match)).toBe(true), PATIENCE);
  }

  it('approves a payment and keeps its stages, messages and both tickets', async () => {
    const uuid = await pay('70000001', 1200);
    await reaches(uuid, 'done');
    const history = await getHistory(ctx.db, uuid);
    expect(history.map((h) => h.event)).toEqual(expect.arrayContaining(['requested', 'accepted', 'stage', 'message', 'approved']));
    expect(history.find((h) => h.event === 'stage')?.message).toBe('WaitingForCard');
    expect((await getTickets(ctx.db, uuid)).map((t) => t.type)).toEqual(['merchant', 'cardholder']);
  });

  it('declines a payment and approves the retry under a new uuid', async () => {
    const declined = await pay('70000001', 1201);
    await reaches(declined, 'retry');
    const retry = await pay('70000001', 1200);
    await reaches(retry, 'done');
  });

  it('cancels a payment while the terminal waits for the card', async () => {
    const uuid = await pay('70000002', 1200);
    await historyHas(uuid, (h) => h.message === 'WaitingForCard');
    await actOnPayment(ctx, uuid, { event: 'cancel', userId: shop.userId });
    await reaches(uuid, 'retry');
    const events = (await getHistory(ctx.db, uuid)).map((h) => h.event);
    expect(events).toEqual(expect.arrayContaining(['cancel', 'cancelAccepted', 'declined']));
  });

  it('lets the terminal refuse a cancel once authorisation runs and finish as approved', async () => {
    const uuid = await pay('70000002', 1200);
    await historyHas(uuid, (h) => h.message === 'WaitingForCard');
    terminals.get('70000002')?.press('card');
    await historyHas(uuid, (h) => h.message === 'WaitingForTransaction');
    await actOnPayment(ctx, uuid, { event: 'cancel', userId: shop.userId });
    await historyHas(uuid, (h) => h.event === 'cancelRefused');
    expect((await getPayment(ctx.db, uuid))?.state).toBe('waitingCard');
    terminals.get('70000002')?.press('pin-ok');
    await reaches(uuid, 'done');
  });

  it('settles a payment whose terminal dropped after the card as done through recovery', async () => {
    const uuid = await pay('70000003', 1200);
    await reaches(uuid, 'done');
    const approved = (await getHistory(ctx.db, uuid)).find((h) => h.event === 'approved');
    expect(approved?.data).toMatchObject({ recovered: true });
  });

  it('leaves an unanswered payment unknown until a person forces it done or marks it failed', async () => {
    const forced = await pay('70000004', 1200);
    const failed = await pay('70000005', 1200);
    await reaches(forced, 'unknown');
    await reaches(failed, 'unknown');
    await actOnPayment(ctx, forced, {
      event: 'forceDone',
      userId: shop.userId,
      reason: 'customer receipt shows approved',
      override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
    });
    await actOnPayment(ctx, failed, {
      event: 'markFailed',
      userId: shop.userId,
      reason: 'terminal shows nothing',
      override: { actorId: shop.userId, approvedBy: shop.userId, approverName: 'manager' },
    });
    expect(await getPayment(ctx.db, forced)).toMatchObject({ state: 'forceDone', settledBy: shop.userId, settleReason: 'customer receipt shows approved' });
    expect(await getPayment(ctx.db, failed)).toMatchObject({ state: 'failed', settleReason: 'terminal shows nothing' });
    // Settled by hand, the box no longer holds the terminals: the next payments reach them, and the
    // terminals answer for themselves.
    for (const terminalId of ['70000004', '70000005']) {
      const next = await pay(terminalId, 1300);
      await historyHas(next, (h) => h.event === 'accepted' || h.event === 'refused');
      expect((await getHistory(ctx.db, next)).map((h) => h.event)).not.toContain('refused');
    }
  });

  it('refuses at the box a device that claims an online terminal from another address, raises an alert, and pays on the real terminal', async () => {
    const address = `${box.listenAddress.host}:${box.listenAddress.port}`;
    const impostor = startTerminal({
      box: address,
      terminalId: '70000001',
      serialNumber: '999S00000000',
      localAddress: '127.0.0.2',
      stageDelayMs: 5,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    terminals.set('impostor-70000001', impostor);
    await vi.waitFor(
      async () =>
        expect((await findDeviceOfBox(ctx.db, shop.box.id, '70000001'))?.alerts).toEqual([
          expect.objectContaining({ kind: 'impostor', address: expect.stringMatching(/127\.0\.0\.2$/) }),
        ]),
      PATIENCE,
    );
    const before = terminals.get('70000001')?.ledger.length ?? 0;
    const uuid = await pay('70000001', 1200);
    await reaches(uuid, 'done');
    expect(terminals.get('70000001')?.ledger.length).toBe(before + 1);
    expect(impostor.ledger).toHaveLength(0);
    expect(await findDeviceOfBox(ctx.db, shop.box.id, '70000001')).toMatchObject({ approval: 'approved', address: expect.stringMatching(/127\.0\.0\.1$/) });
  });

  it('quarantines a terminal that comes back from another address while the real one is away: no payment reaches it', async () => {
    await terminals.get('70000003')?.close();
    await vi.waitFor(async () => expect((await findDeviceOfBox(ctx.db, shop.box.id, '70000003'))?.online).toBe(false), PATIENCE);
    const address = `${box.listenAddress.host}:${box.listenAddress.port}`;
    // It even names the real terminal's serial number: the address still differs from the approved one.
    const stranger = startTerminal({
      box: address,
      terminalId: '70000003',
      localAddress: '127.0.0.2',
      stageDelayMs: 5,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    terminals.set('70000003', stranger);
    await stranger.ready();
    await vi.waitFor(async () => expect((await findDeviceOfBox(ctx.db, shop.box.id, '70000003'))?.approval).toBe('quarantined'), PATIENCE);
    await expect(pay('70000003', 1200)).rejects.toMatchObject({ code: 'KASSA_DEVICE_QUARANTINED' });
    expect(stranger.ledger).toHaveLength(0);
  });
});
