import { sql } from 'kysely';
import { inChunks } from '../db/parameters.js';
import type { DeviceApproval } from '../domain/device-approval.js';
import type { Device } from '../domain/devices.js';
import type { Executor } from './executor.js';

/** An open alert about a device, as the device carries it. */
export interface DeviceAlertView {
  readonly id: number;
  readonly kind: 'impostor';
  readonly at: Date;
  readonly address: string | null;
  readonly serialNumber: string | null;
  readonly reason: string;
  readonly attempts: number;
}

export interface DeviceView extends Device {
  readonly lastSeenAt: Date | null;
  /** What the box last reported. */
  readonly serialNumber: string | null;
  readonly address: string | null;
  /** What an admin approved (null until known). */
  readonly approvedSerialNumber: string | null;
  readonly approvedAddress: string | null;
  readonly approvedAt: Date | null;
  /** The newest open alerts (at most MAX_ALERTS_SHOWN). */
  readonly alerts: readonly DeviceAlertView[];
}

/** Open alerts a device carries in its view; older ones stay in the table until dismissed. */
export const MAX_ALERTS_SHOWN = 20;

const columns = [
  'id',
  'box_id',
  'terminal_id',
  'type',
  'make',
  'model',
  'online',
  'last_seen_at',
  'removed',
  'approval',
  'serial_number',
  'address',
  'approved_serial_number',
  'approved_address',
  'approved_at',
] as const;

// Read beside the row, in the same statement, from the row the statement wrote or selected
// (`devices` is the table's own name in a RETURNING as in a SELECT).
const sharedWith = sql<number[]>`coalesce((select json_agg(x.id order by x.id) from devices x
  where x.terminal_id = devices.terminal_id and x.id <> devices.id and not x.removed), '[]'::json)`.as('shared_with');
const alerts = sql<AlertJson[]>`coalesce((select json_agg(a order by a.id desc) from (
  select id, kind, at, address, serial_number as "serialNumber", reason, attempts from device_alerts
  where device_id = devices.id and dismissed_at is null order by id desc limit ${sql.lit(MAX_ALERTS_SHOWN)}) a), '[]'::json)`.as('alerts');

/** What a statement on devices returns, for `toDevice`. */
export const DEVICE_SELECTION = [...columns, sharedWith, alerts] as const;

type AlertJson = Omit<DeviceAlertView, 'at'> & { at: string };
type DeviceRow = {
  id: number;
  box_id: string;
  terminal_id: string;
  type: string;
  make: string;
  model: string;
  online: boolean;
  last_seen_at: Date | null;
  removed: boolean;
  approval: DeviceApproval;
  serial_number: string | null;
  address: string | null;
  approved_serial_number: string | null;
  approved_address: string | null;
  approved_at: Date | null;
  shared_with: number[];
  alerts: AlertJson[];
};

export const toDevice = (row: DeviceRow): DeviceView => ({
  id: row.id,
  boxId: row.box_id,
  terminalId: row.terminal_id,
  type: row.type,
  make: row.make,
  model: row.model,
  online: row.online,
  lastSeenAt: row.last_seen_at,
  removed: row.removed,
  approval: row.approval,
  serialNumber: row.serial_number,
  address: row.address,
  approvedSerialNumber: row.approved_serial_number,
  approvedAddress: row.approved_address,
  approvedAt: row.approved_at,
  sharedWith: row.shared_with,
  alerts: row.alerts.map((a) => ({ ...a, at: new Date(a.at) })),
});

export async function listDevices(db: Executor): Promise<DeviceView[]> {
  return (await db.selectFrom('devices').select(DEVICE_SELECTION).where('removed', '=', false).orderBy('id').execute()).map(toDevice);
}

export async function getDevice(db: Executor, id: number): Promise<DeviceView | null> {
  const row = await db.selectFrom('devices').select(DEVICE_SELECTION).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}

