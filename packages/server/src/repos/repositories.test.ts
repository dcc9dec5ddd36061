import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../test-support/databases.js';
import { BACKENDS, openTestDatabase } from '../test-support/databases.js';
import { MIGRATIONS } from '../db/migrations.js';
import { createAuthSession, findAuthSession } from './auth-sessions.js';
import { createBox, getActiveBoxTokenHash, revokeBox } from './boxes.js';
import { enqueueCommand } from './box-commands.js';
import { getCompany, saveCompany } from './company.js';
import { listDevices, upsertDevice } from './devices.js';
import { appendEvent, pruneEvents } from './events.js';
import { MAX_NOTIFY_BYTES } from './notify.js';
import { listenToEvents } from '../test-support/event-log.js';
import { createJournal, countMethodsOfJournal } from './journals.js';
import { getOrder, insertOrder, markOrderPaid } from './orders.js';
import { createPaymentMethod, countIngenicoMethods } from './payment-methods.js';
import { addHistory, getHistory, getPayment, setPaymentState } from './payments.js';
import { createPosConfig, getPosConfig } from './pos-configs.js';
import { openPosSession } from './pos-sessions.js';
import { createProduct } from './products.js';
import { createUser, findUserForLogin } from './users.js';
import { countActiveOnDevice, insertPayment, markBoxEventsSeen, markCommandsDelivered, undeliveredCommands } from '../test-support/repos.js';

/** Event data of any shape: these tests are about storing and announcing events, not what they say. */
const opaque = (data: unknown) => data as never;

