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

/** appendEvent for many events: stored for replay and announced, in order, in two statements. */
export async function appendEvents(db: Executor, prefix: string, events: readonly { topic: EventTopic; audience: Audience; data: unknown; at: Date }[]): Promise<LiveEvent[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto('events')
    .values(events.map((e) => ({ topic: e.topic, audience: e.audience, data: toJson(e.data), at: e.at })))
    .returning('id')
    .execute();
  // Identity values are drawn in the order of the VALUES rows.
  const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  const live = events.map((e, i): LiveEvent => ({ id: ids[i] ?? 0, at: e.at.toISOString(), topic: e.topic, audience: e.audience, data: e.data }));
  const payloads = live.map((event) => {
    const payload = toJson(event);
    return Buffer.byteLength(payload) <= MAX_NOTIFY_BYTES ? payload : toJson({ id: event.id });
  });
  await sql`select pg_notify(${channelName(prefix, EVENTS_CHANNEL)}, p) from unnest(${payloads}::text[]) with ordinality as n(p, i) order by i`.execute(db);
  return live;
}
