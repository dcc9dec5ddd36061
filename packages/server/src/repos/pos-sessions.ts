import type { SessionClosing, SessionPayment } from '../domain/sessions.js';
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
type Row = { id: number; pos_config_id: number; opened_by: number; state: 'open' | 'closed'; opening_cash_cents: number; opened_at: Date; closed_at: Date | null; closing: unknown };
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
  const row = await db.selectFrom('pos_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('pos_config_id', '=', posConfigId).where('state', '=', 'open').executeTakeFirstOrThrow();
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
  const row = await db.updateTable('pos_sessions').set({ state: 'closed', closed_at: at, closing: toJson(closing) }).where('id', '=', id).returning(columns).executeTakeFirstOrThrow();
  return toSession(row);
}

/** The draft orders of a session, oldest first: what stands in the way of closing it. */
export async function draftOrderIds(db: Executor, sessionId: number): Promise<string[]> {
  const rows = await db.selectFrom('orders').select('id').where('session_id', '=', sessionId).where('state', '=', 'draft').orderBy('created_at').execute();
  return rows.map((r) => r.id);
}

export async function sessionPayments(db: Executor, sessionId: number): Promise<SessionPayment[]> {
  const rows = await db
    .selectFrom('payments as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .innerJoin('payment_methods as m', 'm.id', 'p.method_id')
    .select(['p.method_id', 'm.name', 'm.kind', 'p.amount_cents', 'p.state'])
    .where('o.session_id', '=', sessionId)
    .where('o.state', '=', 'paid')
    // Refund lines give money back; they are not sales.
    .where('p.kind', '=', 'payment')
    .execute();
  return rows.map((r) => ({ methodId: r.method_id, methodName: r.name, kind: r.kind, amountCents: r.amount_cents, state: r.state as SessionPayment['state'] }));
}
