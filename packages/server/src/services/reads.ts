import type { Box, Company, Device, Journal, ListOrdersQuery, Order, OrderList, PaymentMethod, PosConfig, PosSession, Product, User } from '@kassa/contract';
import { notFound } from '../domain/errors.js';
import { listBoxes } from '../repos/boxes.js';
import { listDevices } from '../repos/devices.js';
import { listJournals } from '../repos/journals.js';
import { lockedUsernames } from '../repos/login-throttles.js';
import { searchOrders } from '../repos/order-search.js';
import { listPaymentMethods } from '../repos/payment-methods.js';
import { getPosConfig, listPosConfigs } from '../repos/pos-configs.js';
import { listPosSessions } from '../repos/pos-sessions.js';
import { listProducts } from '../repos/products.js';
import { listUsers } from '../repos/users.js';
import { boxView, deviceView } from './boxes.js';
import { companyView, loadCompany } from './configuration.js';
import type { ServiceContext } from './context.js';
import { iso, isoOrNull } from './context.js';
import { orderView, requireOrder, requireSession, sessionView } from './sales.js';

// Read-only views for the HTTP API, each in the contract's shape.

export async function readCompany(ctx: ServiceContext): Promise<Company> {
  return companyView(await loadCompany(ctx.db));
}

export async function readJournals(ctx: ServiceContext): Promise<Journal[]> {
  return listJournals(ctx.db);
}

export async function readBoxes(ctx: ServiceContext): Promise<Box[]> {
  return (await listBoxes(ctx.db)).map(boxView);
}

export async function readDevices(ctx: ServiceContext): Promise<Device[]> {
  return (await listDevices(ctx.db)).map(deviceView);
}

export async function readPaymentMethods(ctx: ServiceContext): Promise<PaymentMethod[]> {
  return listPaymentMethods(ctx.db);
}

export async function readPosConfigs(ctx: ServiceContext): Promise<PosConfig[]> {
  return listPosConfigs(ctx.db);
}

export async function readPosConfig(ctx: ServiceContext, id: number): Promise<PosConfig> {
  const config = await getPosConfig(ctx.db, id);
  if (config === null) throw notFound('POS configuration', id);
  return config;
}

export async function readProducts(ctx: ServiceContext): Promise<Product[]> {
  return listProducts(ctx.db);
}

/** The users, each with the time its login lock ends (null when not locked). */
export async function readUsers(ctx: ServiceContext): Promise<(User & { lockedUntil: string | null })[]> {
  const locked = await lockedUsernames(ctx.db, ctx.now());
  return (await listUsers(ctx.db)).map((user) => ({ ...user, lockedUntil: isoOrNull(locked.get(user.username) ?? null) }));
}

export async function readSessions(ctx: ServiceContext): Promise<PosSession[]> {
  return (await listPosSessions(ctx.db)).map(sessionView);
}

export async function readSession(ctx: ServiceContext, id: number): Promise<PosSession> {
  return sessionView(await requireSession(ctx.db, id));
}

export async function readOrders(ctx: ServiceContext, query: ListOrdersQuery): Promise<OrderList> {
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const { items, total } = await searchOrders(ctx.db, {
    ...query,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    limit,
    offset,
  });
  return {
    items: items.map((o) => ({ ...o, createdAt: iso(o.createdAt), validatedAt: o.validatedAt === null ? null : iso(o.validatedAt) })),
    total,
    limit,
    offset,
  };
}

export async function readOrder(ctx: ServiceContext, id: string): Promise<Order> {
  return orderView(await requireOrder(ctx.db, id));
}