/** The devices, other than those of `exceptIds`, that carry one of these TerminalIds (not removed). */
export async function devicesWithTerminalIds(db: Executor, terminalIds: readonly string[], exceptIds: readonly number[]): Promise<DeviceView[]> {
  if (terminalIds.length === 0) return [];
  let query = db
    .selectFrom('devices')
    .select(DEVICE_SELECTION)
    .where('terminal_id', 'in', [...terminalIds])
    .where('removed', '=', false);
  if (exceptIds.length > 0) query = query.where('id', 'not in', [...exceptIds]);
  return (await query.orderBy('id').execute()).map(toDevice);
}

export async function findDeviceOfBox(db: Executor, boxId: string, terminalId: string): Promise<DeviceView | null> {
  const row = await db.selectFrom('devices').select(DEVICE_SELECTION).where('box_id', '=', boxId).where('terminal_id', '=', terminalId).executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}

/**
 * Records what a box reports about one terminal; a TerminalId seen for the first time becomes a
 * device, `new` unless `approved` (configuration written by the server itself: the demo, tests,
 * the bench), which approves it with the serial number and address of its next report.
 */
export async function upsertDevice(
  db: Executor,
  report: { boxId: string; terminalId: string; type: string; make: string; model: string; online: boolean; at: Date; approved?: boolean },
): Promise<DeviceView> {
  const approval = report.approved === true ? ('approved' as const) : undefined;
  const values = {
    box_id: report.boxId,
    terminal_id: report.terminalId,
    type: report.type,
    make: report.make,
    model: report.model,
    online: report.online,
    last_seen_at: report.at,
    removed: false,
    ...(approval ? { approval } : {}),
  };
  const row = await db
    .insertInto('devices')
    .values(values)
    .onConflict((c) =>
      c.columns(['box_id', 'terminal_id']).doUpdateSet({
        type: values.type,
        make: values.make,
        model: values.model,
        online: values.online,
        last_seen_at: values.last_seen_at,
        removed: false,
        ...(approval ? { approval } : {}),
      }),
    )
    .returning(DEVICE_SELECTION)
    .executeTakeFirstOrThrow();
  return toDevice(row);
}

/** What a box reports about one of its Ingenico terminals. `model` 'unknown' keeps the model already learnt. */
export interface DeviceReportRow {
  readonly terminalId: string;
  readonly model: string;
  readonly online: boolean;
  readonly at: Date;
  /** Null when the box does not know it (yet): the stored one stays. */
  readonly serialNumber: string | null;
  readonly address: string | null;
}

/**
 * The approval rule of domain/device-approval.ts (`approvalAfterReport`), in SQL, so a batch of
 * reports is applied in one statement: an approved device reported with another serial number or
 * address than its approved ones is quarantined; one whose approved values are not known yet takes
 * the reported ones; a removed device reported again comes back `new`. A test holds the two
 * definitions to the same cases.
 */
const changedFromApproved = sql<boolean>`((devices.approved_serial_number is not null and excluded.serial_number is not null and devices.approved_serial_number <> excluded.serial_number)
  or (devices.approved_address is not null and excluded.address is not null and devices.approved_address <> excluded.address))`;
const approvalAfterReport = sql<DeviceApproval>`case when devices.removed then 'new'
  when devices.approval <> 'approved' then devices.approval
  when ${changedFromApproved} then 'quarantined' else 'approved' end`;
const approvedAfterReport = (column: 'serial_number' | 'address') =>
  sql<string | null>`case when devices.removed then null
    when devices.approval = 'approved' and not ${changedFromApproved} then coalesce(${sql.ref(`devices.approved_${column}`)}, ${sql.ref(`excluded.${column}`)})
    else ${sql.ref(`devices.approved_${column}`)} end`;

