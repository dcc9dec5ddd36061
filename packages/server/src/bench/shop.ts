import { randomUUID } from 'node:crypto';
import { DEFAULT_SCRYPT_COST } from '../auth/passwords.js';
import type { Database } from '../db/database.js';
import { DEFAULT_LOGIN_LOCKOUT } from '../domain/login-lockout.js';
import { createUser } from '../repos/users.js';
import { pairBox } from '../services/boxes.js';
import { addJournal, changeCompany, savePaymentMethod, savePosConfig, saveProduct } from '../services/configuration.js';
import type { ServiceContext } from '../services/context.js';
import { LocalLinks } from '../services/local-links.js';
import { approveTerminal } from '../services/devices.js';
import { openSession, putOrder } from '../services/sales.js';

/**
 * A Belgian shop with Ingenico switched on, a paired box and a POS per 50 terminals: what the
 * uplink's tests and bench drive payments through, built with the same services the API uses.
 */
export interface Shop {
  readonly userId: number;
  readonly productId: number;
  readonly productPriceCents: number;
  readonly bankJournalId: number;
  readonly box: { readonly id: string; readonly token: string };
}

export interface ShopTill {
  /** Payment method per device id. */
  readonly methodOfDevice: ReadonlyMap<number, number>;
  /** Open POS session per payment method id. */
  readonly sessionOfMethod: ReadonlyMap<number, number>;
}

/** A service context on an open database, as the app builds it. */
export function serviceContext(database: Database, options: { serverId?: string; publicUrl?: string; now?: () => Date } = {}): ServiceContext {
  return {
    database,
    db: database.db,
    prefix: database.bus.prefix,
    now: options.now ?? (() => new Date()),
    serverId: options.serverId ?? randomUUID(),
    links: new LocalLinks(),
    publicUrl: options.publicUrl ?? 'http://127.0.0.1:8080',
    passwordCost: DEFAULT_SCRYPT_COST,
    sessionTtlMs: 60_000,
    loginLockout: DEFAULT_LOGIN_LOCKOUT,
  };
}

export async function setUpShop(ctx: ServiceContext, options: { priceCents?: number } = {}): Promise<Shop> {
  await changeCompany(ctx, { name: 'Frituur Kassa', country: 'BE', ingenicoEnabled: true });
  // Names are unique per kind: a second shop in the same database gets its own.
  const suffix = randomUUID().slice(0, 8);
  const user = await createUser(ctx.db, { username: `cashier-${suffix}`, role: 'cashier', passwordHash: 'not used' });
  if (user === null) throw new Error('the cashier could not be created');
  const bank = await addJournal(ctx, { name: `Bank ${suffix}`, type: 'bank' });
  const priceCents = options.priceCents ?? 1250;
  const product = await saveProduct(ctx, null, { name: `Stoofvlees ${suffix}`, priceCents, vatRate: 21 });
  const paired = await pairBox(ctx, 'Counter box');
  return { userId: user.id, productId: product.id, productPriceCents: priceCents, bankJournalId: bank.id, box: { id: paired.box.id, token: paired.token } };
}

const METHODS_PER_POS = 50;

/** Each terminal device approved, one card payment method per device, grouped into POS configurations, each with an open session. */
export async function openTills(ctx: ServiceContext, shop: Shop, deviceIds: readonly number[]): Promise<ShopTill> {
  const methodOfDevice = new Map<number, number>();
  for (const deviceId of deviceIds) {
    await approveTerminal(ctx, deviceId, shop.userId);
    const method = await savePaymentMethod(ctx, null, {
      name: `Card ${deviceId}`,
      kind: 'bank',
      journalId: shop.bankJournalId,
      terminal: 'ingenico',
      deviceId,
    });
    methodOfDevice.set(deviceId, method.id);
  }
  const sessionOfMethod = new Map<number, number>();
  const methodIds = [...methodOfDevice.values()];
  const suffix = randomUUID().slice(0, 8);
  for (let start = 0; start < methodIds.length; start += METHODS_PER_POS) {
    const group = methodIds.slice(start, start + METHODS_PER_POS);
    const pos = await savePosConfig(ctx, null, { name: `Till ${start / METHODS_PER_POS + 1} ${suffix}`, paymentMethodIds: group });
    const session = await openSession(ctx, { posConfigId: pos.id, openingCashCents: 0 }, { id: shop.userId, role: 'admin', posConfigIds: [] });
    for (const methodId of group) sessionOfMethod.set(methodId, session.id);
  }
  return { methodOfDevice, sessionOfMethod };
}

/** A draft order of one product in the session that offers the method; returns its id. */
export async function newOrder(ctx: ServiceContext, shop: Shop, sessionId: number, quantity = 1): Promise<string> {
  const id = randomUUID();
  await putOrder(ctx, id, { sessionId, lines: [{ productId: shop.productId, quantity }] }, shop.userId);
  return id;
}
