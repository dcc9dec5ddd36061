import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** A box refused a connection claiming the TerminalId of one of its online terminals. */
export interface ImpostorReport {
  readonly terminalId: string;
  readonly address: string;
  readonly serialNumber: string | null;
  readonly reason: string;
  readonly attempts: number;
  readonly at: Date;
}

/**
 * Raises an `impostor` alert on the device of the box with each report's TerminalId, in one
 * statement for the batch. A claimant (device and address) that already has an open alert adds its
 * attempts to it (the newest time, serial number and reason win) instead of raising another, so one
 * episode of a process that keeps dialling is one alert whose count grows; once dismissed, its next
 * report raises a new one. A report naming no device of the box raises nothing. Returns the ids of
 * the devices whose alerts changed.
 */
export async function raiseImpostorAlerts(db: Executor, boxId: string, reports: readonly ImpostorReport[]): Promise<number[]> {
  if (reports.length === 0) return [];
  const input = JSON.stringify(
    reports.map((r, i) => ({
      terminal_id: r.terminalId,
      at: r.at.toISOString(),
      address: r.address,
      serial_number: r.serialNumber,
      reason: r.reason,
      attempts: r.attempts,
      i,
    })),
  );
  const { rows } = await sql<{ device_id: number }>`
    with reports as (
      select d.id as device_id, r.address, max(r.at) as at, sum(r.attempts)::integer as attempts,
        (array_agg(r.serial_number order by r.i desc))[1] as serial_number, (array_agg(r.reason order by r.i desc))[1] as reason
      from json_to_recordset(${input}::json) as r(terminal_id text, at timestamptz, address text, serial_number text, reason text, attempts integer, i integer)
      join devices d on d.terminal_id = r.terminal_id and d.box_id = ${boxId}::text
      group by d.id, r.address
    ),
    added as (
      update device_alerts a
      set attempts = a.attempts + reports.attempts, at = greatest(a.at, reports.at), serial_number = reports.serial_number, reason = reports.reason
      from reports
      where a.id = (select max(o.id) from device_alerts o
        where o.device_id = reports.device_id and o.kind = 'impostor' and o.address = reports.address and o.dismissed_at is null)
      returning a.device_id, a.address
    ),
    raised as (
      insert into device_alerts (device_id, kind, at, address, serial_number, reason, attempts)
      select device_id, 'impostor', at, address, serial_number, reason, attempts from reports
      where not exists (select 1 from added where added.device_id = reports.device_id and added.address = reports.address)
      returning device_id
    )
    select device_id from added union select device_id from raised`.execute(db);
  return rows.map((r) => r.device_id);
}

/** `dismissed`, or why not: no such open alert on that device (`missing`), or dismissed before (`already`). */
export async function dismissAlert(
  db: Executor,
  deviceId: number,
  alertId: number,
  by: { userId: number; at: Date },
): Promise<'dismissed' | 'missing' | 'already'> {
  const row = await db
    .selectFrom('device_alerts')
    .select(['id', 'dismissed_at'])
    .where('id', '=', alertId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  if (row === undefined) return 'missing';
  if (row.dismissed_at !== null) return 'already';
  const done = await db
    .updateTable('device_alerts')
    .set({ dismissed_at: by.at, dismissed_by: by.userId })
    .where('id', '=', alertId)
    .where('dismissed_at', 'is', null)
    .executeTakeFirst();
  return done.numUpdatedRows > 0n ? 'dismissed' : 'already';
}
