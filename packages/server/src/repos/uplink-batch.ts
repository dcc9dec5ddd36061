import { sql } from 'kysely';
import { channelName } from '../db/notifications.js';
import type { PaymentState } from '../domain/payment-states.js';
import type { Audience, EventTopic, LiveEvent } from './events.js';
import { EVENTS_CHANNEL } from './events.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { MAX_NOTIFY_BYTES } from './notify.js';
import type { Payment } from './payments.js';
import { toPayment } from './payments.js';

/**
 * Set-at-a-time writes for a batch of box events: a handful of statements per batch instead of a
 * handful per event. They write the same rows the one-at-a-time repositories write.
 */

/** Records event ids of a box; returns those that were new. */
export async function markBoxEventsSeen(db: Executor, boxId: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await db
    .insertInto('box_events_seen')
    .values(eventIds.map((id) => ({ box_id: boxId, event_id: id })))
    .onConflict((c) => c.columns(['box_id', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return new Set(rows.map((r) => r.event_id));
}

/** Reads and locks payments, in uuid order so that two lockers never wait on each other in a circle. */
export async function lockPayments(db: Executor, uuids: readonly string[]): Promise<Map<string, Payment>> {
  if (uuids.length === 0) return new Map();
  const rows = await db.selectFrom('payments').selectAll().where('uuid', 'in', [...uuids]).orderBy('uuid').forUpdate().execute();
  return new Map(rows.map((r) => [r.uuid, toPayment(r)]));
}

export interface HistoryRow {
  readonly paymentUuid: string;
  readonly at: Date;
  readonly source: 'box' | 'server';
  readonly event: string;
  readonly fromState: PaymentState;
  readonly toState: PaymentState;
  readonly message: string | null;
  readonly data: unknown;
}

export async function insertHistory(db: Executor, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('payment_history')
    .values(
      rows.map((r) => ({
        payment_uuid: r.paymentUuid,
        at: r.at,
        source: r.source,
        event: r.event,
        from_state: r.fromState,
        to_state: r.toState,
        message: r.message,
        user_id: null,
        data: r.data === undefined ? null : toJson(r.data),
      })),
    )
    .execute();
}

export async function insertTickets(db: Executor, rows: readonly { paymentUuid: string; type: string; text: string; at: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('payment_tickets')
    .values(rows.map((t) => ({ payment_uuid: t.paymentUuid, ticket_type: t.type, text: t.text, created_at: t.at })))
    .execute();
}

/** Sets the state of several payments in one statement. */
export async function setPaymentStates(db: Executor, changes: readonly { uuid: string; state: PaymentState; at: Date }[]): Promise<void> {
  if (changes.length === 0) return;
  const values = sql.join(changes.map((c) => sql`(${c.uuid}::text, ${c.state}::text, ${c.at}::timestamptz)`));
  await sql`update payments set state = v.state, updated_at = v.at from (values ${values}) as v(uuid, state, at) where payments.uuid = v.uuid`.execute(db);
}

/**
 * appendEvent for many events, in one statement: stored for replay and announced, in order. The
 * announcement is made in SQL from the stored id and the rest of the event serialised here, so it
 * is byte for byte what `appendEvent` sends (only the id when that exceeds MAX_NOTIFY_BYTES).
 */
export async function appendEvents(db: Executor, prefix: string, events: readonly { topic: EventTopic; audience: Audience; data: unknown; at: Date }[]): Promise<LiveEvent[]> {
  if (events.length === 0) return [];
  const ats = events.map((e) => e.at.toISOString());
  // Everything of the announcement after its id: `{"id":N,` + rest is toJson({ id, at, topic, audience, data }).
  const rests = events.map((e, i) => toJson({ at: ats[i], topic: e.topic, audience: e.audience, data: e.data }).slice(1));
  const { rows } = await sql<{ id: number }>`
    with input as (
      select * from unnest(${events.map((e) => e.topic)}::text[], ${events.map((e) => e.audience)}::text[], ${events.map((e) => toJson(e.data))}::text[], ${ats}::text[], ${rests}::text[])
        with ordinality as u(topic, audience, data, at, rest, i)
    ),
    inserted as (
      insert into events (topic, audience, data, at) select topic, audience, data::jsonb, at::timestamptz from input order by i returning id
    ),
    -- Identity values are drawn in the order the rows are inserted.
    numbered as (
      select id, row_number() over (order by id) as i from inserted
    )
    select n.id, pg_notify(${channelName(prefix, EVENTS_CHANNEL)}::text,
      case when octet_length('{"id":' || n.id || ',' || u.rest) <= ${MAX_NOTIFY_BYTES}::integer then '{"id":' || n.id || ',' || u.rest else '{"id":' || n.id || '}' end) as notified
    from numbered n join input u on u.i = n.i
    order by n.i`.execute(db);
  return events.map((e, i): LiveEvent => ({ id: Number(rows[i]?.id ?? 0), at: ats[i] ?? '', topic: e.topic, audience: e.audience, data: e.data }));
}
