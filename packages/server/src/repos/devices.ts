import { sql } from 'kysely';
import { inChunks } from '../db/parameters.js';
import type { Device } from '../domain/devices.js';
import type { Executor } from './executor.js';

export interface DeviceView extends Device {
  readonly lastSeenAt: Date | null;
}

const columns = ['id', 'box_id', 'terminal_id', 'type', 'make', 'model', 'online', 'last_seen_at', 'removed'] as const;
type DeviceRow = { id: number; box_id: string; terminal_id: string; type: string; make: string; model: string; online: boolean; last_seen_at: Date | null; removed: boolean };
const toDevice = (row: DeviceRow): DeviceView => ({
  id: row.id,
  boxId: row.box_id,
  terminalId: row.terminal_id,
  type: row.type,
  make: row.make,
  model: row.model,
  online: row.online,
  lastSeenAt: row.last_seen_at,
  removed: row.removed,
});

export async function listDevices(db: Executor): Promise<DeviceView[]> {
  return (await db.selectFrom('devices').select(columns).where('removed', '=', false).orderBy('id').execute()).map(toDevice);
}

export async function getDevice(db: Executor, id: number): Promise<DeviceView | null> {
  const row = await db.selectFrom('devices').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}

export async function findDeviceOfBox(db: Executor, boxId: string, terminalId: string): Promise<DeviceView | null> {
  const row = await db.selectFrom('devices').select(columns).where('box_id', '=', boxId).where('terminal_id', '=', terminalId).executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}

/** Records what a box reports about one terminal; a TerminalId seen for the first time becomes a device. */
export async function upsertDevice(
  db: Executor,
  report: { boxId: string; terminalId: string; type: string; make: string; model: string; online: boolean; at: Date },
): Promise<DeviceView> {
  const values = { box_id: report.boxId, terminal_id: report.terminalId, type: report.type, make: report.make, model: report.model, online: report.online, last_seen_at: report.at, removed: false };
  const row = await db
    .insertInto('devices')
    .values(values)
    .onConflict((c) => c.columns(['box_id', 'terminal_id']).doUpdateSet({ type: values.type, make: values.make, model: values.model, online: values.online, last_seen_at: values.last_seen_at, removed: false }))
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toDevice(row);
}

/** What a box reports about one of its Ingenico terminals. `model` 'unknown' keeps the model already learnt. */
export interface DeviceReportRow {
  readonly terminalId: string;
  readonly model: string;
  readonly online: boolean;
  readonly at: Date;
}

/**
 * Stores many reports of one box's terminals set-wise (at most one report per terminal, in
 * statements under the parameter limit) and returns the devices it wrote. A report older than the stored one changes nothing. With
 * `quietMs`, a report that changes nothing the server keeps but the last-seen time, and moves it
 * by less than `quietMs`, writes nothing either: last-seen is kept to that precision, and a box's
 * terminal going idle → busy → idle at each payment costs no write and no live event.
 * Rows are written in TerminalId order, so two writers of one box never wait on each other in a circle.
 */
export async function upsertDeviceReports(db: Executor, boxId: string, reports: readonly DeviceReportRow[], options: { quietMs: number | null }): Promise<DeviceView[]> {
  if (reports.length === 0) return [];
  const sorted = [...reports].sort((a, b) => (a.terminalId < b.terminalId ? -1 : a.terminalId > b.terminalId ? 1 : 0));
  const quiet = options.quietMs;
  const changed =
    quiet === null
      ? sql<boolean>`true`
      : sql<boolean>`(devices.last_seen_at is null
          or devices.last_seen_at < excluded.last_seen_at - ${quiet}::integer * interval '1 millisecond'
          or devices.online <> excluded.online or devices.removed
          or devices.type <> excluded.type or devices.make <> excluded.make
          or (excluded.model <> 'unknown' and devices.model <> excluded.model))`;
  const written: DeviceView[] = [];
  // Eight parameters a row, the quiet time and the update's `removed`.
  for (const chunk of inChunks(sorted, 8, 2)) {
    const rows = await db
      .insertInto('devices')
      .values(chunk.map((r) => ({ box_id: boxId, terminal_id: r.terminalId, type: 'payment', make: 'Ingenico', model: r.model, online: r.online, last_seen_at: r.at, removed: false })))
      .onConflict((c) =>
        c
          .columns(['box_id', 'terminal_id'])
          .doUpdateSet({
            type: sql`excluded.type`,
            make: sql`excluded.make`,
            model: sql`case when excluded.model = 'unknown' then devices.model else excluded.model end`,
            online: sql`excluded.online`,
            last_seen_at: sql`excluded.last_seen_at`,
            removed: false,
          })
          .where(sql<boolean>`(devices.last_seen_at is null or devices.last_seen_at <= excluded.last_seen_at) and ${changed}`),
      )
      .returning(columns)
      .execute();
    for (const row of rows) written.push(toDevice(row));
  }
  return written;
}

export async function setBoxDevicesOffline(db: Executor, boxId: string): Promise<DeviceView[]> {
  return (await db.updateTable('devices').set({ online: false }).where('box_id', '=', boxId).where('online', '=', true).returning(columns).execute()).map(toDevice);
}

export async function removeBoxDevices(db: Executor, boxId: string): Promise<void> {
  await db.updateTable('devices').set({ removed: true, online: false }).where('box_id', '=', boxId).execute();
}
