import { sql } from 'kysely';
import type { TillFacts } from '../domain/roles.js';
import type { Executor } from './executor.js';

/** What an action names: a session, an order or a payment. */
export type TillTarget = { readonly sessionId: number } | { readonly orderId: string } | { readonly paymentUuid: string };

/**
 * The session a session, order or payment belongs to, who opened it, and whether `userId` has an
 * open session of the same POS now; null when the target does not exist. One statement.
 */
export async function readTillFacts(db: Executor, target: TillTarget, userId: number): Promise<TillFacts | null> {
  const session =
    'sessionId' in target
      ? sql`select ${target.sessionId}::integer as id`
      : 'orderId' in target
        ? sql`select session_id as id from orders where id = ${target.orderId}::text`
        : sql`select o.session_id as id from payments p join orders o on o.id = p.order_id where p.uuid = ${target.paymentUuid}::text`;
  const { rows } = await sql<{ id: number; opened_by: number; holds: boolean }>`
    select s.id, s.opened_by,
      exists (select 1 from pos_sessions h where h.pos_config_id = s.pos_config_id and h.opened_by = ${userId}::integer and h.state = 'open') as holds
    from pos_sessions s where s.id = (${session})`.execute(db);
  const row = rows[0];
  return row === undefined ? null : { sessionId: row.id, openedBy: row.opened_by, actorHoldsPos: row.holds };
}
