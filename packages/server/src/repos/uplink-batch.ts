import { sql } from 'kysely';
import type { PaymentState } from '../domain/payment-states.js';
import type { NewLiveEvent } from './events.js';
import { announceNotes, announcementOf } from './events.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import type { Payment, PaymentRecord } from './payments.js';
import { toPayment } from './payments.js';

/**
 * Set-at-a-time writes for a batch of box events: a handful of statements per batch instead of a
 * handful per event. They write the same rows the one-at-a-time repositories write.
 */

/** Reads and locks payments, in uuid order so that two lockers never wait on each other in a circle. */
export async function lockPayments(db: Executor, uuids: readonly string[]): Promise<Map<string, Payment>> {
  if (uuids.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where(sql<boolean>`uuid = any(${[...uuids]}::text[])`)
    .orderBy('uuid')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.uuid, toPayment(r)]));
}

/** The POS of the session of the order of the payment row `alias`: the scope of its live events. */
function posOfPayment(alias: string) {
  return sql<number | null>`(select s.pos_config_id from orders o join pos_sessions s on s.id = o.session_id where o.id = ${sql.ref(alias)}.order_id)`;
}

/** The constraint that makes a box event's history entry the record of its having been applied. */
export const HISTORY_EVENT_INDEX = 'payment_history_event';

/**
 * What a batch needs before it applies anything, in one statement: the ids of its device events are
 * recorded (those that were new are returned), the payments it names are read and locked in uuid
 * order, and the ids of its payment events that those payments' history already holds are read.
 *
 * A statement that waited for a payment's lock reads the history with the snapshot taken before it
 * waited, so it can miss an entry that the lock holder just committed; the entry the batch then
 * writes again violates HISTORY_EVENT_INDEX and the batch is run again, seeing it.
 */
export async function lockBatch(
  db: Executor,
  boxId: string,
  ids: { readonly device: readonly string[]; readonly payment: readonly string[] },
  paymentUuids: readonly string[],
): Promise<{ fresh: Set<string>; applied: Set<string>; payments: Map<string, Payment>; posIds: Map<string, number> }> {
  // A batch that names no payment still gets its one row, with the payment columns null.
  type Row = { fresh: string[]; applied: string[]; pos_id: number | null } & (
    { [K in keyof PaymentRecord]: PaymentRecord[K] } | { [K in keyof PaymentRecord]: null }
  );
  const { rows } = await sql<Row>`
    with seen as (
      insert into box_events_seen (box_id, event_id) select ${boxId}::text, id from unnest(${[...ids.device]}::text[]) as u(id)
      on conflict (box_id, event_id) do nothing
      returning event_id
    ),
    locked as (
      select * from payments where uuid = any(${[...paymentUuids]}::text[]) order by uuid for update
    ),
    applied as (
      select event_id from payment_history where payment_uuid = any(${[...paymentUuids]}::text[]) and event_id = any(${[...ids.payment]}::text[])
    )
    select (select coalesce(json_agg(event_id), '[]'::json) from seen) as fresh, (select coalesce(json_agg(event_id), '[]'::json) from applied) as applied, locked.*,
      ${posOfPayment('locked')} as pos_id
    from (select 1) as one left join locked on true`.execute(db);
  const payments = new Map<string, Payment>();
  const posIds = new Map<string, number>();
  for (const row of rows) {
    const { fresh: _fresh, applied: _applied, pos_id, ...payment } = row;
    if (payment.uuid === null) continue;
    payments.set(payment.uuid, toPayment(payment as PaymentRecord));
    if (pos_id !== null) posIds.set(payment.uuid, pos_id);
  }
  return { fresh: new Set(rows[0]?.fresh ?? []), applied: new Set(rows[0]?.applied ?? []), payments, posIds };
}

/**
 * lockBatch's reads without its locks, for a batch of payment events alone: the payments, each
 * with its row version (xmin, which every update of the row changes), and the ids their history
 * already holds. The batch is then written by writeBatch with `unchanged`, which writes only if
 * every payment still has the version read here.
 */
export async function readBatch(
  db: Executor,
  paymentUuids: readonly string[],
  eventIds: readonly string[],
): Promise<{ applied: Set<string>; payments: Map<string, Payment>; versions: Map<string, string>; posIds: Map<string, number> }> {
  type Row = { applied: string[]; row_version: string | null; pos_id: number | null } & (
    { [K in keyof PaymentRecord]: PaymentRecord[K] } | { [K in keyof PaymentRecord]: null }
  );
  const { rows } = await sql<Row>`
    select (select coalesce(json_agg(event_id), '[]'::json) from payment_history
        where payment_uuid = any(${[...paymentUuids]}::text[]) and event_id = any(${[...eventIds]}::text[])) as applied,
      p.*, p.xmin::text as row_version, ${posOfPayment('p')} as pos_id
    from (select 1) as one left join payments p on p.uuid = any(${[...paymentUuids]}::text[])`.execute(db);
  const payments = new Map<string, Payment>();
  const versions = new Map<string, string>();
  const posIds = new Map<string, number>();
  for (const row of rows) {
    const { applied: _applied, row_version, pos_id, ...payment } = row;
    if (payment.uuid === null || row_version === null) continue;
    payments.set(payment.uuid, toPayment(payment as PaymentRecord));
    versions.set(payment.uuid, row_version);
    if (pos_id !== null) posIds.set(payment.uuid, pos_id);
  }
  return { applied: new Set(rows[0]?.applied ?? []), payments, versions, posIds };
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
  /** The box event the entry records; null for what the server concludes itself. */
  readonly eventId: string | null;
}

