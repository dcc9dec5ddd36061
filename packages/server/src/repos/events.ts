import type { LiveEventData, LiveTopic } from '@kassa/contract';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';
import { MAX_NOTIFY_BYTES, notify } from './notify.js';

export type EventTopic = LiveTopic;
export type Audience = 'admin' | 'cashier';

/** An event to publish: its topic decides what its data is (the contract's LiveEvent), its audience who may see it. */
export type NewLiveEvent = { [Topic in LiveTopic]: { readonly topic: Topic; readonly audience: Audience; readonly data: LiveEventData<Topic> } }[LiveTopic];

/** A published event: stored, with its id and time. */
export type LiveEvent = NewLiveEvent & { readonly id: number; readonly at: string };

export const EVENTS_CHANNEL = 'events';

/**
 * Stores an event for replay (Last-Event-ID) and announces it to every server process. The
 * announcement carries the whole event so live delivery needs no second read; an event too large
 * for NOTIFY is announced by id only and read back by the listener.
 */
export async function appendEvent(db: Executor, prefix: string, event: NewLiveEvent): Promise<LiveEvent> {
  const row = await db.insertInto('events').values({ topic: event.topic, audience: event.audience, data: toJson(event.data) }).returning(['id', 'at']).executeTakeFirstOrThrow();
  // Field by field, in the order the uplink batch writes its NOTIFY payloads (a copy loses which data goes with which topic).
  const live = { id: Number(row.id), at: row.at.toISOString(), topic: event.topic, audience: event.audience, data: event.data } as LiveEvent;
  const payload = toJson(live);
  await notify(db, prefix, EVENTS_CHANNEL, Buffer.byteLength(payload) <= MAX_NOTIFY_BYTES ? payload : toJson({ id: live.id }));
  return live;
}

export async function getEvent(db: Executor, id: number): Promise<LiveEvent | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toLive(row);
}

/** Events after `afterId`, oldest first, at most `limit`. */
export async function eventsAfter(db: Executor, afterId: number, limit: number): Promise<LiveEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toLive);
}

export async function latestEventId(db: Executor): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return row?.id === null || row?.id === undefined ? 0 : Number(row.id);
}

/** Keeps the replay window bounded: events older than `before` go. */
export async function pruneEvents(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('events').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A stored row: only appendEvent and the uplink batch write them, each from a NewLiveEvent. */
function toLive(row: { id: number; at: Date; topic: string; audience: string; data: unknown }): LiveEvent {
  return { id: Number(row.id), at: row.at.toISOString(), topic: row.topic, audience: row.audience, data: row.data } as LiveEvent;
}
