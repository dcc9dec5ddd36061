import type { Device } from './devices.js';
import { checkDeviceTrusted } from './device-approval.js';
import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { OrderState } from './orders.js';
import type { Terminal } from './payment-methods.js';
import type { PaymentLineView } from './payment-states.js';
import { ACTIVE_STATES, PAID_STATES } from './payment-states.js';

export interface PaymentRequestCheck {
  readonly order: { readonly state: OrderState; readonly totalCents: number; readonly payments: readonly PaymentLineView[] };
  readonly method: { readonly id: number; readonly terminal: Terminal; readonly device: Device | null };
  readonly posMethodIds: readonly number[];
  readonly amountCents: number;
  /** Lines running on the method's device, whatever their order. */
  readonly deviceActivePayments: number;
}

/** What is still due on an order: total minus the lines that are paid or may still be. */
export function amountDue({ totalCents, payments }: { totalCents: number; payments: readonly PaymentLineView[] }): number {
  const taken = payments.filter((p) => PAID_STATES.includes(p.state) || ACTIVE_STATES.includes(p.state)).reduce((sum, p) => sum + p.amountCents, 0);
  return totalCents - taken;
}

/**
 * Whether a new payment line may be requested: the order is open, the method belongs to its POS,
 * the amount is valid, a card payment takes no more than is due, and the terminal is approved (not
 * new, not quarantined, not reported by two boxes), online and idle.
 */
export function checkPaymentRequest(check: PaymentRequestCheck): void {
  const { order, method, amountCents } = check;
  if (order.state !== 'draft') throw new KassaError('KASSA_ORDER_NOT_DRAFT');
  if (!check.posMethodIds.includes(method.id)) throw new KassaError('KASSA_METHOD_NOT_IN_POS', undefined, { paymentMethodId: method.id });
  assertCents({ cents: amountCents, field: 'amountCents' });
  if (method.terminal === 'none') return;
  const due = amountDue(order);
  if (amountCents > due) throw new KassaError('KASSA_AMOUNT_EXCEEDS_DUE', undefined, { amountCents, dueCents: due });
  if (method.device === null || method.device.removed) throw new KassaError('KASSA_DEVICE_GONE', undefined, { paymentMethodId: method.id });
  checkDeviceTrusted(method.device);
  if (!method.device.online) throw new KassaError('KASSA_DEVICE_OFFLINE', undefined, { deviceId: method.device.id });
  if (check.deviceActivePayments > 0) throw new KassaError('KASSA_TERMINAL_BUSY', undefined, { deviceId: method.device.id });
}

/** What the server knows of whether a pending line's start command may have reached its terminal. */
export interface StartReach {
  /** The box is linked to a server process now: a queued start leaves for it within moments. */
  readonly boxOnline: boolean;
  /** The box confirmed it journaled the start command: it will run it, now or after a restart. */
  readonly startDelivered: boolean;
}

/**
 * A pending line may be marked failed by hand only while its start cannot reach the terminal: its
 * box is offline and never confirmed the command (the command is then dropped when the box comes
 * back). Otherwise the terminal may be charging the card, and a line marked failed would invite a
 * second charge: the cashier cancels instead, and the terminal's answer decides.
 */
export function checkMarkFailedWhilePending(reach: StartReach): void {
  if (!reach.boxOnline && !reach.startDelivered) return;
  const why = reach.startDelivered ? 'its box has already received the start command' : 'its box is online and is sending the start command to the terminal';
  throw new KassaError('KASSA_PAYMENT_STATE', `Cannot mark failed a pending payment: ${why}. Cancel it, and the terminal's answer settles it.`, {
    state: 'pending',
    event: 'markFailed',
    boxOnline: reach.boxOnline,
    startDelivered: reach.startDelivered,
  });
}