describe.each(BACKENDS)('repositories on %s', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });

  it('keeps one company row and updates it in place', async () => {
    const { db } = database;
    expect(await getCompany(db)).toBeNull();
    await saveCompany(db, { name: 'A', country: 'BE', ingenicoEnabled: false });
    await saveCompany(db, { name: 'B', country: 'NL', ingenicoEnabled: true });
    expect(await getCompany(db)).toEqual({ name: 'B', country: 'NL', ingenicoEnabled: true });
  });

  it('creates a user once per username and finds a session only while it lives', async () => {
    const { db } = database;
    const user = await createUser(db, { username: 'ann', role: 'cashier', passwordHash: 'h' });
    expect(user?.role).toBe('cashier');
    expect(await createUser(db, { username: 'ann', role: 'admin', passwordHash: 'x' })).toBeNull();
    expect((await findUserForLogin(db, 'ann'))?.passwordHash).toBe('h');
    const now = new Date();
    await createAuthSession(db, { idHash: 'sess', userId: user?.id ?? 0, csrfTokenHash: 'c', expiresAt: new Date(now.getTime() + 60_000) });
    expect((await findAuthSession(db, 'sess', now))?.user.username).toBe('ann');
    expect(await findAuthSession(db, 'sess', new Date(now.getTime() + 120_000))).toBeNull();
  });

  it('stores a box token hash and forgets it once the box is revoked', async () => {
    const { db } = database;
    await createBox(db, { id: 'box-1', name: 'Counter', tokenHash: 'hash' });
    expect(await getActiveBoxTokenHash(db, 'box-1')).toBe('hash');
    await revokeBox(db, 'box-1', new Date());
    expect(await getActiveBoxTokenHash(db, 'box-1')).toBeNull();
  });

  it('turns a first TerminalId into a device and updates it afterwards', async () => {
    const { db } = database;
    await createBox(db, { id: 'box-2', name: 'Shop', tokenHash: 'h2' });
    const at = new Date();
    const first = await upsertDevice(db, { boxId: 'box-2', terminalId: 'T1', type: 'payment', make: 'Ingenico', model: 'lane5000', online: true, at });
    const again = await upsertDevice(db, { boxId: 'box-2', terminalId: 'T1', type: 'payment', make: 'Ingenico', model: 'lane5000', online: false, at });
    expect(again.id).toBe(first.id);
    expect((await listDevices(db)).filter((d) => d.boxId === 'box-2').map((d) => d.online)).toEqual([false]);
  });

  it('links methods, journals and POS configurations', async () => {
    const { db } = database;
    const bank = await createJournal(db, { name: 'Bank', type: 'bank' });
    const device = await upsertDevice(db, {
      boxId: 'box-2',
      terminalId: 'T9',
      type: 'payment',
      make: 'Ingenico',
      model: 'desk5000',
      online: true,
      at: new Date(),
    });
    const card = await createPaymentMethod(db, { name: 'Card', kind: 'bank', journalId: bank.id, terminal: 'ingenico', deviceId: device.id });
    expect(await countMethodsOfJournal(db, bank.id)).toBe(1);
    expect(await countIngenicoMethods(db)).toBe(1);
    const pos = await createPosConfig(db, { name: 'Bar', paymentMethodIds: [card.id, card.id] });
    expect((await getPosConfig(db, pos.id))?.paymentMethodIds).toEqual([card.id]);
  });

  it('inserts a payment once per uuid and refuses a second running payment on a device', async () => {
    const { db } = database;
    const user = await createUser(db, { username: 'cash', role: 'cashier', passwordHash: 'h' });
    const bank = await createJournal(db, { name: 'Bank 2', type: 'bank' });
    const device = await upsertDevice(db, {
      boxId: 'box-2',
      terminalId: 'T5',
      type: 'payment',
      make: 'Ingenico',
      model: 'move5000',
      online: true,
      at: new Date(),
    });
    const card = await createPaymentMethod(db, { name: 'Card 2', kind: 'bank', journalId: bank.id, terminal: 'ingenico', deviceId: device.id });
    const pos = await createPosConfig(db, { name: 'Till', paymentMethodIds: [card.id] });
    const session = await openPosSession(db, { posConfigId: pos.id, userId: user?.id ?? 0, openingCashCents: 0 });
    const product = await createProduct(db, { name: 'Fries', priceCents: 350, vatRate: 6, active: true });
    const line = { productId: product.id, name: 'Fries', quantity: 2, unitPriceCents: 350, vatRate: 6, totalCents: 700 };
    const order = { id: 'order-1', sessionId: session.id, totalCents: 700, vatCents: 40, vat: [], createdBy: user?.id ?? 0, lines: [line] };
    expect(await insertOrder(db, order)).toBe(true);
    expect(await insertOrder(db, order)).toBe(false);
    const payment = {
      uuid: 'pay-1',
      orderId: 'order-1',
      methodId: card.id,
      amountCents: 700,
      state: 'pending' as const,
      requestHash: 'rh',
      deviceId: device.id,
      boxId: 'box-2',
      createdBy: user?.id ?? 0,
    };
    expect((await insertPayment(db, payment))?.uuid).toBe('pay-1');
    expect(await insertPayment(db, payment)).toBeNull();
    await expect(insertPayment(db, { ...payment, uuid: 'pay-2' })).rejects.toMatchObject({ code: '23505' });
    expect(await countActiveOnDevice(db, device.id)).toBe(1);
    await setPaymentState(db, 'pay-1', { state: 'done', at: new Date() });
    await addHistory(db, 'pay-1', { at: new Date(), source: 'box', event: 'approved', fromState: 'pending', toState: 'done', data: { stage: 4 } });
    expect((await getPayment(db, 'pay-1'))?.state).toBe('done');
    expect(await getHistory(db, 'pay-1')).toMatchObject([{ event: 'approved', toState: 'done', data: { stage: 4 } }]);
    expect((await getOrder(db, 'order-1'))?.payments).toMatchObject([{ uuid: 'pay-1', state: 'done' }]);
    const first = await markOrderPaid(db, 'order-1', new Date());
    expect(first).toBeGreaterThan(0);
  });

  it('records a box event id once per box', async () => {
    const { db } = database;
    expect(await markBoxEventsSeen(db, 'box-2', ['17'])).toEqual(new Set(['17']));
    expect(await markBoxEventsSeen(db, 'box-2', ['17'])).toEqual(new Set());
    expect(await markBoxEventsSeen(db, 'box-1', ['17'])).toEqual(new Set(['17']));
  });

  it('queues commands until they are delivered', async () => {
    const { db, bus } = database;
    const command = { kind: 'cancelTransaction' as const, paymentUuid: '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11', terminalId: 'T1' };
    const id = await enqueueCommand(db, bus.prefix, 'box-2', command);
    expect(await undeliveredCommands(db, 'box-2')).toEqual([{ id, boxId: 'box-2', command }]);
    await markCommandsDelivered(db, [id], new Date());
    expect(await undeliveredCommands(db, 'box-2')).toEqual([]);
  });

  it('refuses to queue a command the box contract does not describe, and stores nothing', async () => {
    const { db, bus } = database;
    const command = {
      kind: 'startTransaction' as const,
      paymentUuid: '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11',
      terminalId: 'T1',
      amountCents: 350,
      transactionKind: 'refund' as const,
      transactionType: 'refund',
    };
    await expect(enqueueCommand(db, bus.prefix, 'box-3', command)).rejects.toMatchObject({ code: 'CONTRACT_INVALID', path: '/command/transactionType' });
    expect(await undeliveredCommands(db, 'box-3')).toEqual([]);
  });

  it('reads a command stored under the former kinds as the contract command once migration 0021 rewrote it, and reports one it cannot read', async () => {
    const { db } = database;
    const paymentUuid = '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11';
    const rows = [
      { kind: 'pay', payload: { kind: 'pay', paymentUuid, terminalId: 'T1', amountCents: 350 } },
      { kind: 'release', payload: { kind: 'release', paymentUuid, terminalId: 'T1', reason: 'seen on the terminal' } },
      { kind: 'pay', payload: { kind: 'pay', paymentUuid, terminalId: 'T1' } },
    ];
    await db
      .insertInto('box_commands')
      .values(rows.map((r) => ({ box_id: 'box-2', kind: r.kind, payload: JSON.stringify(r.payload) })))
      .execute();
    await MIGRATIONS['0021_current_command_words']!.up(db);
    const stored = await db.selectFrom('box_commands').select(['kind', 'payload']).where('box_id', '=', 'box-2').orderBy('id').execute();
    expect(stored.slice(-rows.length).map((r) => [r.kind, (r.payload as { kind: string }).kind])).toEqual([
      ['startTransaction', 'startTransaction'],
      ['releaseTransaction', 'releaseTransaction'],
      ['startTransaction', 'startTransaction'],
    ]);
    expect(await undeliveredCommands(db, 'box-2')).toMatchObject([
      { command: { kind: 'startTransaction', paymentUuid, terminalId: 'T1', amountCents: 350 } },
      { command: { kind: 'releaseTransaction', reason: 'seen on the terminal' } },
      { error: expect.stringContaining('does not match the box contract') },
    ]);
  });

  it('announces events when they commit, keeps only one too large to announce, and prunes it', async () => {
    const { db } = database;
    const events = await listenToEvents(database);
    await appendEvent(db, { topic: 'payment', audience: 'cashier', data: opaque({ n: 1 }) });
    await appendEvent(db, { topic: 'device', audience: 'admin', data: opaque({ n: 2, text: 'x'.repeat(MAX_NOTIFY_BYTES) }) });
    const heard = await events.after(0);
    expect(heard).toMatchObject([
      { topic: 'payment', audience: 'cashier', data: { n: 1 }, posId: null, deviceId: null },
      { topic: 'device', audience: 'admin', data: { n: 2 } },
    ]);
    expect(await db.selectFrom('events').select('topic').execute()).toEqual([{ topic: 'device' }]);
    expect(await pruneEvents(db, new Date(Date.now() + 1000))).toBe(1);
    expect(await db.selectFrom('events').select('topic').execute()).toEqual([]);
  });
});