/**
 * Stores many reports of one box's terminals set-wise (at most one report per terminal, in
 * statements under the parameter limit) and returns the devices it wrote. A report older than the stored one changes nothing. With
 * `quietMs`, a report that changes nothing the server keeps but the last-seen time, and moves it
 * by less than `quietMs`, writes nothing either: last-seen is kept to that precision, and a box's
 * terminal going idle → busy → idle at each payment costs no write and no live event. A serial
 * number or address the box reports anew, and what it does to the approval, is always written.
 * Rows are written in TerminalId order, so two writers of one box never wait on each other in a circle.
 */
export async function upsertDeviceReports(
  db: Executor,
  boxId: string,
  reports: readonly DeviceReportRow[],
  options: { quietMs: number | null },
): Promise<DeviceView[]> {
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
          or (excluded.model <> 'unknown' and devices.model <> excluded.model)
          or (excluded.serial_number is not null and devices.serial_number is distinct from excluded.serial_number)
          or (excluded.address is not null and devices.address is distinct from excluded.address)
          or (devices.approval = 'approved' and ((devices.approved_serial_number is null and excluded.serial_number is not null)
            or (devices.approved_address is null and excluded.address is not null))))`;
  const written: DeviceView[] = [];
  // Ten parameters a row, the quiet time and the update's `removed`.
  for (const chunk of inChunks(sorted, 10, 2)) {
    const rows = await db
      .insertInto('devices')
      .values(
        chunk.map((r) => ({
          box_id: boxId,
          terminal_id: r.terminalId,
          type: 'payment',
          make: 'Ingenico',
          model: r.model,
          online: r.online,
          last_seen_at: r.at,
          removed: false,
          serial_number: r.serialNumber,
          address: r.address,
        })),
      )
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
            serial_number: sql`coalesce(excluded.serial_number, devices.serial_number)`,
            address: sql`coalesce(excluded.address, devices.address)`,
            approval: approvalAfterReport,
            approved_serial_number: approvedAfterReport('serial_number'),
            approved_address: approvedAfterReport('address'),
            approved_at: sql`case when devices.removed then null else devices.approved_at end`,
            approved_by: sql`case when devices.removed then null else devices.approved_by end`,
          })
          .where(sql<boolean>`(devices.last_seen_at is null or devices.last_seen_at <= excluded.last_seen_at) and ${changed}`),
      )
      .returning(DEVICE_SELECTION)
      .execute();
    for (const row of rows) written.push(toDevice(row));
  }
  return written;
}

export async function setBoxDevicesOffline(db: Executor, boxId: string): Promise<DeviceView[]> {
  return (
    await db.updateTable('devices').set({ online: false }).where('box_id', '=', boxId).where('online', '=', true).returning(DEVICE_SELECTION).execute()
  ).map(toDevice);
}

export async function removeBoxDevices(db: Executor, boxId: string): Promise<void> {
  await db.updateTable('devices').set({ removed: true, online: false }).where('box_id', '=', boxId).execute();
}

/**
 * An admin approves the device as it is now: its approval becomes `approved` and the serial number
 * and address last reported become the approved ones. Null when there is no such device.
 */
export async function approveDevice(db: Executor, id: number, by: { userId: number; at: Date }): Promise<DeviceView | null> {
  const row = await db
    .updateTable('devices')
    .set({ approval: 'approved', approved_serial_number: sql`serial_number`, approved_address: sql`address`, approved_at: by.at, approved_by: by.userId })
    .where('id', '=', id)
    .where('removed', '=', false)
    .returning(DEVICE_SELECTION)
    .executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}

/** An admin removes a device (e.g. the same TerminalId's old row on another box). Null when there is no such device. */
export async function removeDevice(db: Executor, id: number): Promise<DeviceView | null> {
  const row = await db
    .updateTable('devices')
    .set({ removed: true, online: false })
    .where('id', '=', id)
    .where('removed', '=', false)
    .returning(DEVICE_SELECTION)
    .executeTakeFirst();
  return row === undefined ? null : toDevice(row);
}