export interface BatchWrite {
  readonly history: readonly HistoryRow[];
  readonly tickets: readonly { paymentUuid: string; type: string; text: string; at: Date }[];
  /** New states of payments, at most one per payment, with the TransactionId learnt (a known one is kept). */
  readonly states: readonly { uuid: string; state: PaymentState; transactionId?: string | null; at: Date }[];
  /** Live events, announced in this order; a payment's with the POS of its order's session when known (the trigger reads it otherwise). */
  readonly events: readonly (NewLiveEvent & { readonly at: Date; readonly posId?: number | null })[];
  /**
   * Row versions (from readBatch) that the payments must still have, each locked and checked first;
   * if any moved on, nothing is written. Without it the caller holds the payments' locks.
   */
  readonly unchanged?: ReadonlyMap<string, string>;
}

export interface BatchWritten {
  /** The new row version of each payment whose state was written, by uuid. */
  readonly versions: ReadonlyMap<string, string>;
}

/**
 * Everything a batch of box events writes, in one statement: history entries and tickets (their
 * ids in the given order), payment states, and the live events in order, announced when the
 * transaction commits: sent by the statement itself when it knows every event's scope (see
 * announcementOf), else inserted for the trigger of migration 0018 to announce (see appendEvent).
 * Returns the row version (xmin) each payment whose state it wrote now has, or null when a payment
 * of `unchanged` had changed.
 */
export async function writeBatch(db: Executor, prefix: string, batch: BatchWrite): Promise<BatchWritten | null> {
  const { history, tickets, states, events, unchanged } = batch;
  if (history.length + tickets.length + states.length + events.length === 0) return { versions: new Map() };
  const iso = (d: Date): string => d.toISOString();
  const notes = events.map(announcementOf);
  const announced = notes.every((note): note is string => note !== null) ? notes : null;
  // When the statement cannot announce one of the events itself, all are inserted, so that they stay in order.
  const stored = announced === null ? events : [];
  const ats = stored.map((e) => iso(e.at));
  const versions = [...(unchanged ?? new Map<string, string>())];
  // Each payment is locked; one that was updated meanwhile is checked again as it is now, and fails.
  const guard = sql`guard as (
      select count(*) = ${versions.length}::bigint as ok from (
        select 1 from payments p join unnest(${versions.map(([uuid]) => uuid)}::text[], ${versions.map(([, version]) => version)}::text[]) as g(uuid, version) on p.uuid = g.uuid
        where p.uuid = any(${versions.map(([uuid]) => uuid)}::text[]) and p.xmin = g.version::xid
        for update of p
      ) as locked
    ),`;
  const ok = unchanged === undefined ? sql<boolean>`true` : sql<boolean>`(select ok from guard)`;
  const { rows } = await sql<{ ok: boolean; versions: Record<string, string> }>`
    with ${unchanged === undefined ? sql`` : guard}
    history_input as (
      select * from unnest(${history.map((h) => h.paymentUuid)}::text[], ${history.map((h) => iso(h.at))}::text[], ${history.map((h) => h.source)}::text[],
        ${history.map((h) => h.event)}::text[], ${history.map((h) => h.fromState)}::text[], ${history.map((h) => h.toState)}::text[],
        ${history.map((h) => h.message)}::text[], ${history.map((h) => (h.data === undefined ? null : toJson(h.data)))}::text[], ${history.map((h) => h.eventId)}::text[])
        with ordinality as u(payment_uuid, at, source, event, from_state, to_state, message, data, event_id, i)
    ),
    history_rows as (
      insert into payment_history (payment_uuid, at, source, event, from_state, to_state, message, user_id, data, event_id)
      select payment_uuid, at::timestamptz, source, event, from_state, to_state, message, null, data::jsonb, event_id from history_input where ${ok} order by i
    ),
    ticket_rows as (
      insert into payment_tickets (payment_uuid, ticket_type, text, created_at)
      select payment_uuid, ticket_type, text, created_at::timestamptz
      from unnest(${tickets.map((t) => t.paymentUuid)}::text[], ${tickets.map((t) => t.type)}::text[], ${tickets.map((t) => t.text)}::text[], ${tickets.map((t) => iso(t.at))}::text[])
        with ordinality as u(payment_uuid, ticket_type, text, created_at, i)
      where ${ok}
      order by i
    ),
    state_rows as (
      update payments set state = v.state, updated_at = v.at::timestamptz, transaction_id = coalesce(payments.transaction_id, v.transaction_id)
      from unnest(${states.map((c) => c.uuid)}::text[], ${states.map((c) => c.state)}::text[], ${states.map((c) => c.transactionId ?? null)}::text[], ${states.map((c) => iso(c.at))}::text[]) as v(uuid, state, transaction_id, at)
      -- The second condition lets the plan find the rows by key whatever it guesses of the list's length.
      where payments.uuid = v.uuid and payments.uuid = any(${states.map((c) => c.uuid)}::text[]) and ${ok}
      returning payments.uuid, payments.xmin::text as version
    ),
    event_rows as (
      insert into events (topic, audience, data, at, pos_id)
      select topic, audience, data::jsonb, at::timestamptz, pos_id
      from unnest(${stored.map((e) => e.topic)}::text[], ${stored.map((e) => e.audience)}::text[], ${stored.map((e) => toJson(e.data))}::text[], ${ats}::text[],
          ${stored.map((e) => e.posId ?? null)}::integer[])
        with ordinality as u(topic, audience, data, at, pos_id, i)
      where ${ok}
      order by i
    )
    select ${ok} as ok, (select coalesce(json_object_agg(uuid, version), '{}'::json) from state_rows) as versions,
      ${announced === null ? sql`0` : announceNotes(prefix, announced, ok)} as announced`.execute(db);
  if (rows[0]?.ok !== true) return null;
  return { versions: new Map(Object.entries(rows[0].versions)) };
}
