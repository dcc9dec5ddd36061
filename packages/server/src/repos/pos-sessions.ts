import { sql } from 'kysely';
import type { ClosingPayment } from '../domain/closing.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { SessionClosing } from '../domain/sessions.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';

export interface PosSession {
  readonly id: number;
  readonly posConfigId: number;
  readonly openedBy: number;
  readonly state: 'open' | 'closed';
  readonly openingCashCents: number;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  readonly closing: SessionClosing | null;
}

const columns = ['id', 'pos_config_id', 'opened_by', 'state', 'opening_cash_cents', 'opened_at', 'closed_at', 'closing'] as const;
type Row = {
  id: number;
  pos_config_id: number;
  opened_by: number;
  state: 'open' | 'closed';
  opening_cash_cents: number;
  opened_at: Date;
  closed_at: Date | null;
  closing: unknown;
};
const toSession = (row: Row): PosSession => ({
  id: row.id,
  posConfigId: row.pos_config_id,
  openedBy: row.opened_by,
  state: row.state,
  openingCashCents: row.opening_cash_cents,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  closing: (row.closing ?? null) as SessionClosing | null,
});

export async function listPosSessions(db: Executor): Promise<PosSession[]> {
  return (await db.selectFrom('pos_sessions').select(columns).orderBy('id', 'desc').limit(200).execute()).map(toSession);
}

export async function getPosSession(db: Executor, id: number): Promise<PosSession | null> {
  const row = await db.selectFrom('pos_sessions').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toSession(row);
}

