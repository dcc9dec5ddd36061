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

export async function setBoxDevicesOffline(db: Executor, boxId: string): Promise<DeviceView[]> {
  return (await db.updateTable('devices').set({ online: false }).where('box_id', '=', boxId).where('online', '=', true).returning(columns).execute()).map(toDevice);
}

export async function removeBoxDevices(db: Executor, boxId: string): Promise<void> {
  await db.updateTable('devices').set({ removed: true, online: false }).where('box_id', '=', boxId).execute();
}
