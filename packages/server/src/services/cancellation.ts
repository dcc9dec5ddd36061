import type { Order as OrderApi, PutOrderCancellationBody } from '@kassa/contract';
import { sha256 } from '../auth/tokens.js';
import { planCancelRefunds } from '../domain/cancellation.js';
import { KassaError } from '../domain/errors.js';
import { ACTIVE_STATES, PAID_STATES } from '../domain/payment-states.js';
import type { Actor } from '../domain/roles.js';
import { overrideApprover } from '../domain/roles.js';
import { getDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import { markOrderCancelled } from '../repos/orders.js';
import { listPaymentMethods } from '../repos/payment-methods.js';
import { activeOnDevice } from '../repos/refunds.js';
import type { Override } from './approvals.js';
import { authorizeOverride } from './approvals.js';
import type { ServiceContext } from './context.js';
import { startRefundLine } from './refund-lines.js';
import { orderView, requireOrder } from './sales.js';
import { isUniqueViolation } from '../db/sql-errors.js';

/** The reason recorded with a cancellation's refunds when the request gives none. */
export const DEFAULT_CANCEL_REASON = 'Order cancelled';

/**
 * The uuid of one refund of a cancellation, made from the cancellation's uuid and the refund's key:
 * the same cancellation always names the same refunds, so a request sent again starts none twice.
 */
export function cancelRefundUuid(cancellationUuid: string, key: string): string {
  const hex = sha256(`cancel ${cancellationUuid} ${key}`).slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Cancels a draft order once per client-made uuid. An order that took nothing is simply cancelled.
 * One that took money needs a manager (the actor, or an approval given on the spot) and gives it
 * back as refunds of the order (see planCancelRefunds): a card refund is a refund line whose start
 * command goes to its terminal in the same transaction; cash is paid back at once. The order row is
 * locked, so identical requests arriving together cancel once and the others find the order.
 */
export async function cancelOrderWithRefunds(
  ctx: ServiceContext,
  actor: Actor,
  orderId: string,
  uuid: string,
  body: PutOrderCancellationBody,
): Promise<{ created: boolean; order: OrderApi }> {
  // The approval is checked before the transaction: its counters are written whatever happens next.
  const override = body.approval !== undefined ? await authorizeOverride(ctx, actor, body.approval) : null;
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const order = await requireOrder(trx, orderId, true);
      if (order.cancellationUuid === uuid) return { created: false, order: orderView(order) };
      const methods = await listPaymentMethods(trx);
      const deviceIds = [...new Set(order.payments.filter((p) => PAID_STATES.includes(p.state) && p.deviceId !== null).map((p) => p.deviceId as number))];
      const devices = (await Promise.all(deviceIds.map((id) => getDevice(trx, id)))).filter((d) => d !== null);
      const active = new Map(await Promise.all(deviceIds.map(async (id) => [id, await activeOnDevice(trx, id, ACTIVE_STATES)] as const)));
      const refunds = planCancelRefunds({ order, methods, devices, activeOnDevice: active });
      if (refunds.length > 0) {
        const approved: Override = override ?? { actorId: actor.id, approvedBy: overrideApprover({ actor, approver: null }), approverName: actor.username };
        for (const refund of refunds) {
          const transactionType = methods.find((m) => m.id === refund.methodId)?.refundTransactionType ?? null;
          await startRefundLine(ctx, trx, {
            uuid: cancelRefundUuid(uuid, refund.key),
            orderId,
            methodId: refund.methodId,
            amountCents: refund.amountCents,
            requestHash: sha256(JSON.stringify(['cancel', orderId, refund.key])),
            device: refund.device,
            onTerminal: refund.device !== null,
            transactionType,
            reason: body.reason ?? DEFAULT_CANCEL_REASON,
            lines: [],
            actor,
            approval: approved,
            cancellation: true,
          });
        }
      }
      await markOrderCancelled(trx, orderId, uuid);
      const written = orderView(await requireOrder(trx, orderId));
      await appendEvent(trx, { topic: 'order', audience: 'cashier', data: { order: written } });
      return { created: true, order: written };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      // Another request with this uuid won the race, or a terminal took another line meanwhile.
      const order = await requireOrder(ctx.db, orderId);
      if (order.cancellationUuid === uuid) return { created: false, order: orderView(order) };
      throw new KassaError('KASSA_TERMINAL_BUSY');
    }
    throw error;
  }
}
