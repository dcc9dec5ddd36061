import type { Order as OrderApi, PosSession as PosSessionApi, PutOrderBody, Receipt, Refund as RefundApi } from '@kassa/contract';
import { KassaError, notFound } from '../domain/errors.js';
import { checkOrderCancel, checkOrderValidation, orderNeedsAttention } from '../domain/orders.js';
import { amountDue, paidAndRunning } from '../domain/payments.js';
import { PAID_STATES } from '../domain/payment-states.js';
import type { ReturnedLine } from '../domain/refunds.js';
import { checkMayOpen } from '../domain/roles.js';
import type { Role } from '../domain/roles.js';
import { checkSessionOpen } from '../domain/sessions.js';
import { computeOrderTotals } from '../domain/totals.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import type { Order } from '../repos/orders.js';
import { getOrder, insertOrder, markOrderCancelled, markOrderPaid } from '../repos/orders.js';
import { listPaymentMethods } from '../repos/payment-methods.js';
import { getTickets } from '../repos/payments.js';
import { getPosConfig } from '../repos/pos-configs.js';
import type { PosSession } from '../repos/pos-sessions.js';
import type { RefundRecord } from '../repos/refunds.js';
import { countOpenSessions, getPosSession, openPosSession } from '../repos/pos-sessions.js';
import { getProducts } from '../repos/products.js';
import type { ServiceContext } from './context.js';
import { iso, isoOrNull } from './context.js';
import { loadCompany } from './configuration.js';
import { renderReceipt } from './receipt-text.js';

export function sessionView(s: PosSession): PosSessionApi {
  return {
    ...s,
    openedAt: iso(s.openedAt),
    closedAt: isoOrNull(s.closedAt),
    closing: s.closing === null ? null : { ...s.closing, totals: [...s.closing.totals] },
  };
}

/** The returned lines of a refund with their names, as the order has them. */
export function refundLinesView(o: Pick<Order, 'lines'>, lines: readonly ReturnedLine[]): RefundApi['lines'] {
  return lines.map((l) => ({ ...l, name: o.lines[l.position]?.name ?? '' }));
}

export function refundView(o: Pick<Order, 'lines'>, r: RefundRecord): RefundApi {
  return {
    uuid: r.uuid,
    orderId: r.orderId,
    paymentMethodId: r.methodId,
    methodName: r.methodName,
    amountCents: r.amountCents,
    state: r.state,
    reason: r.reason,
    lines: refundLinesView(o, r.lines),
    createdBy: r.createdBy,
    approvedBy: r.approvedBy,
    createdAt: iso(r.createdAt),
  };
}

export function orderView(o: Order): OrderApi {
  return {
    id: o.id,
    sessionId: o.sessionId,
    state: o.state,
    totalCents: o.totalCents,
    vatCents: o.vatCents,
    dueCents: o.state === 'draft' ? amountDue(o) : 0,
    ...paidAndRunning(o.payments),
    vat: o.vat,
    lines: o.lines,
    payments: o.payments.map((p) => ({
      uuid: p.uuid,
      methodId: p.methodId,
      amountCents: p.amountCents,
      state: p.state,
      tenderedCents: p.tenderedCents,
      changeCents: p.changeCents,
    })),
    refunds: o.refunds.map((r) => refundView(o, r)),
    refundedCents: o.refunds.filter((r) => PAID_STATES.includes(r.state)).reduce((sum, r) => sum + r.amountCents, 0),
    attention: orderNeedsAttention(o),
    createdAt: iso(o.createdAt),
    validatedAt: isoOrNull(o.validatedAt),
    receiptNumber: o.receiptNumber,
  };
}

export async function openSession(
  ctx: ServiceContext,
  body: { posConfigId: number; openingCashCents: number },
  actor: { id: number; role: Role; posConfigIds: readonly number[] },
): Promise<PosSessionApi> {
  const userId = actor.id;
  return ctx.db.transaction().execute(async (trx) => {
    const config = await getPosConfig(trx, body.posConfigId);
    if (config === null) throw notFound('POS configuration', body.posConfigId);
    if (config.archived) throw new KassaError('KASSA_POS_ARCHIVED', undefined, { posConfigId: config.id });
    checkMayOpen({ actor, posConfigId: config.id });
    checkSessionOpen({ openSessions: await countOpenSessions(trx, body.posConfigId), openingCashCents: body.openingCashCents });
    return sessionView(await openPosSession(trx, { ...body, userId }));
  });
}

