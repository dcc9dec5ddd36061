import type { PaymentEvent, PaymentState } from '../domain/payment-states.js';
import { nextPaymentState, PAYMENT_STATES } from '../domain/payment-states.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';

export interface Payment {
  readonly uuid: string;
  readonly orderId: string;
  readonly methodId: number;
  readonly amountCents: number;
  readonly state: PaymentState;
  readonly requestHash: string;
  readonly deviceId: number | null;
  readonly boxId: string | null;
  /** The TerminalId of the device the start command went to: the only terminal whose events it takes. */
  readonly terminalId: string | null;
  /** The TransactionId the box reported sending (transactionSent); null until then. */
  readonly transactionId: string | null;
  readonly createdBy: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly settledBy: number | null;
  readonly settleReason: string | null;
  /** Cash lines: what the customer handed and the change given back; null on other lines. */
  readonly tenderedCents: number | null;
  readonly changeCents: number | null;
  /** The manager or admin who approved a settlement by hand. */
  readonly approvedBy: number | null;
  /** `refund` gives the amount back (migration 0014_refunds). */
  readonly kind: 'payment' | 'refund';
}

export interface HistoryEntry {
  readonly at: Date;
  readonly source: 'user' | 'box' | 'server';
  readonly event: string;
  readonly fromState: PaymentState;
  readonly toState: PaymentState;
  readonly message: string | null;
  readonly userId: number | null;
  readonly data: unknown;
}

export interface Ticket {
  readonly type: string;
  readonly text: string;
  readonly at: Date;
}

/** A payments row as the database returns it. */
export type PaymentRecord = {
  uuid: string;
  order_id: string;
  method_id: number;
  amount_cents: number;
  state: PaymentState;
  request_hash: string;
  device_id: number | null;
  box_id: string | null;
  terminal_id: string | null;
  transaction_id: string | null;
  created_by: number;
  created_at: Date;
  updated_at: Date;
  settled_by: number | null;
  settle_reason: string | null;
  tendered_cents: number | null;
  change_cents: number | null;
  approved_by: number | null;
  kind: 'payment' | 'refund';
};

/** A payments row as the services see it. */
export const toPayment = (r: PaymentRecord): Payment => ({
  uuid: r.uuid,
  orderId: r.order_id,
  methodId: r.method_id,
  amountCents: r.amount_cents,
  state: r.state,
  requestHash: r.request_hash,
  deviceId: r.device_id,
  boxId: r.box_id,
  terminalId: r.terminal_id,
  transactionId: r.transaction_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  settledBy: r.settled_by,
  settleReason: r.settle_reason,
  tenderedCents: r.tendered_cents,
  changeCents: r.change_cents,
  approvedBy: r.approved_by,
  kind: r.kind,
});

export async function getPayment(db: Executor, uuid: string, options: { forUpdate?: boolean } = {}): Promise<Payment | null> {
  let query = db.selectFrom('payments').selectAll().where('uuid', '=', uuid);
  if (options.forUpdate === true) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined ? null : toPayment(row);
}

export async function setPaymentState(
  db: Executor,
  uuid: string,
  change: { state: PaymentState; at: Date; settledBy?: number; settleReason?: string; approvedBy?: number; amountCents?: number },
): Promise<Payment> {
  const row = await db
    .updateTable('payments')
    .set({
      state: change.state,
      updated_at: change.at,
      ...(change.settledBy === undefined ? {} : { settled_by: change.settledBy }),
      ...(change.settleReason === undefined ? {} : { settle_reason: change.settleReason }),
      ...(change.approvedBy === undefined ? {} : { approved_by: change.approvedBy }),
      ...(change.amountCents === undefined ? {} : { amount_cents: change.amountCents }),
    })
    .where('uuid', '=', uuid)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPayment(row);
}

export async function addHistory(
  db: Executor,
  uuid: string,
  entry: {
    at: Date;
    source: HistoryEntry['source'];
    event: PaymentEvent | 'requested';
    fromState: PaymentState;
    toState: PaymentState;
    message?: string | null;
    userId?: number | null;
    data?: unknown;
    eventId?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('payment_history')
    .values({
      payment_uuid: uuid,
      at: entry.at,
      source: entry.source,
      event: entry.event,
      from_state: entry.fromState,
      to_state: entry.toState,
      message: entry.message ?? null,
      user_id: entry.userId ?? null,
      data: entry.data === undefined ? null : toJson(entry.data),
      event_id: entry.eventId ?? null,
    })
    .execute();
}

export async function getHistory(db: Executor, uuid: string): Promise<HistoryEntry[]> {
  const rows = await db.selectFrom('payment_history').selectAll().where('payment_uuid', '=', uuid).orderBy('id').execute();
  return rows.map((r) => ({
    at: r.at,
    source: r.source,
    event: r.event,
    fromState: r.from_state,
    toState: r.to_state,
    message: r.message,
    userId: r.user_id,
    data: r.data,
  }));
}

export async function getTickets(db: Executor, uuid: string): Promise<Ticket[]> {
  const rows = await db.selectFrom('payment_tickets').selectAll().where('payment_uuid', '=', uuid).orderBy('id').execute();
  return rows.map((r) => ({ type: r.ticket_type, text: r.text, at: r.created_at }));
}

/** The states a dropped link makes unknown: those with a `lost` cell in the table. */
const LOSABLE_STATES = PAYMENT_STATES.filter((state) => nextPaymentState({ state, event: 'lost' }) !== null);

/** Running payments of a box, for marking them unknown when its link drops. */
export async function activePaymentsOfBox(db: Executor, boxId: string): Promise<Payment[]> {
  const rows = await db.selectFrom('payments').selectAll().where('box_id', '=', boxId).where('state', 'in', LOSABLE_STATES).execute();
  return rows.map(toPayment);
}
