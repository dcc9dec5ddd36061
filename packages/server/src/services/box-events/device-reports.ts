import type { DeviceReport, TerminalModel } from '@kassa/contract';
import { newestReportPerTerminal } from '../../domain/devices.js';
import { devicesWithTerminalIds, upsertDeviceReports } from '../../repos/devices.js';
import type { Executor } from '../../repos/executor.js';
import { deviceView } from '../boxes.js';
import type { Announcer, BoxEventOutcome } from './outcome.js';

/**
 * A report that changes nothing but the last-seen time writes nothing (no row, no live event)
 * unless it moves the stored last-seen by this much or more. The stored value is always the time of
 * the frame the box reported (to the millisecond, shown to the second); this only bounds the write
 * load: the box reports a talking terminal's last frame every 15 to 30 s (lastSeenReportEvery in the
 * box), each of which passes, so an online terminal costs at most one row write and one `device`
 * event per 15 s (1,000 terminals: under 70 writes/s, batched per box), while the state changes the
 * box reports twice per payment, which the server keeps no trace of, write nothing.
 */
export const DEVICE_LAST_SEEN_PRECISION_MS = 10_000;

const MODEL_NAMES: Readonly<Record<TerminalModel, string>> = { lane5000: 'Lane/5000', desk5000: 'Desk/5000', move5000: 'Move/5000', unknown: 'unknown' };

/**
 * Stores what the box says about its terminals, set-wise, and queues a `device` live event for
 * each device written. Reports can arrive out of order (a replay after a reconnect), so an older
 * report than the stored one changes nothing; a model the box does not know yet keeps the one
 * already learnt. The serial number and address decide the device's approval (see
 * domain/device-approval.ts). A device that shares its TerminalId with another box's device makes
 * that one change too (it is now in conflict): it is announced as well. Returns the outcome of
 * each report by its position. `quietMs`: see DEVICE_LAST_SEEN_PRECISION_MS; null writes every report.
 */
export async function applyDeviceReports(
  trx: Executor,
  live: Announcer,
  boxId: string,
  reports: readonly { index: number; report: DeviceReport }[],
  quietMs: number | null,
): Promise<Map<number, BoxEventOutcome>> {
  const outcomes = new Map<number, BoxEventOutcome>(reports.map((r) => [r.index, 'recorded']));
  const kept = newestReportPerTerminal(reports.map((r) => ({ terminalId: r.report.terminalId, lastSeenMs: Date.parse(r.report.lastSeen) }))).flatMap(
    (k) => reports[k] ?? [],
  );
  const rows = kept.map(({ report }) => ({
    terminalId: report.terminalId,
    model: MODEL_NAMES[report.model],
    online: report.online,
    at: new Date(report.lastSeen),
    serialNumber: report.serialNumber,
    address: report.address,
  }));
  const written = new Map((await upsertDeviceReports(trx, boxId, rows, { quietMs })).map((d) => [d.terminalId, d]));
  for (const { index, report } of kept) {
    const device = written.get(report.terminalId);
    if (device === undefined) continue;
    outcomes.set(index, 'applied');
    live.announce('device', 'cashier', { device: deviceView(device) });
  }
  const shared = [...written.values()].filter((d) => d.sharedWith.length > 0);
  if (shared.length > 0) {
    for (const other of await devicesWithTerminalIds(
      trx,
      shared.map((d) => d.terminalId),
      [...written.values()].map((d) => d.id),
    ))
      live.announce('device', 'cashier', { device: deviceView(other) });
  }
  return outcomes;
}
