import type { BoxEventMessage, DeviceReport } from '@kassa/contract';
import { BOX_CONTRACT_VERSION } from '@kassa/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceApproval } from '../domain/device-approval.js';
import { approvalAfterReport } from '../domain/device-approval.js';
import { createBox } from '../repos/boxes.js';
import { findDeviceOfBox, upsertDevice, upsertDeviceReports } from '../repos/devices.js';
import { createPaymentMethod } from '../repos/payment-methods.js';
import { applyBoxEvents } from '../services/box-events/apply.js';
import { boxConnected } from '../services/box-events/box-link.js';
import { reportFromBox } from '../test-support/box-reports.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { EventLog } from '../test-support/event-log.js';
import { listenToEvents } from '../test-support/event-log.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

interface DeviceJson {
  id: number;
  terminalId: string;
  boxId: string;
  approval: DeviceApproval;
  serialNumber: string | null;
  address: string | null;
  approvedSerialNumber: string | null;
  approvedAddress: string | null;
  sharedWith: number[];
  alerts: { id: number; kind: string; address: string | null; serialNumber: string | null; reason: string; attempts: number }[];
}

function report(terminalId: string, change: Partial<DeviceReport> = {}): DeviceReport {
  return {
    terminalId,
    model: 'lane5000',
    serialNumber: '216S12345678',
    address: '192.168.1.40',
    online: true,
    lastSeen: new Date().toISOString(),
    state: 'idle',
    ...change,
  };
}

