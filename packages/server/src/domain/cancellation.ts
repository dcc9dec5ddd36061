import type { Device } from './devices.js';
import { checkDeviceTrusted } from './device-approval.js';
import { KassaError } from './errors.js';
import type { OrderState } from './orders.js';
import type { PaymentMethodKind, Terminal } from './payment-methods.js';
import type { PaymentLineView } from './payment-states.js';
import { PAID_STATES, UNSETTLED_STATES } from './payment-states.js';

/** One refund a cancellation makes: the money an order took through one terminal, or through one method without a terminal. */
export interface CancelRefund {
  /** What tells this refund from the others of the same cancellation (its uuid is made from it). */
  readonly key: string;
  readonly methodId: number;
  /** The terminal that pays back, or null: cash, or a method without a terminal (done at once). */
  readonly device: Device | null;
  readonly amountCents: number;
}

export interface CancelCheck {
  readonly order: { readonly state: OrderState; readonly payments: readonly (PaymentLineView & { readonly methodId: number })[] };
  readonly methods: readonly { readonly id: number; readonly kind: PaymentMethodKind; readonly terminal: Terminal }[];
  /** The devices the order's settled card lines were paid on. */
  readonly devices: readonly Device[];
  /** Lines running on each of those devices, whatever their order. */
  readonly activeOnDevice: ReadonlyMap<number, number>;
}

/**
 * What cancelling a draft order gives back. Nothing may be running; each settled line is paid back
 * the way it came: a card line through the terminal that took it (one refund per terminal, its lines
 * added up, since a terminal runs one transaction at a time), cash and lines entered by hand on
 * their method (one refund per method, done at once). Every terminal must be trusted, online and
 * idle, or nothing is cancelled. An order that took nothing gives nothing back.
 */
export function planCancelRefunds(check: CancelCheck): CancelRefund[] {
  const { order } = check;
  if (order.state !== 'draft') throw new KassaError('KASSA_ORDER_NOT_DRAFT');
  const running = order.payments.filter((p) => UNSETTLED_STATES.includes(p.state));
  if (running.length > 0) throw new KassaError('KASSA_PAYMENT_IN_PROGRESS', undefined, { payments: running.map((p) => p.uuid) });
  const refunds = new Map<string, { key: string; methodId: number; device: Device | null; amountCents: number }>();
  for (const p of order.payments.filter((line) => PAID_STATES.includes(line.state))) {
    const method = check.methods.find((m) => m.id === p.methodId);
    const byTerminal = method !== undefined && method.kind !== 'cash' && method.terminal !== 'none' && p.deviceId !== null;
    const key = byTerminal ? `device:${p.deviceId}` : `method:${p.methodId}`;
    const device = byTerminal ? (check.devices.find((d) => d.id === p.deviceId) ?? null) : null;
    if (byTerminal && device === null) throw new KassaError('KASSA_DEVICE_GONE', undefined, { paymentMethodId: p.methodId });
    const entry = refunds.get(key) ?? { key, methodId: p.methodId, device, amountCents: 0 };
    entry.amountCents += p.amountCents;
    refunds.set(key, entry);
  }
  for (const { device } of refunds.values()) {
    if (device === null) continue;
    if (device.removed) throw new KassaError('KASSA_DEVICE_GONE', undefined, { deviceId: device.id });
    checkDeviceTrusted(device);
    if (!device.online) throw new KassaError('KASSA_DEVICE_OFFLINE', undefined, { deviceId: device.id });
    if ((check.activeOnDevice.get(device.id) ?? 0) > 0) throw new KassaError('KASSA_TERMINAL_BUSY', undefined, { deviceId: device.id });
  }
  return [...refunds.values()];
}
