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
}

export function isIngenicoPaymentDevice(device: Pick<Device, 'type' | 'make'>): boolean {
  return device.type === 'payment' && device.make.toLowerCase() === 'ingenico';
}
