import type { Device as DeviceApi } from '@kassa/contract';
import { KassaError, notFound } from '../domain/errors.js';
import { dismissAlert } from '../repos/device-alerts.js';
import type { DeviceView } from '../repos/devices.js';
import { approveDevice, devicesWithTerminalIds, getDevice, removeDevice } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import type { Executor } from '../repos/executor.js';
import { deviceView } from './boxes.js';
import type { ServiceContext } from './context.js';

/** Announces the device, and the devices of other boxes with its TerminalId (their conflict changed with it). */
async function announce(trx: Executor, ctx: ServiceContext, device: DeviceView, withShared: boolean): Promise<void> {
  await appendEvent(trx, { topic: 'device', audience: 'cashier', data: { device: deviceView(device) } });
  if (!withShared) return;
  for (const other of await devicesWithTerminalIds(trx, [device.terminalId], [device.id])) {
    await appendEvent(trx, { topic: 'device', audience: 'cashier', data: { device: deviceView(other) } });
  }
}

/**
 * An admin approves a terminal as it is now (a new one, or the change of a quarantined one): the
 * serial number and address its box last reported become the approved ones, and it takes payments
 * (unless another box reports its TerminalId too).
 */
export async function approveTerminal(ctx: ServiceContext, id: number, userId: number): Promise<DeviceApi> {
  return ctx.db.transaction().execute(async (trx) => {
    const device = await approveDevice(trx, id, { userId, at: ctx.now() });
    if (device === null) throw notFound('Device', id);
    await announce(trx, ctx, device, false);
    return deviceView(device);
  });
}

/**
 * An admin removes a device: it leaves the configuration (a payment method that chose it can no
 * longer take payments), and a TerminalId it shared with another box's device is no longer in
 * conflict. If its box reports it again, it comes back `new`.
 */
export async function removeTerminal(ctx: ServiceContext, id: number): Promise<DeviceApi> {
  return ctx.db.transaction().execute(async (trx) => {
    const device = await removeDevice(trx, id);
    if (device === null) throw notFound('Device', id);
    await announce(trx, ctx, device, true);
    return deviceView(device);
  });
}

/** An admin dismisses an alert of a device. */
export async function dismissDeviceAlert(ctx: ServiceContext, id: number, alertId: number, userId: number): Promise<DeviceApi> {
  return ctx.db.transaction().execute(async (trx) => {
    const outcome = await dismissAlert(trx, id, alertId, { userId, at: ctx.now() });
    if (outcome === 'missing') throw notFound('Alert', `${alertId} of device ${id}`);
    if (outcome === 'already') throw new KassaError('KASSA_ALERT_DISMISSED', undefined, { deviceId: id, alertId });
    const device = await getDevice(trx, id);
    if (device === null) throw notFound('Device', id);
    await announce(trx, ctx, device, false);
    return deviceView(device);
  });
}
