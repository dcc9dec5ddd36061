import type { OrderState } from '../domain/orders.js';
import type { PaymentLineView } from '../domain/payment-states.js';
import type { VatGroup } from '../domain/totals.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import type { RefundRecord } from './refunds.js';
import { listOrderRefunds } from './refunds.js';

export interface OrderLine {
  readonly productId: number;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly vatRate: number;
  readonly totalCents: number;
}

export interface Order {
  readonly id: string;
  readonly sessionId: number;
  readonly state: OrderState;
  readonly totalCents: number;
  readonly vatCents: number;
  readonly vat: VatGroup[];
  readonly createdBy: number;
  readonly createdAt: Date;
  readonly validatedAt: Date | null;
  readonly receiptNumber: number | null;
  /** The uuid of the cancellation that cancelled the order, when one did. */
  readonly cancellationUuid: string | null;
  readonly lines: OrderLine[];
  /** The payment lines that took money; refund lines are in `refunds`. */
  readonly payments: (PaymentLineView & { methodId: number; tenderedCents: number | null; changeCents: number | null })[];
  readonly refunds: RefundRecord[];
}

export interface NewOrder {
  readonly id: string;
  readonly sessionId: number;
  readonly totalCents: number;
  readonly vatCents: number;
  readonly vat: readonly VatGroup[];
  readonly createdBy: number;
  readonly lines: readonly OrderLine[];
}

/** Inserts the order unless its id exists; returns whether it was new. */
export async function insertOrder(db: Executor, order: NewOrder): Promise<boolean> {
  const inserted = await db
    .insertInto('orders')
    .values({
      id: order.id,
      session_id: order.sessionId,
      state: 'draft',
      total_cents: order.totalCents,
      vat_cents: order.vatCents,
      vat: toJson(order.vat),
      created_by: order.createdBy,
    })
    .onConflict((c) => c.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) return false;
  await db
    .insertInto('order_lines')
    .values(
      order.lines.map((l, position) => ({
        order_id: order.id,
        position,
        product_id: l.productId,
        name: l.name,
        quantity: l.quantity,
        unit_price_cents: l.unitPriceCents,
        vat_rate: l.vatRate,
        total_cents: l.totalCents,
      })),
    )
    .execute();
  return true;
}

export async function getOrder(db: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<Order | null> {
  let query = db.selectFrom('orders').selectAll().where('id', '=', id);
  if (options.forUpdate === true) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) return null;
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('position').execute();
  const payments = await db
    .selectFrom('payments')
    .select(['uuid', 'amount_cents', 'state', 'device_id', 'method_id', 'tendered_cents', 'change_cents'])
    .where('order_id', '=', id)
    .where('kind', '=', 'payment')
    .orderBy('created_at')
    .execute();
  // A cancellation refunds what the order took: a cancelled order has refunds too.
  const refunds = row.state === 'draft' ? [] : await listOrderRefunds(db, id);
  return {
    id: row.id,
    sessionId: row.session_id,
    state: row.state,
    totalCents: row.total_cents,
    vatCents: row.vat_cents,
    vat: row.vat as VatGroup[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    validatedAt: row.validated_at,
    receiptNumber: row.receipt_number,
    cancellationUuid: row.cancellation_uuid,
    lines: lines.map((l) => ({
      productId: l.product_id,
      name: l.name,
      quantity: l.quantity,
      unitPriceCents: l.unit_price_cents,
      vatRate: l.vat_rate,
      totalCents: l.total_cents,
    })),
    payments: payments.map((p) => ({
      uuid: p.uuid,
      amountCents: p.amount_cents,
      state: p.state,
      deviceId: p.device_id,
      methodId: p.method_id,
      tenderedCents: p.tendered_cents,
      changeCents: p.change_cents,
    })),
    refunds,
  };
}

export async function markOrderPaid(db: Executor, id: string, at: Date): Promise<number> {
  const row = await db
    .updateTable('orders')
    .set((eb) => ({ state: 'paid', validated_at: at, receipt_number: eb.fn<number>('nextval', [eb.val('receipt_numbers')]) }))
    .where('id', '=', id)
    .returning('receipt_number')
    .executeTakeFirstOrThrow();
  return Number(row.receipt_number);
}

export async function markOrderCancelled(db: Executor, id: string, cancellationUuid: string | null = null): Promise<void> {
  await db.updateTable('orders').set({ state: 'cancelled', cancellation_uuid: cancellationUuid }).where('id', '=', id).execute();
}
