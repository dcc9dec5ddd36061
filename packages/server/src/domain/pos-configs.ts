import type { Device } from './devices.js';
import { KassaError } from './errors.js';
import type { Terminal } from './payment-methods.js';

export interface PosMethodView {
  readonly id: number;
  readonly terminal: Terminal;
  readonly device: Device | null;
}

/** A method with a terminal can join a POS configuration only while its device exists. */
export function checkPosPaymentMethods({ methods }: { methods: readonly PosMethodView[] }): void {
  for (const method of methods) {
    if (method.terminal === 'none') continue;
    if (method.device === null || method.device.removed) {
      throw new KassaError('KASSA_DEVICE_GONE', undefined, { paymentMethodId: method.id, deviceId: method.device?.id ?? null });
    }
  }
}
