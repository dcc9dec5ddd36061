import type { LiveEventData, LiveTopic } from '@kassa/contract';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { channelName } from '../db/notifications.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { MAX_NOTIFY_BYTES } from './notify.js';

export type Audience = 'admin' | 'cashier';

/** An event to publish: its topic decides what its data is (the contract's LiveEvent), its audience who may see it. */
export type NewLiveEvent = { [Topic in LiveTopic]: { readonly topic: Topic; readonly audience: Audience; readonly data: LiveEventData<Topic> } }[LiveTopic];

/** An event as announced: with its time and scope (filled by the trigger of migration 0018). */
export type AnnouncedEvent = NewLiveEvent & {
  readonly at: string;
  /** The POS whose session the payment or order belongs to; null for the other topics. */
  readonly posId: number | null;
  /** The device a device event is about; null for the other topics. */
  readonly deviceId: number | null;
};

/**
 * An event on a stream: the id is the place the server process that heard it gave it in the order
 * it heard its events (see LiveEventHub), not a row's id.
 */
export type LiveEvent = AnnouncedEvent & { readonly id: number };

/** What a stream follows: every event, or those of some POS and of the devices their payment methods use. */
export type StreamScope = { readonly kind: 'all' } | { readonly kind: 'tills'; readonly posIds: readonly number[]; readonly deviceIds: readonly number[] };

export const EVENTS_CHANNEL = 'events';

/**
 * Publishes an event: when the transaction commits, every server process hears it (the trigger of
 * migration 0018 gives it its scope and announces it; nothing is kept). An event too large for
 * NOTIFY is kept and announced by its row id; the listeners read it back with `getStoredEvent`.
 */
export async function appendEvent(db: Executor, event: NewLiveEvent): Promise<void> {
  await db
    .insertInto('events')
    .values({ topic: event.topic, audience: event.audience, data: toJson(event.data) })
    .execute();
}

/**
 * The announcement of an event whose scope its writer knows, as the trigger of migration 0018
 * writes it (the same keys, the same time format; a test holds the two together). The hot writers
 * (a payment request, a batch of box events) send it themselves instead of inserting the event,
 * which would make the trigger parse the data and print it again. Null when the event must go
 * through the trigger: a payment or order event whose POS the writer does not know, or one too
 * large to announce whole.
 */
export function announcementOf(event: NewLiveEvent & { readonly at: Date; readonly posId?: number | null }): string | null {
  const posId = event.posId ?? null;
  if ((event.topic === 'payment' || event.topic === 'order') && posId === null) return null;
  const deviceId = event.topic === 'device' ? event.data.device.id : null;
  const note = toJson({ at: event.at.toISOString(), topic: event.topic, audience: event.audience, posId, deviceId, data: event.data });
  return Buffer.byteLength(note) <= MAX_NOTIFY_BYTES ? note : null;
}

/**
 * A scalar expression that sends `notes` (from announcementOf), in their order, on the events
 * channel when the statement's transaction commits, if `when` holds; it counts those sent.
 */
export function announceNotes(prefix: string, notes: readonly string[], when: RawBuilder<boolean> = sql<boolean>`true`): RawBuilder<number> {
  return sql<number>`(select count(pg_notify(${channelName(prefix, EVENTS_CHANNEL)}::text, n)) from (
    select n from unnest(${[...notes]}::text[]) with ordinality as u(n, i) where ${when} order by i) as ordered)`;
}

/** An event kept because it was too large to announce whole; null once pruned. */
export async function getStoredEvent(db: Executor, id: number): Promise<AnnouncedEvent | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toAnnounced(row);
}

/** Keeps the store of large events bounded: those older than `before` go. */
export async function pruneEvents(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('events').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A stored row: only appendEvent and the uplink batch write them, each from a NewLiveEvent. */
function toAnnounced(row: { at: Date; topic: string; audience: string; pos_id: number | null; device_id: number | null; data: unknown }): AnnouncedEvent {
  return {
    at: row.at.toISOString(),
    topic: row.topic,
    audience: row.audience,
    posId: row.pos_id,
    deviceId: row.device_id,
    data: row.data,
  } as AnnouncedEvent;
}
