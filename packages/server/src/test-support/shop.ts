import type { PaymentMethod, PosConfig, PosSession, Product } from '@kassa/contract';
import { expect } from 'vitest';
import { createBox } from '../repos/boxes.js';
import { findDeviceOfBox, upsertDevice } from '../repos/devices.js';
import type { DeviceView } from '../repos/devices.js';
import type { Agent, TestApp } from './app.js';
import { ADMIN, CASHIER, loginAs, uuid } from './app.js';

export interface Shop {
  readonly admin: Agent;
  readonly cashier: Agent;
  readonly device: DeviceView;
  readonly card: PaymentMethod;
  readonly cash: PaymentMethod;
  readonly pos: PosConfig;
  readonly fries: Product;
  readonly beer: Product;
  readonly session: PosSession;
}

async function ok<T>(agent: Agent, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object): Promise<T> {
  const response = await agent.inject({ method, url, payload });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json<T>();
}

/**
 * A Belgian shop configured through the API as the seed document walks it: Ingenico on, Bank and
 * Cash journals, a box with an online Lane/5000 the admin approved, a card and a cash method, a POS, two products and
 * an open session.
 */
export async function setupShop(t: TestApp, terminalId = '12345678'): Promise<Shop> {
  const admin = await loginAs(t.app, ADMIN);
  const cashier = await loginAs(t.app, CASHIER);
  await ok(admin, 'PATCH', '/api/company', { name: 'Frituur', country: 'BE', ingenicoEnabled: true });
  const bank = await ok<{ id: number }>(admin, 'POST', '/api/journals', { name: 'Bank', type: 'bank' });
  const till = await ok<{ id: number }>(admin, 'POST', '/api/journals', { name: 'Cash', type: 'cash' });
  const boxId = uuid();
  await createBox(t.database.db, { id: boxId, name: 'Counter box', tokenHash: 'unused' });
  await upsertDevice(t.database.db, { boxId, terminalId, type: 'payment', make: 'Ingenico', model: 'lane5000', online: true, at: new Date() });
  const reported = await findDeviceOfBox(t.database.db, boxId, terminalId);
  // A terminal the server has never seen is new: the admin approves it before a method may choose it.
  await ok(admin, 'POST', `/api/devices/${reported!.id}/approve`, {});
  const device = (await findDeviceOfBox(t.database.db, boxId, terminalId))!;
  const card = await ok<PaymentMethod>(admin, 'POST', '/api/payment-methods', {
    name: 'Card',
    kind: 'bank',
    journalId: bank.id,
    terminal: 'ingenico',
    deviceId: device.id,
  });
  const cash = await ok<PaymentMethod>(admin, 'POST', '/api/payment-methods', {
    name: 'Cash',
    kind: 'cash',
    journalId: till.id,
    terminal: 'none',
    deviceId: null,
  });
  const pos = await ok<PosConfig>(admin, 'POST', '/api/pos-configs', { name: 'Counter', paymentMethodIds: [card.id, cash.id] });
  const fries = await ok<Product>(admin, 'POST', '/api/products', { name: 'Fries', priceCents: 350, vatRate: 6 });
  const beer = await ok<Product>(admin, 'POST', '/api/products', { name: 'Beer', priceCents: 250, vatRate: 21 });
  const session = await ok<PosSession>(cashier, 'POST', '/api/sessions', { posConfigId: pos.id, openingCashCents: 10_000 });
  return { admin, cashier, device, card, cash, pos, fries, beer, session };
}

/** A new draft order of two fries and a beer (950 cents). */
export async function newOrder(
  shop: Shop,
  lines = [
    { productId: shop.fries.id, quantity: 2 },
    { productId: shop.beer.id, quantity: 1 },
  ],
): Promise<{ id: string; totalCents: number }> {
  const id = uuid();
  const order = await ok<{ id: string; totalCents: number }>(shop.cashier, 'PUT', `/api/orders/${id}`, { sessionId: shop.session.id, lines });
  return order;
}
