import type { LiveEventData, LiveTopic } from '@kassa/contract';
import { sql } from 'kysely';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';

export type EventTopic = LiveTopic;
export type Audience = 'admin' | 'cashier';

/** An event to publish: its topic decides what its data is (the contract's LiveEvent), its audience who may see it. */
export type NewLiveEvent = { [Topic in LiveTopic]: { readonly topic: Topic; readonly audience: Audience; readonly data: LiveEventData<Topic> } }[LiveTopic];

/** A published event: stored, with its id, time and scope (given at commit). */
export type LiveEvent = NewLiveEvent & {
  readonly id: number;
  readonly at: string;
  /** The POS whose session the payment or order belongs to; null for the other topics. */
  readonly posId: number | null;
  /** The device a device event is about; null for the other topics. */
  readonly deviceId: number | null;
};

/** What a stream follows: every event, or those of some POS and of the devices their payment methods use. */
export type StreamScope = { readonly kind: 'all' } | { readonly kind: 'tills'; readonly posIds: readonly number[]; readonly deviceIds: readonly number[] };

export const EVENTS_CHANNEL = 'events';

/**
 * Stores an event for replay (Last-Event-ID). When the transaction commits, the trigger of
 * migration 0013 gives it its id (in commit order), its scope, and announces it to every server
 * process: the whole event, or its id only when that is too large for NOTIFY (the listener then
 * reads it back).
 */
export async function appendEvent(db: Executor, event: NewLiveEvent): Promise<void> {
  await db
    .insertInto('events')
    .values({ topic: event.topic, audience: event.audience, data: toJson(event.data) })
    .execute();
}

export async function getEvent(db: Executor, id: number): Promise<LiveEvent | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toLive(row);
}

/** Events after `afterId` that `audiences` may see within `scope`, oldest first, at most `limit`. */
export async function eventsAfter(
  db: Executor,
  afterId: number,
  limit: number,
  filter?: { audiences: readonly Audience[]; scope: StreamScope },
): Promise<LiveEvent[]> {
  let query = db.selectFrom('events').selectAll().where('id', '>', afterId);
  if (filter !== undefined) {
    query = query.where('audience', 'in', [...filter.audiences]);
    const scope = filter.scope;
    if (scope.kind === 'tills') {
      query = query.where((eb) =>
        eb.or([
          eb('pos_id', '=', sql<number>`any(${[...scope.posIds]}::integer[])`),
          eb('device_id', '=', sql<number>`any(${[...scope.deviceIds]}::integer[])`),
        ]),
      );
    }
  }
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map(toLive);
}

export async function latestEventId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? 0 : Number(row.id);
}

/** Keeps the replay window bounded: events older than `before` go. */
export async function pruneEvents(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('events').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A stored row: only appendEvent and the uplink batch write them, each from a NewLiveEvent. */
function toLive(row: { id: number; at: Date; topic: string; audience: string; pos_id: number | null; device_id: number | null; data: unknown }): LiveEvent {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    topic: row.topic,
    audience: row.audience,
    posId: row.pos_id,
    deviceId: row.device_id,
    data: row.data,
  } as LiveEvent;
}
