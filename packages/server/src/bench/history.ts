import { sql } from 'kysely';
import type { ServiceContext } from '../services/context.js';
import type { Shop, ShopTill } from './shop.js';

/** History entries and tickets of one approved payment, about what the emulator's `approve` leaves. */
const ENTRIES_PER_PAYMENT = 12;
const TICKETS_PER_PAYMENT = 2;

/**
 * Gives the bench's shop the past of one that has been selling for a while: `payments` settled card
 * payments a month old, each with its order, history and tickets, then the planner's statistics of
 * every table (what autovacuum keeps up to date on a live database); live events are not kept
 * (migration 0018). Measured on
 * empty tables, the plans PostgreSQL keeps for a connection's prepared statements are those of a
 * table of a few rows: scans of the whole table, which a shop's database never gets.
 */
export async function seedHistory(ctx: ServiceContext, shop: Shop, till: ShopTill, payments: number): Promise<void> {
  if (payments <= 0) return;
  const [methodId, sessionId] = [...till.sessionOfMethod][0] ?? [0, 0];
  const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  await sql`
    insert into orders (id, session_id, state, total_cents, vat_cents, vat, created_by, created_at, validated_at)
    select 'past-order-' || g, ${sessionId}::integer, 'paid', ${shop.productPriceCents}::integer, 0, '[]'::jsonb, ${shop.userId}::integer, ${monthAgo}::timestamptz, ${monthAgo}::timestamptz
    from generate_series(1, ${payments}::integer) as g`.execute(ctx.db);
  await sql`
    insert into payments (uuid, order_id, method_id, amount_cents, state, request_hash, device_id, box_id, created_by, created_at, updated_at)
    select 'past-payment-' || g, 'past-order-' || g, ${methodId}::integer, ${shop.productPriceCents}::integer, 'done', md5(g::text), null, ${shop.box.id}::text,
      ${shop.userId}::integer, ${monthAgo}::timestamptz, ${monthAgo}::timestamptz
    from generate_series(1, ${payments}::integer) as g`.execute(ctx.db);
  await sql`
    insert into payment_history (payment_uuid, at, source, event, from_state, to_state, message, data, event_id)
    select 'past-payment-' || g, ${monthAgo}::timestamptz, 'box', 'stage', 'waitingCard', 'waitingCard', 'WaitingForPin',
      jsonb_build_object('stage', 'WaitingForPin', 'stageId', k, 'eventId', 'past:' || g || ':' || k, 'boxAt', ${monthAgo.toISOString()}::text), 'past:' || g || ':' || k
    from generate_series(1, ${payments}::integer) as g, generate_series(1, ${ENTRIES_PER_PAYMENT}::integer) as k`.execute(ctx.db);
  await sql`
    insert into payment_tickets (payment_uuid, ticket_type, text, created_at)
    select 'past-payment-' || g, case when k = 1 then 'merchant' else 'cardholder' end, 'FRITUUR KASSA' || chr(10) || 'BANCONTACT' || chr(10) || 'EUR 12,50', ${monthAgo}::timestamptz
    from generate_series(1, ${payments}::integer) as g, generate_series(1, ${TICKETS_PER_PAYMENT}::integer) as k`.execute(ctx.db);
  await sql`analyze`.execute(ctx.db);
}
