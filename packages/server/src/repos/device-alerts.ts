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
 * Raises an `impostor` alert on the device of the box with each report's TerminalId (one statement
 * for the batch); a report naming no device of the box raises nothing. Returns the ids of the
 * devices that got an alert.
 */
export async function raiseImpostorAlerts(db: Executor, boxId: string, reports: readonly ImpostorReport[]): Promise<number[]> {
  if (reports.length === 0) return [];
  const rows = await db
    .insertInto('device_alerts')
    .columns(['device_id', 'kind', 'at', 'address', 'serial_number', 'reason', 'attempts'])
    .expression(
      db
        .selectFrom(
          sql<{
            terminal_id: string;
            at: Date;
            address: string;
            serial_number: string | null;
            reason: string;
            attempts: number;
          }>`(select * from json_to_recordset(${JSON.stringify(
            reports.map((r) => ({
              terminal_id: r.terminalId,
              at: r.at.toISOString(),
              address: r.address,
              serial_number: r.serialNumber,
              reason: r.reason,
              attempts: r.attempts,
            })),
          )}::json) as r(terminal_id text, at timestamptz, address text, serial_number text, reason text, attempts integer))`.as('r'),
        )
        .innerJoin('devices as d', (j) => j.onRef('d.terminal_id', '=', 'r.terminal_id').on('d.box_id', '=', boxId))
        .select(['d.id', sql.lit('impostor').as('kind'), 'r.at', 'r.address', 'r.serial_number', 'r.reason', 'r.attempts']),
    )
    .returning('device_id')
    .execute();
  return [...new Set(rows.map((r) => r.device_id))];
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
