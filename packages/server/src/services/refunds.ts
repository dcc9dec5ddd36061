import type { PutRefundBody, Refund as RefundApi, RefundReceipt } from '@kassa/contract';
import { sha256 } from '../auth/tokens.js';
import { KassaError, notFound } from '../domain/errors.js';
import { ACTIVE_STATES, PAID_STATES, VOID_STATES } from '../domain/payment-states.js';
import { checkRefund } from '../domain/refunds.js';
import type { Actor } from '../domain/roles.js';
import { getDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import { getPaymentMethod } from '../repos/payment-methods.js';
import { getPayment, getTickets } from '../repos/payments.js';
import { getPosConfig } from '../repos/pos-configs.js';
import { lockOpenSessionOfPos } from '../repos/pos-sessions.js';
import { activeOnDevice, orderMoneyLines } from '../repos/refunds.js';
import { authorizeOverride } from './approvals.js';
import { loadCompany } from './configuration.js';
import type { ServiceContext } from './context.js';
import { iso } from './context.js';
import { methodMissing } from './configuration.js';
import { startRefundLine } from './refund-lines.js';
import { renderRefundReceipt } from './receipt-text.js';
import { orderView, refundView, requireOrder, requireSession } from './sales.js';
import { isUniqueViolation } from '../db/sql-errors.js';

function requestHash(orderId: string, body: PutRefundBody): string {
  return sha256(JSON.stringify(['refund', orderId, body.paymentMethodId, body.reason, body.lines ?? null, body.amountCents ?? null]));
}

/**
 * Refunds a validated order: lines returned (quantities) or an amount, with a reason, paid back
 * through a payment method. A manager must approve (the actor, or the approval given on the spot);
 * both users are recorded. The uuid is the idempotency key and becomes the refund line's uuid: the
 * order row is locked, so identical requests arriving together make one refund and the others find
 * it. A card refund is a payment line of kind `refund` whose start command goes to the terminal in
 * the same transaction (it starts exactly once); cash is done at once.
 */
export async function requestRefund(
  ctx: ServiceContext,
  actor: Actor,
  orderId: string,
  uuid: string,
  body: PutRefundBody,
): Promise<{ created: boolean; refund: RefundApi }> {
  const hash = requestHash(orderId, body);
  const override = await authorizeOverride(ctx, actor, body.approval);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const order = await requireOrder(trx, orderId, true);
      const existing = await getPayment(trx, uuid);
      if (existing !== null) {
        if (existing.kind !== 'refund' || existing.orderId !== orderId || existing.requestHash !== hash)
          throw new KassaError('KASSA_IDEMPOTENCY_MISMATCH', undefined, { uuid });
        const known = order.refunds.find((r) => r.uuid === uuid) ?? missing(uuid);
        return { created: false, refund: refundView(order, known) };
      }
      const method = (await getPaymentMethod(trx, body.paymentMethodId)) ?? methodMissing(body.paymentMethodId);
      const device = method.deviceId === null ? null : await getDevice(trx, method.deviceId);
      const session = await requireSession(trx, order.sessionId);
      // Locked for share: the session cannot close before this refund is written and counted in it.
      const drawer = await lockOpenSessionOfPos(trx, session.posConfigId);
      // An archived method is offered nowhere: no refund goes back through it.
      const posMethodIds = method.archived ? [] : ((await getPosConfig(trx, session.posConfigId))?.paymentMethodIds ?? []);
      const payments = await orderMoneyLines(trx, orderId);
      const returned = order.refunds.filter((r) => !VOID_STATES.includes(r.state)).flatMap((r) => r.lines);
      const deviceActivePayments = device === null ? 0 : await activeOnDevice(trx, device.id, ACTIVE_STATES);
      const request = {
        ...(body.lines !== undefined ? { lines: body.lines } : {}),
        ...(body.amountCents !== undefined ? { amountCents: body.amountCents } : {}),
      };
      const { amountCents, lines } = checkRefund({
        order: { state: order.state, lines: order.lines.map((l, position) => ({ position, quantity: l.quantity, totalCents: l.totalCents })), payments },
        returned,
        method: { ...method, device },
        posMethodIds,
        sessionOpen: drawer !== null,
        deviceActivePayments,
        request,
      });
      await startRefundLine(ctx, trx, {
        uuid,
        orderId,
        methodId: method.id,
        amountCents,
        requestHash: hash,
        device,
        onTerminal: method.terminal !== 'none',
        transactionType: method.refundTransactionType,
        reason: body.reason,
        lines,
        actor,
        approval: override,
      });
      const written = await requireOrder(trx, orderId);
      await appendEvent(trx, { topic: 'order', audience: 'cashier', data: { order: orderView(written) } });
      const refund = written.refunds.find((r) => r.uuid === uuid) ?? missing(uuid);
      return { created: true, refund: refundView(written, refund) };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      // Another request with this uuid won the race, or the terminal took another line meanwhile.
      const order = await requireOrder(ctx.db, orderId);
      const known = order.refunds.find((r) => r.uuid === uuid);
      if (known !== undefined) return { created: false, refund: refundView(order, known) };
      throw new KassaError('KASSA_TERMINAL_BUSY');
    }
    throw error;
  }
}

function missing(uuid: string): never {
  throw notFound('Refund', uuid);
}

/** The refund receipt: what went back, how, why, and the terminal's cardholder ticket of a card refund. */
export async function refundReceiptOf(ctx: ServiceContext, orderId: string, uuid: string): Promise<RefundReceipt> {
  const order = await requireOrder(ctx.db, orderId);
  const record = order.refunds.find((r) => r.uuid === uuid) ?? missing(uuid);
  // A refund belongs to a validated order (a return) or to a cancelled one (what its cancellation paid back).
  if (order.receiptNumber === null && order.state !== 'cancelled') throw new KassaError('KASSA_CONFLICT', 'Only a validated or cancelled order has refunds.');
  const company = await loadCompany(ctx.db);
  const tickets = PAID_STATES.includes(record.state) ? await getTickets(ctx.db, uuid) : [];
  const receipt = {
    company: { name: company.name, country: company.country },
    orderId: order.id,
    receiptNumber: order.receiptNumber,
    refund: refundView(order, record),
    cardholderTickets: tickets.filter((t) => !/merchant/i.test(t.type)).map((t) => t.text),
  };
  return { ...receipt, text: renderRefundReceipt({ ...receipt, at: iso(record.createdAt) }) };
}