export async function countOpenSessions(db: Executor, posConfigId: number): Promise<number> {
  const row = await db
    .selectFrom('pos_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pos_config_id', '=', posConfigId)
    .where('state', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function openPosSession(db: Executor, session: { posConfigId: number; userId: number; openingCashCents: number }): Promise<PosSession> {
  const row = await db
    .insertInto('pos_sessions')
    .values({ pos_config_id: session.posConfigId, opened_by: session.userId, state: 'open', opening_cash_cents: session.openingCashCents })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toSession(row);
}

export async function closePosSession(db: Executor, id: number, closing: SessionClosing, at: Date): Promise<PosSession> {
  const row = await db
    .updateTable('pos_sessions')
    .set({ state: 'closed', closed_at: at, closing: toJson(closing) })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toSession(row);
}

/** The draft orders of a session, oldest first: what stands in the way of closing it. */
export async function draftOrderIds(db: Executor, sessionId: number): Promise<string[]> {
  const rows = await db.selectFrom('orders').select('id').where('session_id', '=', sessionId).where('state', '=', 'draft').orderBy('created_at').execute();
  return rows.map((r) => r.id);
}

/** The payments of a session's paid orders (and of the orders a cancellation refunded), with their terminal, cash tender and who settled them by hand. */
export async function sessionPayments(db: Executor, sessionId: number): Promise<ClosingPayment[]> {
  const rows = await db
    .selectFrom('payments as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .innerJoin('payment_methods as m', 'm.id', 'p.method_id')
    .leftJoin('users as s', 's.id', 'p.settled_by')
    .leftJoin('users as a', 'a.id', 'p.approved_by')
    .select([
      'p.uuid',
      'p.order_id',
      'o.receipt_number',
      'p.method_id',
      'm.name',
      'm.kind',
      'p.amount_cents',
      'p.state',
      'p.device_id',
      'p.terminal_id',
      'p.tendered_cents',
      'p.change_cents',
      'p.settle_reason',
    ])
    .select(['s.username as settled_by_name', 'a.username as approved_by_name'])
    .where('o.session_id', '=', sessionId)
    // An order cancelled by a cancellation took its money and gave it back as refunds, which the
    // closing counts: its payments count as sales, so the two cancel out in the drawer and per terminal.
    .where((eb) => eb.or([eb('o.state', '=', 'paid'), eb.and([eb('o.state', '=', 'cancelled'), eb('o.cancellation_uuid', 'is not', null)])]))
    // Refund lines give money back; they are not sales.
    .where('p.kind', '=', 'payment')
    .orderBy('p.created_at')
    .orderBy('p.uuid')
    .execute();
  return rows.map((r) => ({
    uuid: r.uuid,
    orderId: r.order_id,
    receiptNumber: r.receipt_number,
    methodId: r.method_id,
    methodName: r.name,
    kind: r.kind,
    amountCents: r.amount_cents,
    state: r.state,
    deviceId: r.device_id,
    terminalId: r.terminal_id,
    tenderedCents: r.tendered_cents,
    changeCents: r.change_cents,
    settledBy: r.settled_by_name ?? null,
    approvedBy: r.approved_by_name ?? null,
    settleReason: r.settle_reason,
  }));
}

/** How many sessions of the same POS were opened after this one. */
export async function countLaterSessions(db: Executor, session: { id: number; posConfigId: number }): Promise<number> {
  const row = await db
    .selectFrom('pos_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pos_config_id', '=', session.posConfigId)
    .where('id', '>', session.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Opens a closed session again: its closing and Z report are dropped, the next closing makes new ones. */
export async function reopenPosSession(db: Executor, id: number): Promise<PosSession> {
  const row = await db
    .updateTable('pos_sessions')
    .set({ state: 'open', closed_at: null, closing: null })
    .where('id', '=', id)
    .where('state', '=', 'closed')
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toSession(row);
}

/** The session row locked for the rest of the transaction (closing and reopening take it). */
export async function lockPosSession(db: Executor, id: number): Promise<PosSession | null> {
  const row = await db.selectFrom('pos_sessions').select(columns).where('id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? null : toSession(row);
}

/**
 * The refund lines of a session, in any state: refund lines of any order of the session's POS,
 * made while the session was open. A refund is made only while a session of the order's POS is
 * open (services/refunds.ts), and belongs to the drawer it came out of, not to the session of the
 * sale it returns.
 */
export async function sessionRefundLines(db: Executor, sessionId: number): Promise<ClosingPayment[]> {
  const { rows } = await sql<{
    uuid: string;
    order_id: string;
    receipt_number: number | null;
    method_id: number;
    name: string;
    kind: ClosingPayment['kind'];
    amount_cents: number;
    state: PaymentState;
    device_id: number | null;
    terminal_id: string | null;
    settle_reason: string | null;
    settled_by_name: string | null;
    approved_by_name: string | null;
  }>`
    select p.uuid, p.order_id, o.receipt_number, p.method_id, m.name, m.kind, p.amount_cents, p.state, p.device_id, p.terminal_id,
      p.settle_reason, su.username as settled_by_name, au.username as approved_by_name
    from pos_sessions s
    join pos_sessions os on os.pos_config_id = s.pos_config_id
    join orders o on o.session_id = os.id
    join payments p on p.order_id = o.id
    join payment_methods m on m.id = p.method_id
    left join users su on su.id = p.settled_by
    left join users au on au.id = p.approved_by
    where s.id = ${sessionId}::integer and p.kind = 'refund'
      and p.created_at >= s.opened_at and (s.closed_at is null or p.created_at < s.closed_at)
    order by p.created_at, p.uuid`.execute(db);
  return rows.map((r) => ({
    uuid: r.uuid,
    orderId: r.order_id,
    receiptNumber: r.receipt_number === null ? null : Number(r.receipt_number),
    methodId: r.method_id,
    methodName: r.name,
    kind: r.kind,
    amountCents: r.amount_cents,
    state: r.state,
    deviceId: r.device_id,
    terminalId: r.terminal_id,
    tenderedCents: null,
    changeCents: null,
    settledBy: r.settled_by_name,
    approvedBy: r.approved_by_name,
    settleReason: r.settle_reason,
  }));
}

/** The open session of a POS, locked for share: a refund paid from it keeps it from closing until the refund is written. */
export async function lockOpenSessionOfPos(db: Executor, posConfigId: number): Promise<PosSession | null> {
  const row = await db
    .selectFrom('pos_sessions')
    .select(columns)
    .where('pos_config_id', '=', posConfigId)
    .where('state', '=', 'open')
    .forShare()
    .executeTakeFirst();
  return row === undefined ? null : toSession(row);
}
