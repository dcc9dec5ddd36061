import type { Device } from './devices.js';
import { checkDeviceTrusted } from './device-approval.js';
import { KassaError } from './errors.js';
import { assertCents } from './money.js';
import type { OrderState } from './orders.js';
import type { PaymentMethodKind, Terminal } from './payment-methods.js';
import type { PaymentLineView } from './payment-states.js';
import { PAID_STATES, UNSETTLED_STATES } from './payment-states.js';

export interface PaymentRequestCheck {
  readonly order: { readonly state: OrderState; readonly totalCents: number; readonly payments: readonly PaymentLineView[] };
  readonly method: { readonly id: number; readonly kind: PaymentMethodKind; readonly terminal: Terminal; readonly device: Device | null };
  readonly posMethodIds: readonly number[];
  readonly amountCents: number;
  /** Lines running on the method's device, whatever their order. */
  readonly deviceActivePayments: number;
}

/** What is still due on an order: total minus the lines that are paid or may still be. */
export function amountDue({ totalCents, payments }: { totalCents: number; payments: readonly PaymentLineView[] }): number {
  const taken = payments.filter((p) => PAID_STATES.includes(p.state) || UNSETTLED_STATES.includes(p.state)).reduce((sum, p) => sum + p.amountCents, 0);
  return totalCents - taken;
}

/** What a new payment line counts toward its order, and for cash what was handed and given back. */
export interface PaymentLineFigures {
  readonly amountCents: number;
  /** Cash only: what the customer handed. */
  readonly tenderedCents: number | null;
  /** Cash only: the change given back, tendered − amount. */
  readonly changeCents: number | null;
}

/**
 * The figures of a cash line: the customer hands `tenderedCents`; the line counts what is due at
 * most, and the rest is the change. Nothing due means nothing to take.
 */
export function cashTender({ dueCents, tenderedCents }: { dueCents: number; tenderedCents: number }): PaymentLineFigures {
  assertCents({ cents: tenderedCents, field: 'amountCents' });
  if (dueCents <= 0) throw new KassaError('KASSA_NOTHING_DUE', undefined, { dueCents });
  const amountCents = Math.min(tenderedCents, dueCents);
  return { amountCents, tenderedCents, changeCents: tenderedCents - amountCents };
}

/** What the lines of an order have taken (paid) and may still be taking (running on a terminal). */
export function paidAndRunning(payments: readonly PaymentLineView[]): { paidCents: number; runningCents: number } {
  let paidCents = 0;
  let runningCents = 0;
  for (const p of payments) {
    if (PAID_STATES.includes(p.state)) paidCents += p.amountCents;
    else if (UNSETTLED_STATES.includes(p.state)) runningCents += p.amountCents;
  }
  return { paidCents, runningCents };
}

/**
 * Whether a new payment line may be requested, and what it counts: the order is open, the method
 * belongs to its POS, the amount is valid; cash may exceed what is due (the excess is the change),
 * any other line takes no more than is due; a terminal must be online and idle.
 */
export function checkPaymentRequest(check: PaymentRequestCheck): PaymentLineFigures {
  const { order, method, amountCents } = check;
  if (order.state !== 'draft') throw new KassaError('KASSA_ORDER_NOT_DRAFT');
  if (!check.posMethodIds.includes(method.id)) throw new KassaError('KASSA_METHOD_NOT_IN_POS', undefined, { paymentMethodId: method.id });
  assertCents({ cents: amountCents, field: 'amountCents' });
  const due = amountDue(order);
  if (method.kind === 'cash') return cashTender({ dueCents: due, tenderedCents: amountCents });
  if (amountCents > due) throw new KassaError('KASSA_AMOUNT_EXCEEDS_DUE', undefined, { amountCents, dueCents: due });
  const figures = { amountCents, tenderedCents: null, changeCents: null };
  if (method.terminal === 'none') return figures;
  if (method.device === null || method.device.removed) throw new KassaError('KASSA_DEVICE_GONE', undefined, { paymentMethodId: method.id });
  checkDeviceTrusted(method.device);
  if (!method.device.online) throw new KassaError('KASSA_DEVICE_OFFLINE', undefined, { deviceId: method.device.id });
  if (check.deviceActivePayments > 0) throw new KassaError('KASSA_TERMINAL_BUSY', undefined, { deviceId: method.device.id });
  return figures;
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
