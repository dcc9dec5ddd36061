import type { BoxEventOf } from '@kassa/contract';
import { raiseImpostorAlerts } from '../../repos/device-alerts.js';
import { devicesWithTerminalIds } from '../../repos/devices.js';
import type { Executor } from '../../repos/executor.js';
import { deviceView } from '../boxes.js';
import type { Announcer, BoxEventOutcome } from './outcome.js';

/**
 * A box refused connections that claimed the TerminalId of one of its online terminals: each report
 * raises an `impostor` alert on that device (until an admin dismisses it), and the device is
 * announced live with it. The terminal itself was not touched, so its payments go on. A report
 * naming no device of the box (it never reached the server) is recorded and raises nothing.
 * Returns the outcome of each report by its position.
 */
export async function applyTerminalConflicts(
  trx: Executor,
  live: Announcer,
  boxId: string,
  conflicts: readonly { index: number; at: string; conflict: BoxEventOf<'terminalConflict'> }[],
): Promise<Map<number, BoxEventOutcome>> {
  const outcomes = new Map<number, BoxEventOutcome>(conflicts.map((c) => [c.index, 'recorded']));
  if (conflicts.length === 0) return outcomes;
  const reports = conflicts.map(({ at, conflict }) => ({
    terminalId: conflict.terminalId,
    address: conflict.address,
    serialNumber: conflict.serialNumber,
    reason: conflict.reason,
    attempts: conflict.attempts,
    at: new Date(at),
  }));
  const alerted = new Set(await raiseImpostorAlerts(trx, boxId, reports));
  if (alerted.size === 0) return outcomes;
  const devices = (await devicesWithTerminalIds(trx, [...new Set(reports.map((r) => r.terminalId))], [])).filter((d) => d.boxId === boxId && alerted.has(d.id));
  for (const device of devices) live.announce('device', 'cashier', { device: deviceView(device) });
  const withAlert = new Set(devices.map((d) => d.terminalId));
  for (const { index, conflict } of conflicts) if (withAlert.has(conflict.terminalId)) outcomes.set(index, 'applied');
  return outcomes;
}
