import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBox } from '../repos/boxes.js';
import type { DeviceView } from '../repos/devices.js';
import { upsertDevice } from '../repos/devices.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';

interface Refusal {
  statusCode: number;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(BACKENDS)('names, devices and POS methods in the configuration on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let bank: { id: number };
  let cash: { id: number };
  let lane: DeviceView;
  let desk: DeviceView;

  const send = async (method: 'POST' | 'PUT', url: string, payload: object): Promise<Refusal & { json: Record<string, unknown> }> => {
    const response = await admin.inject({ method, url, payload });
    const json = response.json<Record<string, unknown>>();
    return { statusCode: response.statusCode, error: (json['error'] ?? {}) as Refusal['error'], json };
  };
  const names = async (url: string): Promise<string[]> =>
    (await admin.inject({ method: 'GET', url })).json<{ items: { name: string }[] }>().items.map((i) => i.name);

  beforeAll(async () => {
    t = await buildTestApp(backend);
    admin = await loginAs(t.app, ADMIN);
    await admin.inject({ method: 'PATCH', url: '/api/company', payload: { country: 'BE', ingenicoEnabled: true } });
    bank = (await send('POST', '/api/journals', { name: 'Bank', type: 'bank' })).json as { id: number };
    cash = (await send('POST', '/api/journals', { name: 'Cash', type: 'cash' })).json as { id: number };
    const boxId = uuid();
    await createBox(t.database.db, { id: boxId, name: 'Shop box', tokenHash: 'x' });
    const at = new Date();
    lane = await upsertDevice(t.database.db, {
      boxId,
      terminalId: '12345678',
      type: 'payment',
      make: 'Ingenico',
      model: 'lane5000',
      online: true,
      at,
      approved: true,
    });
    desk = await upsertDevice(t.database.db, {
      boxId,
      terminalId: '23456789',
      type: 'payment',
      make: 'Ingenico',
      model: 'desk5000',
      online: true,
      at,
      approved: true,
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const method = (change: object = {}) => ({ name: 'Card', kind: 'bank', journalId: bank.id, terminal: 'ingenico', deviceId: lane.id, ...change });

  it('trims names, and refuses a blank one with KASSA_NAME_BLANK naming the field, for every kind', async () => {
    const created = await send('POST', '/api/payment-methods', method({ name: '  Card  ' }));
    expect(created.statusCode).toBe(201);
    expect(created.json['name']).toBe('Card');
    for (const [url, payload] of [
      ['/api/payment-methods', { name: '   ', kind: 'cash', journalId: cash.id, terminal: 'none', deviceId: null }],
      ['/api/pos-configs', { name: ' \t ', paymentMethodIds: [created.json['id']] }],
      ['/api/journals', { name: '  ', type: 'bank' }],
      ['/api/products', { name: '   ', priceCents: 100, vatRate: 6 }],
    ] as const) {
      const refused = await send('POST', url, payload);
      expect(refused.statusCode, url).toBe(422);
      expect(refused.error).toMatchObject({ code: 'KASSA_NAME_BLANK', details: { field: 'name', reason: 'blank' } });
    }
    expect(await names('/api/products')).not.toContain('');
    expect(await names('/api/pos-configs')).toEqual([]);
  });

  it('refuses a second object of a kind with the same name, whatever its case or spaces, with KASSA_NAME_TAKEN', async () => {
    const cashMethod = await send('POST', '/api/payment-methods', { name: 'Cash', kind: 'cash', journalId: cash.id, terminal: 'none', deviceId: null });
    expect(cashMethod.statusCode).toBe(201);
    const twin = await send('POST', '/api/payment-methods', { name: ' cash ', kind: 'cash', journalId: cash.id, terminal: 'none', deviceId: null });
    expect(twin.statusCode).toBe(409);
    expect(twin.error).toMatchObject({
      code: 'KASSA_NAME_TAKEN',
      message: expect.stringContaining('"cash"'),
      details: { field: 'name', reason: 'taken', kind: 'Payment method' },
    });

    const counter = await send('POST', '/api/pos-configs', { name: 'Counter', paymentMethodIds: [cashMethod.json['id']] });
    expect(counter.statusCode).toBe(201);
    expect((await send('POST', '/api/pos-configs', { name: 'COUNTER', paymentMethodIds: [cashMethod.json['id']] })).error.code).toBe('KASSA_NAME_TAKEN');
    expect((await send('POST', '/api/journals', { name: 'bank', type: 'bank' })).error.code).toBe('KASSA_NAME_TAKEN');
    expect((await send('POST', '/api/products', { name: 'Fries', priceCents: 350, vatRate: 6 })).statusCode).toBe(201);
    expect((await send('POST', '/api/products', { name: 'fries', priceCents: 300, vatRate: 6 })).error.code).toBe('KASSA_NAME_TAKEN');

    // Saving an object under its own name is no conflict; taking another's is.
    expect(
      (await send('PUT', `/api/pos-configs/${String(counter.json['id'])}`, { name: 'Counter', paymentMethodIds: [cashMethod.json['id']] })).statusCode,
    ).toBe(200);
    expect(
      (
        await send('PUT', `/api/payment-methods/${String(cashMethod.json['id'])}`, {
          name: 'CARD',
          kind: 'cash',
          journalId: cash.id,
          terminal: 'none',
          deviceId: null,
        })
      ).error.code,
    ).toBe('KASSA_NAME_TAKEN');
    expect(await names('/api/payment-methods')).toEqual(['Card', 'Cash']);
  });

  it('keeps one payment terminal device on one payment method (KASSA_DEVICE_IN_USE names the other method)', async () => {
    const refused = await send('POST', '/api/payment-methods', method({ name: 'Card 2' }));
    expect(refused.statusCode).toBe(409);
    expect(refused.error).toMatchObject({
      code: 'KASSA_DEVICE_IN_USE',
      message: expect.stringContaining('"Card"'),
      details: { field: 'deviceId', reason: 'inUse', deviceId: lane.id, paymentMethodName: 'Card' },
    });
    const other = await send('POST', '/api/payment-methods', method({ name: 'Card 2', deviceId: desk.id }));
    expect(other.statusCode).toBe(201);
    expect((await send('PUT', `/api/payment-methods/${String(other.json['id'])}`, method({ name: 'Card 2' }))).error.code).toBe('KASSA_DEVICE_IN_USE');
    // A method keeps its own device when it is saved again.
    expect((await send('PUT', `/api/payment-methods/${String(other.json['id'])}`, method({ name: 'Card two', deviceId: desk.id }))).statusCode).toBe(200);
  });

  it('refuses a POS configuration without a payment method with KASSA_POS_NO_METHOD naming the field', async () => {
    const refused = await send('POST', '/api/pos-configs', { name: 'Terrace', paymentMethodIds: [] });
    expect(refused.statusCode).toBe(422);
    expect(refused.error).toMatchObject({ code: 'KASSA_POS_NO_METHOD', details: { field: 'paymentMethodIds', reason: 'empty' } });
    expect(await names('/api/pos-configs')).not.toContain('Terrace');
  });
});