export async function requireSession(db: Executor, id: number): Promise<PosSession> {
  const session = await getPosSession(db, id);
  if (session === null) throw notFound('Session', id);
  return session;
}

export async function requireOrder(db: Executor, id: string, forUpdate = false): Promise<Order> {
  const order = await getOrder(db, id, { forUpdate });
  if (order === null) throw notFound('Order', id);
  return order;
}

/** Creates the order once per client-made id; the same id again returns it unchanged. */
export async function putOrder(ctx: ServiceContext, id: string, body: PutOrderBody, userId: number): Promise<{ created: boolean; order: OrderApi }> {
  return ctx.db.transaction().execute(async (trx) => {
    const session = await requireSession(trx, body.sessionId);
    if (session.state !== 'open') throw new KassaError('KASSA_SESSION_CLOSED');
    const products = await getProducts(
      trx,
      body.lines.map((l) => l.productId),
    );
    const lines = body.lines.map((l) => {
      const product = products.find((p) => p.id === l.productId && p.active);
      if (product === undefined) throw notFound('Product', l.productId);
      return { productId: product.id, name: product.name, quantity: l.quantity, unitPriceCents: product.priceCents, vatRate: product.vatRate };
    });
    const totals = computeOrderTotals({ lines });
    const withTotals = lines.map((l, i) => ({ ...l, totalCents: totals.lineTotalsCents[i] ?? 0 }));
    const created = await insertOrder(trx, {
      id,
      sessionId: session.id,
      totalCents: totals.totalCents,
      vatCents: totals.vatCents,
      vat: totals.vat,
      createdBy: userId,
      lines: withTotals,
    });
    const order = await requireOrder(trx, id);
    if (created) await appendEvent(trx, { topic: 'order', audience: 'cashier', data: { order: orderView(order) } });
    return { created, order: orderView(order) };
  });
}

export async function validateOrder(ctx: ServiceContext, id: string): Promise<OrderApi> {
  return ctx.db.transaction().execute(async (trx) => {
    checkOrderValidation({ order: await requireOrder(trx, id, true) });
    await markOrderPaid(trx, id, ctx.now());
    const order = orderView(await requireOrder(trx, id));
    await appendEvent(trx, { topic: 'order', audience: 'cashier', data: { order } });
    return order;
  });
}

export async function cancelOrder(ctx: ServiceContext, id: string): Promise<OrderApi> {
  return ctx.db.transaction().execute(async (trx) => {
    checkOrderCancel({ order: await requireOrder(trx, id, true) });
    await markOrderCancelled(trx, id);
    const order = orderView(await requireOrder(trx, id));
    await appendEvent(trx, { topic: 'order', audience: 'cashier', data: { order } });
    return order;
  });
}

export async function receiptOf(ctx: ServiceContext, id: string): Promise<Receipt> {
  const order = await requireOrder(ctx.db, id);
  if (order.state !== 'paid' || order.receiptNumber === null || order.validatedAt === null)
    throw new KassaError('KASSA_CONFLICT', 'Only a validated order has a receipt.');
  const company = await loadCompany(ctx.db);
  const methods = await listPaymentMethods(ctx.db);
  const paid = order.payments.filter((p) => PAID_STATES.includes(p.state));
  const tickets = (await Promise.all(paid.map((p) => getTickets(ctx.db, p.uuid)))).flat();
  const receipt = {
    company: { name: company.name, country: company.country },
    orderId: order.id,
    receiptNumber: order.receiptNumber,
    validatedAt: iso(order.validatedAt),
    lines: order.lines,
    totalCents: order.totalCents,
    vat: order.vat,
    payments: paid.map((p) => ({
      method: methods.find((m) => m.id === p.methodId)?.name ?? String(p.methodId),
      amountCents: p.amountCents,
      state: p.state,
      tenderedCents: p.tenderedCents,
      changeCents: p.changeCents,
    })),
    refunds: order.refunds.map((r) => ({
      uuid: r.uuid,
      method: r.methodName,
      amountCents: r.amountCents,
      state: r.state,
      reason: r.reason,
      lines: refundLinesView(order, r.lines),
      createdAt: iso(r.createdAt),
    })),
    cardholderTickets: tickets.filter((t) => !/merchant/i.test(t.type)).map((t) => t.text),
  };
  return { ...receipt, text: renderReceipt(receipt) };
}
