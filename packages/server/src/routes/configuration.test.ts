import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../auth/tokens.js';
import { createBox } from '../repos/boxes.js';
import type { DeviceView } from '../repos/devices.js';
import { upsertDevice } from '../repos/devices.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, loginAs, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';

const code = (response: { json: () => unknown }): string => (response.json() as { error?: { code?: string } }).error?.code ?? 'no error';

describe('configuration routes, as the seed document walks them', () => {
  let t: TestApp;
  let admin: Agent;
  let bank: { id: number };
  let till: { id: number };
  let lane: DeviceView;
  let printer: DeviceView;
  let otherMake: DeviceView;
  let gone: DeviceView;
  let fresh: DeviceView;

  beforeAll(async () => {
    t = await buildTestApp('postgres');
    admin = await loginAs(t.app, ADMIN);
    bank = (await admin.inject({ method: 'POST', url: '/api/journals', payload: { name: 'Bank', type: 'bank' } })).json();
    till = (await admin.inject({ method: 'POST', url: '/api/journals', payload: { name: 'Cash', type: 'cash' } })).json();
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
    fresh = await upsertDevice(t.database.db, { boxId, terminalId: '55556666', type: 'payment', make: 'Ingenico', model: 'desk5000', online: true, at });
    printer = await upsertDevice(t.database.db, { boxId, terminalId: 'PRN1', type: 'printer', make: 'Ingenico', model: 'x', online: true, at });
    otherMake = await upsertDevice(t.database.db, { boxId, terminalId: 'OTHER', type: 'payment', make: 'Acme', model: 'a1', online: true, at });
    const doomedBox = (await admin.inject({ method: 'POST', url: '/api/boxes', payload: { name: 'Doomed' } })).json<{ box: { id: string } }>().box.id;
    gone = await upsertDevice(t.database.db, {
      boxId: doomedBox,
      terminalId: '87654321',
      type: 'payment',
      make: 'Ingenico',
      model: 'desk5000',
      online: true,
      at,
    });
    await admin.inject({ method: 'POST', url: `/api/boxes/${doomedBox}/revoke` });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const ingenicoMethod = (change: object = {}) => ({ name: 'Card', kind: 'bank', journalId: bank.id, terminal: 'ingenico', deviceId: lane.id, ...change });
  const postMethod = (payload: object) => admin.inject({ method: 'POST', url: '/api/payment-methods', payload });

  describe('PATCH /api/company', () => {
    it('refuses the Ingenico setting for a company outside Belgium, the Netherlands and Luxembourg with KASSA_INGENICO_COUNTRY', async () => {
      const response = await admin.inject({ method: 'PATCH', url: '/api/company', payload: { country: 'FR', ingenicoEnabled: true } });
      expect(response.statusCode).toBe(422);
      expect(code(response)).toBe('KASSA_INGENICO_COUNTRY');
      expect((await admin.inject({ method: 'GET', url: '/api/company' })).json()).toMatchObject({ country: 'BE', ingenicoEnabled: false });
    });

    it('refuses a country that is not a two-letter code with KASSA_COUNTRY_UNKNOWN', async () => {
      expect(code(await admin.inject({ method: 'PATCH', url: '/api/company', payload: { country: '12' } }))).toBe('KASSA_COUNTRY_UNKNOWN');
    });

    it('refuses an Ingenico payment method while the setting is off with KASSA_INGENICO_DISABLED', async () => {
      expect(code(await postMethod(ingenicoMethod()))).toBe('KASSA_INGENICO_DISABLED');
    });

    it.each(['NL', 'LU', 'BE'])('switches the Ingenico setting on for a company in %s and shows its VAT rates', async (country) => {
      const response = await admin.inject({ method: 'PATCH', url: '/api/company', payload: { name: 'Frituur', country, ingenicoEnabled: true } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ country, ingenicoEnabled: true, vatRates: expect.any(Array) });
    });
  });

  describe('POST /api/payment-methods', () => {
    it('refuses a terminal method on a Cash journal with KASSA_JOURNAL_NOT_BANK', async () => {
      expect(code(await postMethod(ingenicoMethod({ journalId: till.id })))).toBe('KASSA_JOURNAL_NOT_BANK');
    });

    it('refuses an Ingenico method without a payment terminal device with KASSA_DEVICE_REQUIRED', async () => {
      expect(code(await postMethod(ingenicoMethod({ deviceId: null })))).toBe('KASSA_DEVICE_REQUIRED');
    });

    it('refuses a device that is not an Ingenico payment terminal with KASSA_DEVICE_NOT_INGENICO', async () => {
      expect(code(await postMethod(ingenicoMethod({ deviceId: printer.id })))).toBe('KASSA_DEVICE_NOT_INGENICO');
      expect(code(await postMethod(ingenicoMethod({ deviceId: otherMake.id })))).toBe('KASSA_DEVICE_NOT_INGENICO');
    });

    it('refuses a device of a revoked box with KASSA_DEVICE_GONE', async () => {
      expect(code(await postMethod(ingenicoMethod({ deviceId: gone.id })))).toBe('KASSA_DEVICE_GONE');
    });

    it('refuses a device or journal that does not exist with 404 KASSA_NOT_FOUND', async () => {
      expect(code(await postMethod(ingenicoMethod({ deviceId: 99_999 })))).toBe('KASSA_NOT_FOUND');
      expect(code(await postMethod(ingenicoMethod({ journalId: 99_999 })))).toBe('KASSA_NOT_FOUND');
    });

    it('refuses a cash method on a Bank journal with KASSA_JOURNAL_NOT_CASH', async () => {
      expect(code(await postMethod({ name: 'Cash', kind: 'cash', journalId: bank.id, terminal: 'none', deviceId: null }))).toBe('KASSA_JOURNAL_NOT_CASH');
    });

    it('refuses a cash method with a terminal with KASSA_CASH_WITH_TERMINAL', async () => {
      expect(code(await postMethod({ name: 'Cash', kind: 'cash', journalId: till.id, terminal: 'ingenico', deviceId: lane.id }))).toBe(
        'KASSA_CASH_WITH_TERMINAL',
      );
    });

    it('refuses a device on a method without a terminal with KASSA_DEVICE_UNEXPECTED', async () => {
      expect(code(await postMethod({ name: 'Transfer', kind: 'bank', journalId: bank.id, terminal: 'none', deviceId: lane.id }))).toBe(
        'KASSA_DEVICE_UNEXPECTED',
      );
    });

    it('refuses a field it does not know with KASSA_VALIDATION', async () => {
      const response = await postMethod({ ...ingenicoMethod(), colour: 'blue' });
      expect(response.statusCode).toBe(400);
      expect(code(response)).toBe('KASSA_VALIDATION');
    });

    it('creates the Ingenico method once the setting is on, the journal is Bank and the device an Ingenico terminal', async () => {
      const response = await postMethod(ingenicoMethod());
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ name: 'Card', terminal: 'ingenico', deviceId: lane.id });
      expect((await admin.inject({ method: 'GET', url: '/api/payment-methods' })).json().items).toHaveLength(1);
    });

    it('refuses a device that waits for approval with KASSA_DEVICE_NOT_APPROVED naming the field, and takes it once an admin approved it', async () => {
      const refused = await postMethod(ingenicoMethod({ name: 'Desk', deviceId: fresh.id }));
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        error: {
          code: 'KASSA_DEVICE_NOT_APPROVED',
          message: expect.stringMatching(/^deviceId: .*new/),
          details: { field: 'deviceId', deviceId: fresh.id, approval: 'new' },
        },
      });
      expect((await admin.inject({ method: 'GET', url: '/api/payment-methods' })).json<{ items: { name: string }[] }>().items.map((m) => m.name)).not.toContain(
        'Desk',
      );
      const approved = await admin.inject({ method: 'POST', url: `/api/devices/${fresh.id}/approve` });
      expect(approved.json()).toMatchObject({ id: fresh.id, approval: 'approved', approvedAt: expect.any(String) });
      const created = await postMethod(ingenicoMethod({ name: 'Desk', deviceId: fresh.id }));
      expect(created.statusCode).toBe(201);
    });

    it('keeps the Ingenico setting on while a method uses it (KASSA_INGENICO_IN_USE)', async () => {
      const response = await admin.inject({ method: 'PATCH', url: '/api/company', payload: { ingenicoEnabled: false } });
      expect(response.statusCode).toBe(409);
      expect(code(response)).toBe('KASSA_INGENICO_IN_USE');
    });
  });

  describe('journals', () => {
    it('keeps a journal that a payment method uses (KASSA_JOURNAL_IN_USE), for deletion and for a change of type', async () => {
      expect(code(await admin.inject({ method: 'DELETE', url: `/api/journals/${bank.id}` }))).toBe('KASSA_JOURNAL_IN_USE');
      expect(code(await admin.inject({ method: 'PUT', url: `/api/journals/${bank.id}`, payload: { name: 'Bank', type: 'cash' } }))).toBe(
        'KASSA_JOURNAL_IN_USE',
      );
      expect((await admin.inject({ method: 'PUT', url: `/api/journals/${bank.id}`, payload: { name: 'KBC', type: 'bank' } })).json()).toMatchObject({
        name: 'KBC',
        type: 'bank',
      });
    });

    it('deletes an unused journal', async () => {
      const spare = (await admin.inject({ method: 'POST', url: '/api/journals', payload: { name: 'Spare', type: 'cash' } })).json<{ id: number }>();
      expect((await admin.inject({ method: 'DELETE', url: `/api/journals/${spare.id}` })).statusCode).toBe(204);
      expect((await admin.inject({ method: 'GET', url: '/api/journals' })).json().items.map((j: { id: number }) => j.id)).not.toContain(spare.id);
    });

    it('answers an id out of range with 400 KASSA_VALIDATION', async () => {
      expect(code(await admin.inject({ method: 'DELETE', url: '/api/journals/99999999999' }))).toBe('KASSA_VALIDATION');
    });
  });

  describe('POS configurations', () => {
    it('adds a terminal method to a POS configuration while its device exists', async () => {
      const card = (await admin.inject({ method: 'GET', url: '/api/payment-methods' })).json().items[0];
      const response = await admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Counter', paymentMethodIds: [card.id] } });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ name: 'Counter', paymentMethodIds: [card.id] });
    });

    it('refuses a terminal method whose device is gone with KASSA_DEVICE_GONE', async () => {
      const boxId = uuid();
      await createBox(t.database.db, { id: boxId, name: 'Short-lived', tokenHash: 'y' });
      const device = await upsertDevice(t.database.db, {
        boxId,
        terminalId: '11112222',
        type: 'payment',
        make: 'Ingenico',
        model: 'move5000',
        online: true,
        at: new Date(),
        approved: true,
      });
      const method = (await postMethod(ingenicoMethod({ name: 'Move', deviceId: device.id }))).json<{ id: number }>();
      await admin.inject({ method: 'POST', url: `/api/boxes/${boxId}/revoke` });
      const response = await admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'Terrace', paymentMethodIds: [method.id] } });
      expect(code(response)).toBe('KASSA_DEVICE_GONE');
    });

    it('refuses an unknown payment method with 404', async () => {
      expect(code(await admin.inject({ method: 'POST', url: '/api/pos-configs', payload: { name: 'X', paymentMethodIds: [4242] } }))).toBe('KASSA_NOT_FOUND');
    });
  });

  describe('products', () => {
    it('stores prices in cents with a VAT rate of the company country', async () => {
      const response = await admin.inject({ method: 'POST', url: '/api/products', payload: { name: 'Fries', priceCents: 350, vatRate: 6 } });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ name: 'Fries', priceCents: 350, vatRate: 6, active: true });
    });

    it('refuses a VAT rate the country does not have with KASSA_VAT_RATE', async () => {
      expect(code(await admin.inject({ method: 'POST', url: '/api/products', payload: { name: 'Wine', priceCents: 900, vatRate: 9 } }))).toBe('KASSA_VAT_RATE');
    });

    it('refuses a price that is not whole cents with KASSA_VALIDATION', async () => {
      expect(code(await admin.inject({ method: 'POST', url: '/api/products', payload: { name: 'Wine', priceCents: 9.5, vatRate: 21 } }))).toBe(
        'KASSA_VALIDATION',
      );
      expect(code(await admin.inject({ method: 'POST', url: '/api/products', payload: { name: 'Wine', priceCents: '950', vatRate: 21 } }))).toBe(
        'KASSA_VALIDATION',
      );
    });
  });

  describe('IoT boxes and devices', () => {
    it('pairs a box: shows its token once with the kassa-iotbox command, and stores only the hash', async () => {
      const response = await admin.inject({ method: 'POST', url: '/api/boxes', payload: { name: 'Back room' } });
      expect(response.statusCode).toBe(201);
      const paired = response.json<{ box: { id: string; online: boolean }; token: string; command: string }>();
      expect(paired.command).toContain(`kassa-iotbox --server http://kassa.test --token ${paired.token}`);
      expect(paired.box.online).toBe(false);
      const stored = await t.database.db.selectFrom('boxes').select('token_hash').where('id', '=', paired.box.id).executeTakeFirstOrThrow();
      expect(stored.token_hash).toBe(sha256(paired.token));
      const listed = (await admin.inject({ method: 'GET', url: '/api/boxes' })).json<{ items: object[] }>().items;
      expect(JSON.stringify(listed)).not.toContain(paired.token);
    });

    it('revokes a box, and answers 404 for a box that does not exist', async () => {
      const paired = (await admin.inject({ method: 'POST', url: '/api/boxes', payload: { name: 'Old' } })).json<{ box: { id: string } }>();
      const revoked = await admin.inject({ method: 'POST', url: `/api/boxes/${paired.box.id}/revoke` });
      expect(revoked.json()).toMatchObject({ id: paired.box.id, revokedAt: expect.any(String), online: false });
      expect(code(await admin.inject({ method: 'POST', url: `/api/boxes/${uuid()}/revoke` }))).toBe('KASSA_NOT_FOUND');
    });

    it('lists the devices of boxes that are not revoked, with type, make, model, TerminalId and online state', async () => {
      const devices = (await admin.inject({ method: 'GET', url: '/api/devices' })).json<{ items: { terminalId: string }[] }>().items;
      expect(devices.map((d) => d.terminalId)).toContain('12345678');
      expect(devices.map((d) => d.terminalId)).not.toContain('87654321');
      expect(devices.find((d) => d.terminalId === '12345678')).toMatchObject({ type: 'payment', make: 'Ingenico', model: 'lane5000', online: true });
    });
  });

  describe('users and roles', () => {
    it('creates a cashier, refuses the same username twice with KASSA_CONFLICT', async () => {
      const created = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'bob', password: 'long enough too', role: 'cashier' } });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ username: 'bob', role: 'cashier', active: true });
      expect(created.body).not.toContain('long enough too');
      expect(code(await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'bob', password: 'long enough too', role: 'admin' } }))).toBe(
        'KASSA_CONFLICT',
      );
    });

    it('keeps the last admin (KASSA_LAST_ADMIN)', async () => {
      const users = (await admin.inject({ method: 'GET', url: '/api/users' })).json<{ items: { id: number; username: string }[] }>().items;
      const self = users.find((u) => u.username === ADMIN.username);
      expect(code(await admin.inject({ method: 'PATCH', url: `/api/users/${self?.id}`, payload: { role: 'cashier' } }))).toBe('KASSA_LAST_ADMIN');
    });

    it('ends the sessions of a user who is deactivated', async () => {
      const created = (
        await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'eve', password: 'long enough too', role: 'cashier' } })
      ).json<{ id: number }>();
      const eve = await loginAs(t.app, { username: 'eve', password: 'long enough too' });
      await admin.inject({ method: 'PATCH', url: `/api/users/${created.id}`, payload: { active: false } });
      expect((await eve.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    });
  });
});
