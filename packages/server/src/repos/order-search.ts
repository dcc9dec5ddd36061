import type { OrderStatus } from '@kassa/contract';
import { sql } from 'kysely';
import { PAID_STATES, UNSETTLED_STATES } from '../domain/payment-states.js';
import type { Executor } from './executor.js';
import { escapeLike } from './like.js';

export interface OrderFilter {
  readonly sessionId?: number | undefined;
  readonly posConfigId?: number | undefined;
  readonly state?: OrderRow['state'] | undefined;
  readonly status?: OrderStatus | undefined;
  readonly attention?: boolean | undefined;
  /** Matches the start of the order id, or a receipt number. */
  readonly text?: string | undefined;
  readonly amountCents?: number | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly limit: number;
  readonly offset: number;
}

export interface OrderRow {
  readonly id: string;
  readonly state: 'draft' | 'paid' | 'cancelled';
  readonly status: OrderStatus;
  readonly attention: boolean;
  readonly sessionId: number;
  readonly posConfigId: number;
  readonly posName: string;
  readonly totalCents: number;
  readonly paidCents: number;
  readonly refundedCents: number;
  readonly receiptNumber: number | null;
  readonly createdAt: Date;
  readonly validatedAt: Date | null;
}

interface Row {
  id: string;
  state: OrderRow['state'];
  status: OrderStatus;
  attention: boolean;
  session_id: number;
  pos_config_id: number;
  pos_name: string;
  total_cents: number;
  paid_cents: number;
  refunded_cents: number;
  receipt_number: number | null;
  created_at: Date;
  validated_at: Date | null;
  total: string;
}

/**
 * The orders that match, newest first, one page, and how many match in all. The status and the
 * attention flag are defined here, once: a draft whose paid lines (done, forceDone) cover its total
 * is `paidNotValidated`, any other draft `open`. Attention is domain/orders.ts `orderNeedsAttention`
 * in SQL: a draft with a settled card line (a line with a device) until it is validated or
 * cancelled, a cancelled order whose paid lines took more than its refund lines gave back or are
 * still giving back.
 */
export async function searchOrders(db: Executor, filter: OrderFilter): Promise<{ items: OrderRow[]; total: number }> {
  const paid = sql.join(PAID_STATES.map((s) => sql.lit(s)));
  const unsettled = sql.join(UNSETTLED_STATES.map((s) => sql.lit(s)));
  const where = [sql`true`];
  if (filter.sessionId !== undefined) where.push(sql`session_id = ${filter.sessionId}::integer`);
  if (filter.posConfigId !== undefined) where.push(sql`pos_config_id = ${filter.posConfigId}::integer`);
  if (filter.state !== undefined) where.push(sql`state = ${filter.state}::text`);
  if (filter.status !== undefined) where.push(sql`status = ${filter.status}::text`);
  if (filter.attention !== undefined) where.push(sql`attention = ${filter.attention}::boolean`);
  if (filter.amountCents !== undefined) where.push(sql`total_cents = ${filter.amountCents}::integer`);
  if (filter.from !== undefined) where.push(sql`created_at >= ${filter.from}::timestamptz`);
  if (filter.to !== undefined) where.push(sql`created_at < ${filter.to}::timestamptz`);
  if (filter.text !== undefined) {
    const prefix = `${escapeLike(filter.text.trim().toLowerCase())}%`;
    const receipt = /^\d{1,9}$/.test(filter.text.trim()) ? Number(filter.text.trim()) : -1;
    where.push(sql`(id like ${prefix}::text or receipt_number = ${receipt}::integer)`);
  }
  const { rows } = await sql<Row>`
    with o as (
      select o.id, o.state, o.session_id, s.pos_config_id, c.name as pos_name, o.total_cents, o.receipt_number, o.created_at, o.validated_at,
        coalesce(p.paid_cents, 0)::integer as paid_cents, coalesce(p.refunded_cents, 0)::integer as refunded_cents,
        case when o.state = 'paid' then 'validated' when o.state = 'cancelled' then 'cancelled'
          when coalesce(p.paid_cents, 0) >= o.total_cents then 'paidNotValidated' else 'open' end as status,
        ((o.state = 'draft' and coalesce(p.card_paid, false))
          or (o.state = 'cancelled' and coalesce(p.paid_cents, 0) > coalesce(p.refunded_cents, 0) + coalesce(p.refunding_cents, 0))) as attention
      from orders o
      join pos_sessions s on s.id = o.session_id
      join pos_configs c on c.id = s.pos_config_id
      left join lateral (
        select sum(amount_cents) filter (where kind = 'payment' and state in (${paid})) as paid_cents,
          sum(amount_cents) filter (where kind = 'refund' and state in (${paid})) as refunded_cents,
          sum(amount_cents) filter (where kind = 'refund' and state in (${unsettled})) as refunding_cents,
          bool_or(kind = 'payment' and device_id is not null and state in (${paid})) as card_paid
        from payments where order_id = o.id
      ) p on true
    )
    select *, count(*) over () as total from o
    where ${sql.join(where, sql` and `)}
    order by created_at desc, id
    limit ${filter.limit}::integer offset ${filter.offset}::integer`.execute(db);
  const total = rows[0] === undefined ? await countOrders(db, filter) : Number(rows[0].total);
  return {
    items: rows.map((r) => ({
      id: r.id,
      state: r.state,
      status: r.status,
      attention: r.attention,
      sessionId: r.session_id,
      posConfigId: r.pos_config_id,
      posName: r.pos_name,
      totalCents: r.total_cents,
      paidCents: r.paid_cents,
      refundedCents: r.refunded_cents,
      receiptNumber: r.receipt_number === null ? null : Number(r.receipt_number),
      createdAt: r.created_at,
      validatedAt: r.validated_at,
    })),
    total,
  };
}

/** The count alone, for a page past the end (the window count comes with the rows). */
async function countOrders(db: Executor, filter: OrderFilter): Promise<number> {
  if (filter.offset === 0) return 0;
  return (await searchOrders(db, { ...filter, offset: 0, limit: 1 })).total;
}
