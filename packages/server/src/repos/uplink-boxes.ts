import { sql } from 'kysely';
import type { DeviceView } from './devices.js';
import { DEVICE_SELECTION, toDevice } from './devices.js';
import type { Executor } from './executor.js';
import { toJson } from './executor.js';

export interface BoxHelloRecord {
  readonly boxId: string;
  /** The identity the box made for itself at first start (may differ from the paired id). */
  readonly reportedId: string;
  readonly software: string;
  readonly contractVersion: number;
  readonly at: Date;
}

export async function recordBoxHello(db: Executor, hello: BoxHelloRecord): Promise<void> {
  const values = { box_id: hello.boxId, reported_id: hello.reportedId, software: hello.software, contract_version: hello.contractVersion, at: hello.at };
  await db
    .insertInto('box_hellos')
    .values(values)
    .onConflict((c) =>
      c.column('box_id').doUpdateSet({ reported_id: values.reported_id, software: values.software, contract_version: values.contract_version, at: values.at }),
    )
    .execute();
}

/**
 * Marks a box offline only if this server process still holds it: when the box has already
 * reconnected elsewhere, the old link's end changes nothing.
 */
export async function releaseBoxLink(db: Executor, boxId: string, serverId: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('boxes')
    .set({ online: false, server_id: null, last_seen_at: at })
    .where('id', '=', boxId)
    .where('server_id', '=', serverId)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Keeps box events that name no payment of the box, in one statement whatever their number (each
 * column travels as one array parameter); returns the ids that were new (the others were kept before).
 */
export async function recordUnmatchedEvents(
  db: Executor,
  boxId: string,
  at: Date,
  events: readonly { eventId: string; kind: string; paymentUuid: string | null; reason: string; data: unknown }[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const { rows } = await sql<{ event_id: string }>`
    insert into box_unmatched_events (box_id, event_id, at, kind, payment_uuid, reason, data)
    select ${boxId}::text, event_id, ${at}::timestamptz, kind, payment_uuid, reason, data::jsonb
    from unnest(${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.kind)}::text[], ${events.map((e) => e.paymentUuid)}::text[],
      ${events.map((e) => e.reason)}::text[], ${events.map((e) => toJson(e.data))}::text[]) with ordinality as u(event_id, kind, payment_uuid, reason, data, i)
    order by i
    on conflict (box_id, event_id) do nothing
    returning event_id`.execute(db);
  return new Set(rows.map((r) => r.event_id));
}

/** Devices of a box the box no longer reports (its hello lists what it sees now) go offline. */
export async function setDevicesOfflineExcept(db: Executor, boxId: string, terminalIds: readonly string[]): Promise<DeviceView[]> {
  let query = db.updateTable('devices').set({ online: false }).where('box_id', '=', boxId).where('online', '=', true);
  // One array parameter, however many terminals the box reports.
  if (terminalIds.length > 0) query = query.where(sql<boolean>`terminal_id <> all(${[...terminalIds]}::text[])`);
  return (await query.returning(DEVICE_SELECTION).execute()).map(toDevice);
}

/** The server process that holds the box's link now, or null when the box is offline. */
export async function boxHolder(db: Executor, boxId: string): Promise<string | null> {
  const row = await db.selectFrom('boxes').select('server_id').where('id', '=', boxId).executeTakeFirst();
  return row?.server_id ?? null;
}