describe.each(BACKENDS)('terminal approval on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  let admin: Agent;
  let heard: EventLog;
  let sequence = 0;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    heard = await listenToEvents(t.database);
    shop = await setupShop(t);
    admin = shop.admin;
    // The shop's terminal is approved before its box reported its serial number and address: its first report gives them.
    await hello(shop.device.boxId, [report('12345678')]);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const hello = (boxId: string, devices: DeviceReport[]) =>
    boxConnected(t.app.kassa, boxId, { type: 'hello', version: BOX_CONTRACT_VERSION, boxId: uuid(), software: 'test', devices });
  const events = (boxId: string, list: BoxEventMessage['event'][]) =>
    applyBoxEvents(
      t.app.kassa,
      boxId,
      list.map((event) => ({ type: 'event', id: `d${++sequence}`, at: new Date().toISOString(), event })),
    );
  const devices = async (): Promise<DeviceJson[]> => (await admin.inject({ method: 'GET', url: '/api/devices' })).json<{ items: DeviceJson[] }>().items;
  const device = async (terminalId: string, boxId = shop.device.boxId): Promise<DeviceJson> =>
    (await devices()).find((d) => d.terminalId === terminalId && d.boxId === boxId)!;
  const pay = async (paymentMethodId = shop.card.id) => {
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    const response = await shop.cashier.inject({
      method: 'PUT',
      url: `/api/payments/${paymentUuid}`,
      payload: { orderId: order.id, paymentMethodId, amountCents: 950 },
    });
    if (response.statusCode === 201) await reportFromBox(t.app.kassa, paymentUuid, 'declined', { eventId: `settle-${paymentUuid}` });
    const stored = await t.database.db.selectFrom('payments').select('uuid').where('uuid', '=', paymentUuid).execute();
    return { response, stored: stored.length };
  };
  /** The live `device` events heard so far, newest first. */
  const deviceEvents = async (): Promise<DeviceJson[]> =>
    (await heard.after(0)).flatMap((e) => (e.topic === 'device' ? [e.data.device as DeviceJson] : [])).reverse();
  /** The newest live `device` event about this device. */
  const lastDeviceEvent = async (terminalId: string, boxId = shop.device.boxId): Promise<DeviceJson | undefined> =>
    (await deviceEvents()).find((d) => d.terminalId === terminalId && d.boxId === boxId);

  it('takes the serial number and address of the first report of a terminal approved before they were known', async () => {
    expect(await device('12345678')).toMatchObject({
      approval: 'approved',
      serialNumber: '216S12345678',
      address: '192.168.1.40',
      approvedSerialNumber: '216S12345678',
      approvedAddress: '192.168.1.40',
    });
    expect((await pay()).response.statusCode).toBe(201);
  });

  it('lists a TerminalId it has never seen as new, with its serial number and address, live, and approves it for an admin only', async () => {
    await hello(shop.device.boxId, [report('12345678'), report('T-NEW-1', { serialNumber: '217S00000001', address: '192.168.1.41' })]);
    const fresh = await device('T-NEW-1');
    expect(fresh).toMatchObject({
      approval: 'new',
      serialNumber: '217S00000001',
      address: '192.168.1.41',
      approvedSerialNumber: null,
      sharedWith: [],
      alerts: [],
    });
    expect(await deviceEvents()).toContainEqual(expect.objectContaining({ terminalId: 'T-NEW-1', approval: 'new', serialNumber: '217S00000001' }));

    const refused = await shop.cashier.inject({ method: 'POST', url: `/api/devices/${fresh.id}/approve` });
    expect([refused.statusCode, code(refused)]).toEqual([403, 'KASSA_FORBIDDEN']);
    expect((await device('T-NEW-1')).approval).toBe('new');

    const approved = await admin.inject({ method: 'POST', url: `/api/devices/${fresh.id}/approve` });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      approval: 'approved',
      approvedSerialNumber: '217S00000001',
      approvedAddress: '192.168.1.41',
      approvedAt: expect.any(String),
    });
    expect(await lastDeviceEvent('T-NEW-1')).toMatchObject({ approval: 'approved' });
    expect(code(await admin.inject({ method: 'POST', url: '/api/devices/424242/approve' }))).toBe('KASSA_NOT_FOUND');
  });

  it('refuses a payment to a terminal that waits for approval, and writes nothing', async () => {
    await hello(shop.device.boxId, [report('12345678'), report('T-NEW-2', { serialNumber: '217S00000002' })]);
    const fresh = await device('T-NEW-2');
    // A method made before approval existed (configuration refuses a new device now).
    const method = await createPaymentMethod(t.database.db, {
      name: 'Old card',
      kind: 'bank',
      journalId: shop.card.journalId,
      terminal: 'ingenico',
      deviceId: fresh.id,
    });
    await t.database.db.insertInto('pos_config_methods').values({ pos_config_id: shop.pos.id, payment_method_id: method.id }).execute();
    const { response, stored } = await pay(method.id);
    expect([response.statusCode, code(response)]).toEqual([422, 'KASSA_DEVICE_NOT_APPROVED']);
    expect(response.json()).toMatchObject({ error: { message: expect.stringContaining('T-NEW-2'), details: { deviceId: fresh.id, approval: 'new' } } });
    expect(stored).toBe(0);
  });

  it.each([
    ['serial number', { serialNumber: '216S99999999' }],
    ['address', { address: '192.168.1.66' }],
  ])('quarantines an approved terminal that comes back with another %s: no payment until an admin approves the change', async (_what, change) => {
    await hello(shop.device.boxId, [report('12345678', change)]);
    const quarantined = await device('12345678');
    expect(quarantined).toMatchObject({ approval: 'quarantined', approvedSerialNumber: '216S12345678', approvedAddress: '192.168.1.40', ...change });
    expect(await lastDeviceEvent('12345678')).toMatchObject({ approval: 'quarantined' });
    const { response, stored } = await pay();
    expect([response.statusCode, code(response)]).toEqual([409, 'KASSA_DEVICE_QUARANTINED']);
    expect(stored).toBe(0);
    // Coming back as it was does not lift the quarantine by itself.
    await hello(shop.device.boxId, [report('12345678')]);
    expect((await device('12345678')).approval).toBe('quarantined');
    await events(shop.device.boxId, [{ kind: 'device', device: report('12345678', change) }]);

    expect((await admin.inject({ method: 'POST', url: `/api/devices/${quarantined.id}/approve` })).json()).toMatchObject({ approval: 'approved', ...change });
    expect((await pay()).response.statusCode).toBe(201);
    // Back to the original terminal for the next case: approved again by the admin.
    await hello(shop.device.boxId, [report('12345678')]);
    await admin.inject({ method: 'POST', url: `/api/devices/${quarantined.id}/approve` });
    expect(await device('12345678')).toMatchObject({ approval: 'approved', approvedSerialNumber: '216S12345678', approvedAddress: '192.168.1.40' });
  });

  it('refuses payments to a TerminalId two boxes report until the admin removes the wrong device', async () => {
    const otherBox = uuid();
    await createBox(t.database.db, { id: otherBox, name: 'Rogue box', tokenHash: 'unused' });
    await hello(otherBox, [report('12345678', { address: '10.9.9.9' })]);
    const rogue = await device('12345678', otherBox);
    expect(rogue).toMatchObject({ approval: 'new' });
    expect(await device('12345678')).toMatchObject({ approval: 'approved', sharedWith: [rogue.id] });
    const { response, stored } = await pay();
    expect([response.statusCode, code(response)]).toEqual([409, 'KASSA_DEVICE_DUPLICATE']);
    expect(stored).toBe(0);

    expect(code(await shop.cashier.inject({ method: 'POST', url: `/api/devices/${rogue.id}/remove` }))).toBe('KASSA_FORBIDDEN');
    expect((await admin.inject({ method: 'POST', url: `/api/devices/${rogue.id}/remove` })).statusCode).toBe(200);
    expect(await lastDeviceEvent('12345678')).toMatchObject({ sharedWith: [] });
    expect((await pay()).response.statusCode).toBe(201);
    expect((await devices()).map((d) => d.id)).not.toContain(rogue.id);
  });

  it('raises an impostor the box refused as an alert on the device, which an admin dismisses', async () => {
    const conflict = {
      kind: 'terminalConflict' as const,
      terminalId: '12345678',
      address: '192.168.1.66',
      serialNumber: null,
      reason: 'otherAddress' as const,
      attempts: 3,
    };
    expect(await events(shop.device.boxId, [conflict, { ...conflict, terminalId: 'NEVER-SEEN' }])).toEqual(['applied', 'recorded']);
    const alerted = await device('12345678');
    expect(alerted.alerts).toEqual([
      expect.objectContaining({ kind: 'impostor', address: '192.168.1.66', serialNumber: null, reason: 'otherAddress', attempts: 3 }),
    ]);
    expect(await lastDeviceEvent('12345678')).toMatchObject({ alerts: [expect.objectContaining({ kind: 'impostor' })] });
    // The same claimant again (the box held its refusals back for a minute): its count grows on the open alert.
    expect(await events(shop.device.boxId, [{ ...conflict, attempts: 4, serialNumber: '999S1', reason: 'otherSerialNumber' }])).toEqual(['applied']);
    expect((await device('12345678')).alerts).toEqual([
      expect.objectContaining({ id: alerted.alerts[0]!.id, address: '192.168.1.66', serialNumber: '999S1', reason: 'otherSerialNumber', attempts: 7 }),
    ]);
    expect(await lastDeviceEvent('12345678')).toMatchObject({ alerts: [expect.objectContaining({ attempts: 7 })] });
    // The terminal itself was not touched: it still takes payments.
    expect(alerted.approval).toBe('approved');
    expect((await pay()).response.statusCode).toBe(201);

    const alertId = alerted.alerts[0]!.id;
    const url = `/api/devices/${alerted.id}/alerts/${alertId}/dismiss`;
    expect(code(await shop.cashier.inject({ method: 'POST', url }))).toBe('KASSA_FORBIDDEN');
    const dismissed = await admin.inject({ method: 'POST', url });
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json()).toMatchObject({ id: alerted.id, alerts: [] });
    expect(code(await admin.inject({ method: 'POST', url }))).toBe('KASSA_ALERT_DISMISSED');
    // Dismissed, the claimant's next report raises a new alert; another address has one of its own.
    expect(await events(shop.device.boxId, [conflict, { ...conflict, address: '192.168.1.67', attempts: 1 }, conflict])).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    const raised = (await device('12345678')).alerts;
    expect(raised.map((a) => [a.address, a.attempts]).sort()).toEqual([
      ['192.168.1.66', 6],
      ['192.168.1.67', 1],
    ]);
    expect(raised.map((a) => a.id)).not.toContain(alertId);
    expect(code(await admin.inject({ method: 'POST', url: `/api/devices/${alerted.id}/alerts/424242/dismiss` }))).toBe('KASSA_NOT_FOUND');
  });

  it('documents the approval routes as admin only', async () => {
    const document = (await admin.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, { post?: { 'x-kassa-access'?: string } }>;
    }>();
    for (const path of ['/api/devices/{id}/approve', '/api/devices/{id}/remove', '/api/devices/{id}/alerts/{alertId}/dismiss'])
      expect(document.paths[path]?.post?.['x-kassa-access']).toBe('admin');
  });

  it('computes a report in SQL as the domain rule does, case by case', async () => {
    const boxId = uuid();
    await createBox(t.database.db, { id: boxId, name: 'Rule box', tokenHash: 'unused' });
    const values = [null, 'A', 'B'] as const;
    let n = 0;
    for (const approval of ['new', 'approved', 'quarantined'] as const) {
      for (const approvedSerialNumber of values) {
        for (const approvedAddress of values) {
          for (const serialNumber of values) {
            for (const address of values) {
              const terminalId = `R${++n}`;
              const at = new Date(Date.now() - 60_000);
              const row = await upsertDevice(t.database.db, { boxId, terminalId, type: 'payment', make: 'Ingenico', model: 'Lane/5000', online: true, at });
              await sql`update devices set approval = ${approval}, approved_serial_number = ${approvedSerialNumber}, approved_address = ${approvedAddress} where id = ${row.id}`.execute(
                t.database.db,
              );
              await upsertDeviceReports(t.database.db, boxId, [{ terminalId, model: 'Lane/5000', online: true, at: new Date(), serialNumber, address }], {
                quietMs: 60_000,
              });
              const stored = (await findDeviceOfBox(t.database.db, boxId, terminalId))!;
              const expected = approvalAfterReport({ device: { approval, approvedSerialNumber, approvedAddress }, reported: { serialNumber, address } });
              expect(
                { approval: stored.approval, approvedSerialNumber: stored.approvedSerialNumber, approvedAddress: stored.approvedAddress },
                terminalId,
              ).toEqual(expected);
            }
          }
        }
      }
    }
  });
});
