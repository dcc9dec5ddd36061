import type { DeviceApproval } from './device-approval.js';

export const DEVICE_TYPES = ['payment', 'printer', 'scanner', 'display'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** A device as paired boxes report it. */
export interface Device {
  readonly id: number;
  readonly boxId: string;
  readonly type: DeviceType | string;
  readonly make: string;
  readonly model: string;
  readonly terminalId: string;
  readonly online: boolean;
  /** The box was revoked or the device removed: it no longer exists for configuration. */
  readonly removed: boolean;
  /** See device-approval.ts. */
  readonly approval: DeviceApproval;
  /** Other devices (on other boxes, not removed) reported with the same TerminalId. */
  readonly sharedWith: readonly number[];
}

export function isIngenicoPaymentDevice(device: Pick<Device, 'type' | 'make'>): boolean {
  return device.type === 'payment' && device.make.toLowerCase() === 'ingenico';
}

/**
 * Of several reports about the same terminals, the one to keep per terminal: the newest, and of
 * equally new ones the last to arrive (as if they had been applied one after another, each only
 * when not older than the one before). Returns their positions in `reports`, in arrival order.
 */
export function newestReportPerTerminal(reports: readonly { readonly terminalId: string; readonly lastSeenMs: number }[]): number[] {
  const newest = new Map<string, number>();
  reports.forEach((report, i) => {
    const kept = newest.get(report.terminalId);
    const keptAt = kept === undefined ? undefined : reports[kept]?.lastSeenMs;
    if (keptAt === undefined || report.lastSeenMs >= keptAt) newest.set(report.terminalId, i);
  });
  return [...newest.values()].sort((a, b) => a - b);
}
