import type { ReturnedLine } from '../domain/refunds.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import type { Payment } from './payments.js';

/** A refund line of an order with what it returns and who asked and approved it. */
export interface RefundRecord {
  readonly uuid: string;
  readonly orderId: string;
  readonly methodId: number;
  readonly methodName: string;
  readonly amountCents: number;
  readonly state: PaymentState;
  readonly deviceId: number | null;
  readonly reason: string;
  readonly lines: readonly ReturnedLine[];
  readonly createdBy: number;
  readonly approvedBy: number;
  readonly createdAt: Date;
}

export async function insertRefund(
  db: Executor,
  r: { paymentUuid: string; orderId: string; reason: string; lines: readonly ReturnedLine[]; createdBy: number; approvedBy: number; at: Date },
): Promise<void> {
  await db
    .insertInto('refunds')
    .values({
      payment_uuid: r.paymentUuid,
      order_id: r.orderId,
      reason: r.reason,
      lines: toJson(r.lines),
      created_by: r.createdBy,
      approved_by: r.approvedBy,
      created_at: r.at,
    })
    .execute();
}

/** The refunds of an order, oldest first. */
export async function listOrderRefunds(db: Executor, orderId: string): Promise<RefundRecord[]> {
  const rows = await db
    .selectFrom('refunds as r')
    .innerJoin('payments as p', 'p.uuid', 'r.payment_uuid')
    .innerJoin('payment_methods as m', 'm.id', 'p.method_id')
    .select([
      'p.uuid',
      'r.order_id',
      'p.method_id',
      'm.name',
      'p.amount_cents',
      'p.state',
      'p.device_id',
      'r.reason',
      'r.lines',
      'r.created_by',
      'r.approved_by',
      'r.created_at',
    ])
    .where('r.order_id', '=', orderId)
    .orderBy('r.created_at')
    .orderBy('p.uuid')
    .execute();
  return rows.map((r) => ({
    uuid: r.uuid,
    orderId: r.order_id,
    methodId: r.method_id,
    methodName: r.name,
    amountCents: r.amount_cents,
    state: r.state,
    deviceId: r.device_id,
    reason: r.reason,
    lines: r.lines as ReturnedLine[],
    createdBy: r.created_by,
    approvedBy: r.approved_by,
    createdAt: r.created_at,
  }));
}

/** A refund line as it is to be stored: a payment row of kind `refund`. */
export type NewRefundLine = Pick<
  Payment,
  'uuid' | 'orderId' | 'methodId' | 'amountCents' | 'state' | 'requestHash' | 'deviceId' | 'boxId' | 'terminalId' | 'createdBy'
> & {
  readonly approvedBy: number;
  readonly at: Date;
};

/** Inserts the payment row of a refund. A second running line on the same device violates payments_one_active_per_device and throws. */
export async function insertRefundLine(db: Executor, r: NewRefundLine): Promise<void> {
  await db
    .insertInto('payments')
    .values({
      uuid: r.uuid,
      order_id: r.orderId,
      method_id: r.methodId,
      amount_cents: r.amountCents,
      state: r.state,
      request_hash: r.requestHash,
      device_id: r.deviceId,
      box_id: r.boxId,
      terminal_id: r.terminalId,
      created_by: r.createdBy,
      created_at: r.at,
      updated_at: r.at,
      settled_by: null,
      settle_reason: null,
      approved_by: r.approvedBy,
      kind: 'refund',
    })
    .execute();
}

/** Every line of an order, payments and refunds, as the refund rules see them. */
export async function orderMoneyLines(
  db: Executor,
  orderId: string,
): Promise<{ uuid: string; kind: 'payment' | 'refund'; methodId: number; amountCents: number; state: PaymentState; deviceId: number | null }[]> {
  const rows = await db
    .selectFrom('payments')
    .select(['uuid', 'kind', 'method_id', 'amount_cents', 'state', 'device_id'])
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    uuid: r.uuid,
    kind: r.kind,
    methodId: r.method_id,
    amountCents: r.amount_cents,
    state: r.state,
    deviceId: r.device_id,
  }));
}

/** Lines running on a device, whatever their kind or order. */
export async function activeOnDevice(db: Executor, deviceId: number, states: readonly PaymentState[]): Promise<number> {
  const row = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('state', 'in', [...states])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
